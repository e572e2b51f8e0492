import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { MAX_COUNT, newName, num, objectName, vec3 } from "./schemas.js";
import { axisOrVector } from "./transforms.js";

const count = z
  .union([z.number().int().min(2).max(MAX_COUNT), z.string().min(1)])
  .describe(`number of instances including the original, 2 to ${MAX_COUNT} (or a parameter expression)`);

const merge = z
  .boolean()
  .optional()
  .describe("fuse the instances into one solid (default true); false keeps them as a compound of separate solids");

const RESULT =
  "The original is consumed (hidden; the pattern includes it as the first instance). The pattern is a parametric Draft Array in the FreeCAD file: count, spacing, angle and centre given as parameter expressions stay bound. Returns its health {name, type, volume (mm³), area, bbox, valid, solids, faces, edges, warnings} and `instances`. A pattern of holes or pegs that do not touch has several solids: use it as the tools of one boolean (e.g. cut it from a plate) rather than as a part.";

const linearPattern = cadTool({
  name: "linear_pattern",
  description: `Repeat an object \`count\` times along \`direction\`, \`spacing\` mm apart (centre to centre): instance i is the original shifted by i·spacing along the direction. E.g. 4 holes 20 mm apart along X: linear_pattern {object: "hole", direction: "X", count: 4, spacing: 20}. For a grid, pattern the pattern along the second direction. ${RESULT}`,
  input: z.object({
    name: newName,
    object: objectName.describe("object to repeat"),
    direction: axisOrVector.describe('"X", "Y", "Z" or a direction vector (normalised for you)'),
    count,
    spacing: num.describe("distance between neighbouring instances, mm (negative reverses the direction)"),
    merge,
  }),
  mutates: true,
});

const polarPattern = cadTool({
  name: "polar_pattern",
  description: `Repeat an object \`count\` times around \`axis\` through \`center\` (default the origin). With angle 360 (default) the instances are spread evenly round the full circle (360/count apart, none doubled on the first); with a smaller angle the first and last instance are \`angle\` apart (angle/(count−1) between neighbours). Angles in degrees, counter-clockwise about the axis. E.g. 6 bolt holes on a circle: make one hole at [pcd/2, 0, z], then polar_pattern {object: "hole", axis: "Z", count: 6}. ${RESULT}`,
  input: z.object({
    name: newName,
    object: objectName.describe("object to repeat"),
    axis: axisOrVector.describe('rotation axis: "X", "Y", "Z" or a direction vector'),
    center: vec3.optional().describe("a point on the axis, default [0,0,0]"),
    count,
    angle: num.optional().describe("total angle covered in degrees, default 360 (full circle)"),
    merge,
  }),
  mutates: true,
});

export const patternsTools: ToolDefinition[] = [linearPattern, polarPattern];

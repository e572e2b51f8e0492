import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { axisOrVector, MAX_COUNT, newName, num, objectName, vec3 } from "./schemas.js";

const count = num.refine((v) => typeof v !== "number" || (Number.isInteger(v) && v >= 2 && v <= MAX_COUNT), {
  message: `must be a whole number from 2 to ${MAX_COUNT}`,
});

const RESULT = "The original is consumed. merge (default true) fuses touching instances.";

const linearPattern = cadTool({
  name: "linear_pattern",
  description: `Repeat an object \`count\` times along \`direction\` ("X"|"Y"|"Z" or a vector), \`spacing\` apart centre to centre. Pattern a pattern for a grid. ${RESULT}`,
  input: z.strictObject({
    name: newName,
    object: objectName,
    direction: axisOrVector,
    count,
    spacing: num,
    merge: z.boolean().optional(),
  }),
  mutates: true,
});

const polarPattern = cadTool({
  name: "polar_pattern",
  description: `Repeat an object \`count\` times about \`axis\` through \`center\` (default origin). angle 360 (default) spreads them evenly. Bolt circle: a cylinder at ["pcd/2", 0, z], {axis: "Z", count: 6}, then cut. ${RESULT}`,
  input: z.strictObject({
    name: newName,
    object: objectName,
    axis: axisOrVector,
    center: vec3.optional(),
    count,
    angle: num.optional(),
    merge: z.boolean().optional(),
  }),
  mutates: true,
});

export const patternsTools: ToolDefinition[] = [linearPattern, polarPattern];

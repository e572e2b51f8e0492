import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { positiveNum } from "./primitives.js";
import { threadSize } from "./thread.js";
import { MAX_COUNT, newName, num, objectName, selector, vec3 } from "./schemas.js";

/**
 * Features applied to an existing solid (TOOLS.md "Features"): fillet, chamfer, shell, hole.
 * Implemented by the worker ops of the same names (ops_dressup.py, ops_hole.py). `boolean`
 * lives with the booleans family.
 */

const RESULT =
  "Returns the new object's health: {name, type, volume (mm³), area, bbox {min, max}, valid, solids, faces, edges, warnings}; the input solid is hidden (consumed).";

const fillet = cadTool({
  name: "fillet",
  description: `Round edges of a solid with a constant radius (Part::Fillet). Choose edges with a selector, e.g. ">Z" (top edges), "|Z" (vertical edges), ">Z or <Z", or names from list_topology. A radius too large for the edges or their faces fails with an error and changes nothing; then retry smaller. Fillet before shell, after booleans. The result also lists the selected edge names. ${RESULT}`,
  input: z.object({
    name: newName,
    object: objectName.describe("solid to fillet"),
    radius: positiveNum.describe("fillet radius, mm"),
    edges: selector.describe(`edges to round. ${selector.description ?? ""}`),
  }),
  mutates: true,
});

const chamfer = cadTool({
  name: "chamfer",
  description: `Bevel edges of a solid (Part::Chamfer): equal distances, or \`size\` plus \`angle\` or \`size2\` (FreeCAD picks which face is first: check the result). Choose edges with a selector as for fillet. Too large a size fails with an error and changes nothing. ${RESULT}`,
  input: z.object({
    name: newName,
    object: objectName.describe("solid to chamfer"),
    size: positiveNum.describe("chamfer distance along each face, mm (along the first face with angle/size2)"),
    edges: selector.describe(`edges to bevel. ${selector.description ?? ""}`),
    angle: num.optional().describe("degrees (0, 90) from the first face, e.g. 30 for a nut's chamfer"),
    size2: positiveNum.optional().describe("distance along the second face, mm"),
  }),
  mutates: true,
});

const shell = cadTool({
  name: "shell",
  description: `Hollow a solid into walls of constant thickness (Part::Thickness), removing the selected faces to leave openings, e.g. open_faces ">Z" for an open-top box. Walls grow inward: outside dimensions are kept. ${RESULT}`,
  input: z.object({
    name: newName,
    object: objectName.describe("solid to hollow"),
    thickness: positiveNum.describe("wall thickness, mm"),
    open_faces: selector.describe(`faces to remove. ${selector.description ?? ""}`),
  }),
  mutates: true,
});

const hole = cadTool({
  name: "hole",
  description: `Drill round holes into a planar face of a solid, perpendicular to it (along the face's inward normal), optionally counterbored or countersunk. \`face\` selects the flat face the holes start on (e.g. ">Z" for the top); \`positions\` are global [x, y, z] hole centres on that face (z = the face height for a top face). \`depth\` is a length from the face, or "through". Second form, any direction and curved faces (a radial hole in a shaft): origin + direction instead of face + positions. Tapped holes: \`thread: "M6"\` (then omit diameter). Metric clearance holes: M3 3.4, M4 4.5, M5 5.5, M6 6.6 mm; counterbore for M3 socket heads: diameter 6.5, depth 3.3. Warns about positions off the face and holes that remove no material. ${RESULT} Also returns removed_volume and direction.`,
  input: z.object({
    name: newName,
    object: objectName.describe("solid to drill"),
    face: selector.optional().describe(`the planar face the holes start on. ${selector.description ?? ""}`),
    positions: z
      .array(vec3)
      .min(1)
      .max(MAX_COUNT)
      .optional()
      .describe("hole centres in global coordinates, on the face"),
    origin: vec3.optional().describe("second form, instead of face + positions: where one hole starts"),
    direction: vec3.optional().describe("second form: drilling direction, into the solid"),
    diameter: positiveNum.optional().describe("hole diameter, mm (optional with thread: the tap drill)"),
    thread: threadSize
      .optional()
      .describe('a tapped hole, e.g. "M6": drilled at the tap drill (d − pitch) with the thread modelled'),
    depth: z.union([positiveNum, z.literal("through")]).describe('depth from the face in mm, or "through"'),
    counterbore: z
      .object({ diameter: positiveNum.describe("> hole diameter"), depth: positiveNum })
      .optional()
      .describe("a flat-bottomed wider recess at the top, for a screw head"),
    countersink: z
      .object({
        diameter: positiveNum.describe("diameter at the face, > hole diameter"),
        angle: positiveNum.optional().describe("included cone angle, degrees, default 90"),
      })
      .optional()
      .describe("a conical recess at the top, for a flat-head screw"),
  }),
  mutates: true,
});

/** Fillet, chamfer, shell and hole. */
export const featuresTools: ToolDefinition[] = [fillet, chamfer, shell, hole] as ToolDefinition[];

import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { threadSize } from "./thread.js";
import { MAX_COUNT, upTo, newName, num, objectName, positiveNum, SELECTOR_HELP, selector, vec3 } from "./schemas.js";

// The full selector grammar is in fillet and list_topology; the other tools point to it with
// examples of their own (each copy costs ~140 tokens a request).

/**
 * Features applied to an existing solid (TOOLS.md "Features"): fillet, chamfer, shell, hole.
 * Implemented by the worker ops of the same names (ops_dressup.py, ops_hole.py). `boolean`
 * lives with the booleans family.
 */

const fillet = cadTool({
  name: "fillet",
  description: `Round edges of a solid. edges e.g. "|Z" (vertical), ">Z" (top face's edges), "%CIRCLE[d=8]" (edges of Ø8 holes), "near(50,0,10)". Too large a radius fails and changes nothing: retry smaller. Returns the selected edge names. ${SELECTOR_HELP}`,
  input: z.strictObject({ name: newName, object: objectName, radius: positiveNum, edges: selector }),
  mutates: true,
});

const chamfer = cadTool({
  name: "chamfer",
  description: `Bevel edges by \`size\`; or \`size\` plus \`angle\` (degrees from the first face, e.g. 30 for a nut) or \`size2\` (second face). edges: a selector as in fillet, e.g. "<Z" (bottom face's edges), ">Z and %CIRCLE[d=6]" (top edges of Ø6 bores), "%LINE[len>20]", "Edge3,Edge7".`,
  input: z.strictObject({
    name: newName,
    object: objectName,
    size: positiveNum,
    edges: selector,
    angle: num.optional(),
    size2: positiveNum.optional(),
  }),
  mutates: true,
});

const shell = cadTool({
  name: "shell",
  description: `Hollow a solid to walls of \`thickness\` (grown inward), removing open_faces: a face selector as in fillet, e.g. ">Z" or "Face6" (open top), "+Z or -Y" (two faces), ">X[1]".`,
  input: z.strictObject({ name: newName, object: objectName, thickness: positiveNum, open_faces: selector }),
  mutates: true,
});

const hole = cadTool({
  name: "hole",
  description: `Drill holes into one planar face (a selector for one face: ">Z", "-Y", "Face6", "near(0,0,10)") at global \`positions\` on it; or, any direction or a curved face, one hole from \`origin\` along \`direction\`. Clearance: M3 3.4, M4 4.5, M5 5.5, M6 6.6. thread "M6": tapped (tap drill, modelled thread; no diameter needed).`,
  input: z.strictObject({
    name: newName,
    object: objectName,
    face: selector.optional(),
    positions: upTo(vec3, 1, MAX_COUNT).optional(),
    origin: vec3.optional(),
    direction: vec3.optional(),
    diameter: positiveNum.optional(),
    thread: threadSize.optional(),
    depth: positiveNum.describe('mm or "through"'),
    counterbore: z.strictObject({ diameter: positiveNum, depth: positiveNum }).optional(),
    countersink: z
      .strictObject({ diameter: positiveNum, angle: positiveNum.optional().describe("included, default 90") })
      .optional(),
  }),
  mutates: true,
});

/** Fillet, chamfer, shell and hole. */
export const featuresTools: ToolDefinition[] = [fillet, chamfer, shell, hole] as ToolDefinition[];

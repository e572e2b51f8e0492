import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { newName, objectName } from "./schemas.js";

const boolean = cadTool({
  name: "boolean",
  description:
    'Combine solids with a parametric boolean. op "cut": subtract every tool from `base` (holes, pockets, slots); "union": fuse base and tools into one solid; "intersect": keep only the volume common to all. The inputs are consumed: they are hidden and stop being parts, but stay in the FreeCAD file so the result follows their parameters. Coplanar faces are merged (refined), so ">Z" finds one top face afterwards. Returns the new object\'s health {name, type, volume (mm³), area, bbox, valid, solids, faces, edges, warnings}. Read the warnings: a cut that removed no material or a tool that missed the base (wrong position), a union that added nothing, or several separate solids (pieces that do not touch) mean the geometry is not what you intended. An empty intersection, or a cut that removes everything, is an error. Tip: a hole tool should extend past both faces it cuts through.',
  input: z.object({
    name: newName,
    op: z.enum(["union", "cut", "intersect"]),
    base: objectName.describe("the object kept (cut) or the first operand"),
    tools: z
      .array(objectName)
      .min(1)
      .describe('objects to subtract / fuse / intersect with base, e.g. ["hole1", "hole2"]'),
  }),
  mutates: true,
});

export const booleansTools: ToolDefinition[] = [boolean];

import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { newName, objectName, positiveNum, selector } from "./schemas.js";

/** ISO metric sizes the worker knows (coarse pitch); "M8x1" gives a fine pitch. */
// A refinement, not a JSON Schema pattern: `hole` (core) carries it, and every request pays for a pattern.
export const threadSize = z
  .string()
  .refine((s) => /^M\d+(\.\d+)?(x\d+(\.\d+)?)?$/i.test(s), 'an ISO metric size such as "M8" (coarse pitch) or "M8x1"');

/** thread: a modelled ISO metric thread (worker op in ops_thread.py). */
const thread = cadTool({
  name: "thread",
  family: "threads",
  description:
    'Model an ISO metric thread (60° profile) on one cylindrical face: on a rod (external: the face Ø is the major Ø, e.g. a Ø8 cylinder for M8) or in a bore (internal: the bore is the tap drill, e.g. Ø5 for M6; or use hole with thread). A threaded rod or bolt: create_cylinder, then thread its side face ("%CYLINDER"). `length` (default the whole face) starts at the free end. Slow-ish: about 1 s per 10 turns. Returns the health and thread {kind, pitch, major_diameter, minor_diameter, length}.',
  input: z.strictObject({
    name: newName,
    object: objectName.describe("solid to thread"),
    face: selector.describe('one cylindrical face, e.g. "%CYLINDER" or "Face1"'),
    size: z
      .union([
        threadSize,
        z.strictObject({
          pitch: positiveNum.describe("mm"),
          depth: positiveNum.describe("radial depth, mm, <= 0.6·pitch"),
        }),
      ])
      .describe('"M8" etc., or a custom {pitch, depth}'),
    length: positiveNum.optional().describe("threaded length along the axis, mm"),
  }),
  mutates: true,
});

export const threadTools: ToolDefinition[] = [thread] as ToolDefinition[];

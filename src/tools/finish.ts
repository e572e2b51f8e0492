import { z } from "zod";
import { partsHealth } from "../cad/ops.js";
import { CadError } from "../cad/protocol.js";
import { defineTool } from "./define.js";
import { objectName } from "./schemas.js";

/**
 * Declares the deliverable and ends the loop. It checks the parts exist and reports their
 * health, so a finish naming a missing or hidden object is an error the model can fix. A part
 * made of several separate solids (a flange cut loose, pegs that miss the plate) is refused the
 * same way unless the model says separate bodies are intended.
 */
export const finishTool = defineTool({
  name: "finish",
  description:
    "Deliver the final part(s) and end the session, after measure/check_design confirm the brief. summary: what was built, key dimensions, assumptions. A part of separate solids is refused unless allow_multiple_solids is true (bodies apart on purpose). STEP/STL/FCStd are exported for you.",
  input: z.strictObject({
    parts: z.array(objectName).min(1),
    summary: z.string().min(1),
    allow_multiple_solids: z.boolean().optional(),
  }),
  mutates: false,
  async execute(input, ctx) {
    const r = await partsHealth(ctx.cad, input.parts, ctx.signal ? { signal: ctx.signal } : {});
    const loose = input.allow_multiple_solids ? [] : r.parts.filter((p) => p.solids > 1);
    if (loose.length) {
      throw new CadError(
        "op_error",
        `not finished: ${loose.map((p) => `part '${p.name}' is ${p.solids} separate solids`).join("; ")}`,
        "fuse the pieces that should touch (check positions, make joining features overlap), or call finish with allow_multiple_solids: true if separate bodies are intended",
      );
    }
    return { result: { finished: true, parts: r.parts, summary: input.summary } };
  },
});

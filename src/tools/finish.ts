import { z } from "zod";
import { partsHealth } from "../cad/ops.js";
import { defineTool } from "./define.js";
import { objectName } from "./schemas.js";

/**
 * Declares the deliverable and ends the loop. It checks the parts exist and reports their
 * health, so a finish naming a missing or hidden object is an error the model can fix.
 */
export const finishTool = defineTool({
  name: "finish",
  description:
    "Declare the finished design and end the session. `parts` names the final solid(s) (usually one); `summary` states what was built with its key dimensions. Call it only after measure/check_design confirm the part matches the brief. The CLI then exports STEP/STL/FCStd.",
  input: z.object({
    parts: z.array(objectName).min(1).describe("names of the final part objects"),
    summary: z.string().min(1).describe("what was built, with the key dimensions"),
  }),
  mutates: false,
  async execute(input, ctx) {
    const r = await partsHealth(ctx.cad, input.parts, ctx.signal ? { signal: ctx.signal } : {});
    return { result: { finished: true, parts: r.parts, summary: input.summary } };
  },
});

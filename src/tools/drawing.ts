import path from "node:path";
import { z } from "zod";
import { CadError } from "../cad/protocol.js";
import { resolveInside } from "../util/path-inside.js";
import { defineTool, type ToolDefinition } from "./define.js";
import { objectName } from "./schemas.js";

/** drawing: an orthographic sheet written inside the output folder (worker op in ops_drawing.py). */

const FORMATS = ["svg", "pdf", "dxf"] as const;

const drawing = defineTool({
  name: "drawing",
  family: "output",
  description:
    "Write an orthographic drawing sheet for the workshop into the output folder: front, top, right and iso views (third-angle) with visible and dashed hidden edges, overall dimensions on each orthographic view, and a title block (part name, scale, units mm, date). The sheet is A4 or A3 at a standard scale that fits. `parts` defaults to every visible part; `filename` defaults to drawing.<format>. Returns {path, sheet, scale, views, dimensions {view: [w, h]}}.",
  input: z.strictObject({
    parts: z.array(objectName).min(1).optional(),
    views: z
      .array(z.enum(["front", "top", "right", "iso"]))
      .min(1)
      .optional()
      .describe("default all four"),
    dimensions: z.enum(["overall", "none"]).optional().describe("default overall"),
    format: z.enum(FORMATS),
    filename: z.string().min(1).optional().describe("relative to the output folder, with the format's extension"),
  }),
  mutates: false,
  async execute(input, ctx) {
    const ext = `.${input.format}`;
    const target = resolveInside(
      ctx.outDir,
      input.filename?.trim() || `drawing${ext}`,
      "drawing filename",
      (m) => new CadError("bad_path", m, `give a plain file name such as drawing${ext}`),
      (n) => {
        if (path.extname(n).toLowerCase() !== ext)
          throw new CadError("bad_path", `a ${input.format} drawing must end with ${ext}, got '${n}'`);
      },
    );
    const result = await ctx.cad.call(
      "drawing",
      {
        format: input.format,
        path: target.absolute,
        out_dir: target.root,
        ...(input.parts ? { parts: input.parts } : {}),
        ...(input.views ? { views: input.views } : {}),
        ...(input.dimensions ? { dimensions: input.dimensions } : {}),
      },
      { ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}) },
    );
    return { result: { ...result, path: target.relative } };
  },
});

export const drawingTools: ToolDefinition[] = [drawing] as ToolDefinition[];

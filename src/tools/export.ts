import path from "node:path";
import { z } from "zod";
import { CadError } from "../cad/protocol.js";
import { resolveInside } from "../util/path-inside.js";
import { defineTool, type ToolDefinition } from "./define.js";
import { objectName } from "./schemas.js";

import { EXPORT_FORMATS, type ExportFormat } from "../util/export-formats.js";

export { EXPORT_FORMATS, type ExportFormat };

/** Accepted extensions per format (lower case); the first is the default. */
const EXTENSIONS: Record<ExportFormat, readonly string[]> = {
  step: [".step", ".stp"],
  stl: [".stl"],
  iges: [".iges", ".igs"],
  brep: [".brep", ".brp"],
  obj: [".obj"],
  fcstd: [".FCStd"],
  dxf: [".dxf"],
  svg: [".svg"],
  "3mf": [".3mf"],
};

function badPath(message: string, hint: string): CadError {
  return new CadError("bad_path", message, hint);
}

/**
 * Where an export may be written: `filename` (default `model.<ext>`) resolved inside `outDir`.
 * Refuses absolute paths, `..` escapes, symlinks leading outside, and extensions that do not
 * match the format; creates missing sub-folders only after checking where they would land.
 */
export function resolveExportPath(
  outDir: string,
  format: ExportFormat,
  filename?: string,
): { root: string; absolute: string; relative: string } {
  const exts = EXTENSIONS[format];
  const hint = `give a plain file name such as model${exts[0]}, optionally in a sub-folder (parts/bracket${exts[0]})`;
  const name = filename?.trim() || `model${exts[0]}`;
  return resolveInside(
    outDir,
    name,
    "export filename",
    (m) => badPath(m, hint),
    (n) => {
      const ext = path.extname(n).toLowerCase();
      if (!exts.some((e) => e.toLowerCase() === ext)) {
        throw badPath(
          `a ${format} export must end with ${exts.join(" or ")}, got '${n}'`,
          `use the extension that matches the format, e.g. ${path.basename(n, path.extname(n))}${exts[0]}`,
        );
      }
    },
  );
}

const exportTool = defineTool({
  name: "export",
  description:
    "Write the design to a file in the output folder (only there). Formats: step (exchange with other CAD, exact), stl / obj / 3mf (triangle mesh for 3D printing, ~0.05 mm chord tolerance; 3mf: mm, one object per part), iges, brep (OpenCASCADE native), fcstd (the whole parametric FreeCAD document, with the Params spreadsheet), dxf / svg (2D projection of the visible edges, `view` default top: e.g. a laser-cut outline). `objects` defaults to every visible part; `filename` defaults to model.<ext> (model.FCStd) and may include a sub-folder, never an absolute path or '..'. Returns {format, path (relative to the output folder), bytes, objects}. The CLI exports STEP/STL/FCStd after finish anyway: use this for extra formats or intermediate files.",
  input: z.object({
    format: z.enum(EXPORT_FORMATS),
    objects: z
      .array(objectName)
      .min(1)
      .optional()
      .describe("objects to export; default every visible part (ignored for fcstd)"),
    filename: z
      .string()
      .min(1)
      .optional()
      .describe("file name relative to the output folder, with the format's extension"),
    view: z
      .enum(["top", "bottom", "front", "back", "left", "right", "iso"])
      .optional()
      .describe("projection direction for dxf/svg, default top"),
  }),
  mutates: false,
  async execute(input, ctx) {
    const target = resolveExportPath(ctx.outDir, input.format, input.filename);
    const result = await ctx.cad.call(
      "export",
      {
        format: input.format,
        path: target.absolute,
        out_dir: target.root,
        ...(input.objects ? { objects: input.objects } : {}),
        ...(input.view ? { view: input.view } : {}),
      },
      { ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}) },
    );
    return { result: { ...result, path: target.relative } };
  },
});

export const exportTools: ToolDefinition[] = [exportTool];

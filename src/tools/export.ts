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
  family: "output",
  description:
    "Write extra files to the output folder (STEP, STL and FCStd are exported after finish anyway; stl/obj/3mf are meshes for printing, 3mf in mm with one object per part). dxf/svg are 2D projections along `view` (default top). objects default to every visible part; filename defaults to model.<ext>, relative, no '..'.",
  input: z.strictObject({
    format: z.enum(EXPORT_FORMATS),
    objects: z.array(objectName).min(1).optional(),
    filename: z.string().min(1).optional(),
    view: z.enum(["top", "bottom", "front", "back", "left", "right", "iso"]).optional(),
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

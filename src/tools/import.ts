import { realpathSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { CadError } from "../cad/protocol.js";
import type { ReadableInputs } from "./context.js";
import { defineTool, type ToolDefinition } from "./define.js";
import { newName } from "./schemas.js";

/**
 * `import_shape` (TOOLS.md, second round): STEP, IGES, BREP or a closed STL mesh as a solid. The
 * file name comes from the model, so it may only name a file the user allowed: one given with
 * `--input`, or one inside the MCP server's `--in` folder. Everything else is refused the way an
 * export that leaves the output folder is, and symlinks are judged by where they lead.
 */

export const IMPORT_EXTENSIONS = [".step", ".stp", ".iges", ".igs", ".brep", ".brp", ".stl"] as const;

function refused(message: string, inputs: ReadableInputs | undefined): CadError {
  const allowed = [...(inputs?.files ?? []), ...(inputs?.folders ?? []).map((f) => `${f}/…`)];
  return new CadError(
    "bad_path",
    message,
    allowed.length
      ? `files you may import: ${allowed.join(", ")}`
      : "no file may be imported in this run: the user names files with --input",
  );
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/**
 * The real path of `name` when the user allowed it: an `--input` file given by its path or its
 * base name, or a file inside an allowed folder (relative names resolve against the folder).
 */
export function resolveReadable(name: string, inputs: ReadableInputs | undefined): string {
  if (name.split(/[\\/]/).includes("..")) throw refused(`'${name}' must not contain '..'`, inputs);
  const files = (inputs?.files ?? []).map((f) => ({ given: f, real: real(f) }));
  const folders = (inputs?.folders ?? []).map((f) => real(f)).filter((f): f is string => f !== undefined);
  const candidates = path.isAbsolute(name)
    ? [name]
    : [
        ...files.filter((f) => f.given === name || path.basename(f.given) === name).map((f) => f.given),
        ...folders.map((f) => path.join(f, name)),
      ];
  for (const c of candidates) {
    const r = real(c);
    if (r === undefined) continue;
    if (files.some((f) => f.real === r) || folders.some((f) => inside(f, r))) return r;
  }
  if (candidates.some((c) => real(c) !== undefined))
    throw refused(`'${name}' is not a file you may import (it may lead elsewhere through a symlink)`, inputs);
  throw refused(`'${name}' is not a file you may import`, inputs);
}

const importShape = defineTool({
  name: "import_shape",
  family: "shapes",
  description:
    "Import a part as a solid (default name `imported`): STEP, IGES, BREP, or a closed STL mesh. Only files the user named can be read (the error hint lists them).",
  input: z.strictObject({
    name: newName,
    file: z.string().min(1).describe("the file as the user named it: its path or base name"),
  }),
  mutates: true,
  async execute(input, ctx) {
    const ext = path.extname(input.file).toLowerCase();
    if (!(IMPORT_EXTENSIONS as readonly string[]).includes(ext))
      throw new CadError(
        "bad_argument",
        `cannot import '${input.file}': unknown extension`,
        `supported: ${IMPORT_EXTENSIONS.join(", ")}`,
      );
    const file = resolveReadable(input.file, ctx.inputs);
    const result = await ctx.cad.call(
      "import_shape",
      { name: input.name ?? "imported", path: file },
      { ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}) },
    );
    return { result };
  },
});

export const importTools: ToolDefinition[] = [importShape];

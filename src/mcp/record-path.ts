import { lstatSync, mkdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { DESIGN_FILE_NAME } from "../agent/design-record.js";
import { CadError } from "../cad/protocol.js";

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Whether `p` resolves (through symlinks) inside `root`; a dangling symlink does not. */
function resolvesInside(root: string, p: string): boolean {
  try {
    return isInside(root, realpathSync(p));
  } catch {
    return false;
  }
}

function badPath(message: string): CadError {
  return new CadError("bad_path", message, `give a plain file name such as ${DESIGN_FILE_NAME} or bracket.cad.json, optionally in a sub-folder (records/bracket.cad.json)`);
}

/**
 * Where save_design may write: `filename` (default design.cad.json) inside `outDir`, never
 * outside it. The same rules as export: no absolute paths, no `..`, no symlink that leads out,
 * and a `.json` name so the file reads as what it is. Creates missing sub-folders.
 */
export function resolveRecordPath(outDir: string, filename?: string): { absolute: string; relative: string } {
  const name = filename?.trim() || DESIGN_FILE_NAME;
  if (path.isAbsolute(name) || path.win32.isAbsolute(name) || name.startsWith("~")) {
    throw badPath(`the record's filename must be relative to the output folder, got '${name}'`);
  }
  if (name.split(/[\\/]/).includes("..")) throw badPath(`the record's filename must not contain '..': '${name}'`);
  if (!name.toLowerCase().endsWith(".json")) throw badPath(`a design record's filename must end with .json (e.g. .cad.json), got '${name}'`);
  mkdirSync(outDir, { recursive: true });
  const root = realpathSync(outDir);
  const absolute = path.resolve(root, name);
  if (!isInside(root, absolute)) throw badPath(`'${name}' leaves the output folder`);
  // Find the deepest existing folder first: mkdir must not follow a symlink out of outDir.
  let existing = path.dirname(absolute);
  while (!lstatSync(existing, { throwIfNoEntry: false })) existing = path.dirname(existing);
  if (!resolvesInside(root, existing)) throw badPath(`'${name}' leads outside the output folder through a symlink`);
  mkdirSync(path.dirname(absolute), { recursive: true });
  if (!resolvesInside(root, path.dirname(absolute))) throw badPath(`'${name}' leads outside the output folder through a symlink`);
  return { absolute, relative: path.relative(root, absolute) };
}

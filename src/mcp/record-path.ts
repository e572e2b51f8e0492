import { DESIGN_FILE_NAME } from "../record/design-record.js";
import { CadError } from "../cad/protocol.js";
import { resolveInside } from "../util/path-inside.js";

function badPath(message: string): CadError {
  return new CadError(
    "bad_path",
    message,
    `give a plain file name such as ${DESIGN_FILE_NAME} or bracket.cad.json, optionally in a sub-folder (records/bracket.cad.json)`,
  );
}

/**
 * Where save_design may write: `filename` (default design.cad.json) inside `outDir`, never
 * outside it. The same rules as export: no absolute paths, no `..`, no symlink that leads out,
 * and a `.json` name so the file reads as what it is. Creates missing sub-folders.
 */
export function resolveRecordPath(outDir: string, filename?: string): { absolute: string; relative: string } {
  const name = filename?.trim() || DESIGN_FILE_NAME;
  const { absolute, relative } = resolveInside(outDir, name, "the record's filename", badPath, (n) => {
    if (!n.toLowerCase().endsWith(".json"))
      throw badPath(`a design record's filename must end with .json (e.g. .cad.json), got '${n}'`);
  });
  return { absolute, relative };
}

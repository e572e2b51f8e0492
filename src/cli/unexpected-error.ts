import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ExitCode } from "../util/user-error.js";

/**
 * A bug, not a user mistake: one line on the terminal, and the stack in a file a bug report can
 * attach (a run that has an output folder logs it in its transcript too). Returns the exit code.
 */
export function reportUnexpected(e: unknown): number {
  const message = e instanceof Error ? e.message : String(e);
  let where = "";
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-error-"));
    const file = path.join(dir, "error.log");
    writeFileSync(file, `${e instanceof Error ? (e.stack ?? message) : message}\n`);
    where = ` (details: ${file})`;
  } catch {
    // No temp folder: the one line still says what happened.
  }
  process.stderr.write(`cadagent: unexpected error: ${message.split("\n")[0] ?? ""}${where}\n`);
  return ExitCode.designFailed;
}

import { readFileSync } from "node:fs";
import { ExitCode, UserError } from "../util/user-error.js";

/**
 * A brief (or an edit instruction) from the command line, a file (`-f path`) or stdin (`-f -`).
 * Briefs go to a paid model, so a runaway file (a log, a binary) is refused before anything is
 * sent rather than truncated.
 */

/** 64 KiB: far above any real brief, far below a context window. */
export const MAX_BRIEF_BYTES = 64 * 1024;

export interface BriefSource {
  /** The positional argument, when given. */
  text: string | undefined;
  /** `-f/--brief-file`: a path, or `-` for stdin. */
  file: string | undefined;
  /** "brief" or "instruction", for messages. */
  what: string;
  /** Reads stdin whole (a test seam). */
  readStdin?: () => Buffer;
}

export function readBrief(s: BriefSource): string {
  if (s.text !== undefined && s.file !== undefined)
    throw new UserError(`give the ${s.what} either as an argument or with -f/--brief-file, not both`, ExitCode.usage);
  if (s.file === undefined) {
    const text = s.text ?? "";
    if (Buffer.byteLength(text) > MAX_BRIEF_BYTES) throw tooLong(s.what, Buffer.byteLength(text), "argument");
    return text;
  }
  const from = s.file === "-" ? "stdin" : s.file;
  let bytes: Buffer;
  try {
    bytes = s.file === "-" ? (s.readStdin ?? (() => readFileSync(0)))() : readFileSync(s.file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot read the ${s.what} from ${from} (${code === "ENOENT" ? "no such file" : (code ?? String(e))})`,
      ExitCode.usage,
    );
  }
  if (bytes.length > MAX_BRIEF_BYTES) throw tooLong(s.what, bytes.length, from);
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  if (!text.trim()) throw new UserError(`the ${s.what} from ${from} is empty`, ExitCode.usage);
  return text.trim();
}

function tooLong(what: string, bytes: number, from: string): UserError {
  return new UserError(
    `the ${what} from ${from} is ${Math.ceil(bytes / 1024)} KiB; the limit is ${MAX_BRIEF_BYTES / 1024} KiB (a brief states the part, not a document: summarise it)`,
    ExitCode.usage,
  );
}

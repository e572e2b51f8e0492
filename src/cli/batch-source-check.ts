import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UserError, ExitCode } from "../util/user-error.js";

/**
 * `cadagent batch part.cad.json` is a common slip for `cadagent build`: a record is one JSON
 * object over many lines, so the jobs parser would report "line 1: not valid JSON". Say what
 * the file is and what to run instead.
 */
export function refuseRecordAsJobs(source: string): void {
  let text: string;
  try {
    if (!statSync(source).isFile()) return;
    if (!source.endsWith(".cad.json") && !source.endsWith(".json")) return;
    text = readFileSync(source, "utf8");
  } catch {
    return; // the jobs loader reports missing or unreadable files
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  const looksLikeRecord = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && "steps" in parsed;
  if (!looksLikeRecord) return;
  const folder = path.dirname(source) || ".";
  throw new UserError(
    `${source} is a design record, not a jobs file: use \`cadagent build ${source}\`, or give its folder (\`cadagent batch ${folder}\`) to build every record in it`,
    ExitCode.usage,
  );
}

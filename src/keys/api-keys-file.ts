import { readFileSync, statSync } from "node:fs";
import { lineColumn, offsetOfPath, scanJson } from "../util/json-locate.js";

/**
 * `api_keys.json`: `{"<provider id>": "<key>", …}` (see api_keys.example.json). Entries whose
 * name starts with `_` are comments; empty strings mean "not set", so the example file can be
 * copied as is. Like ssh with a private key, the file is refused when group or others can
 * read or write it.
 */
export type ApiKeysFile =
  | { status: "ok"; path: string; keys: Map<string, string> }
  | { status: "missing"; path: string }
  | { status: "refused" | "invalid"; path: string; reason: string };

/** Permission bits that must be clear (POSIX). */
const GROUP_OTHER = 0o077;

/** Read and check the file; never throws (status says what is wrong). */
export function readApiKeysFile(file: string, platform: NodeJS.Platform = process.platform): ApiKeysFile {
  let mode: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { status: "invalid", path: file, reason: `${file} is not a regular file` };
    mode = st.mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { status: "missing", path: file };
    return { status: "invalid", path: file, reason: `cannot read ${file}: ${(e as Error).message}` };
  }
  // Windows has no POSIX permission bits (stat reports 0o666): ACLs protect the profile there.
  if (platform !== "win32" && (mode & GROUP_OTHER) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, "0");
    return {
      status: "refused",
      path: file,
      reason: `${file} is accessible by group or others (mode ${octal}); keys there could be read by other users. Run: chmod 600 '${file}'`,
    };
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { status: "invalid", path: file, reason: `cannot read ${file}: ${(e as Error).message}` };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const scan = scanJson(text);
  if (!scan.ok) {
    return {
      status: "invalid",
      path: file,
      reason: `${file}:${lineColumn(text, scan.problem.offset).line}: invalid JSON: ${scan.problem.reason}`,
    };
  }
  const data: unknown = JSON.parse(text);
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { status: "invalid", path: file, reason: `${file}: expected an object like {"openai": "sk-…"}` };
  }
  const keys = new Map<string, string>();
  for (const [name, value] of Object.entries(data)) {
    if (name.startsWith("_")) continue;
    if (typeof value !== "string") {
      // Never echo the value: it may be a key pasted in the wrong shape.
      const line = lineColumn(text, offsetOfPath(scan.offsets, [name])).line;
      return {
        status: "invalid",
        path: file,
        reason: `${file}:${line}: "${name}" must be a string (the API key), got ${value === null ? "null" : typeof value}`,
      };
    }
    const key = value.trim();
    if (key.length > 0) keys.set(name, key);
  }
  return { status: "ok", path: file, keys };
}

import { lstatSync, mkdirSync, realpathSync } from "node:fs";
import path from "node:path";

/**
 * Resolving a file name a model (or an MCP client) chose to a path inside one folder. The
 * name comes from outside, so it is refused when absolute, when it climbs out with `..`, or
 * when a symlink anywhere on the way (or the file itself) leads out; missing sub-folders are
 * created only after checking where they would land.
 */

export interface InsidePath {
  /** The folder, symlinks resolved. */
  root: string;
  absolute: string;
  /** Relative to root, as results report it. */
  relative: string;
}

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

/**
 * `name` inside `folder` (created if missing). `what` names the name in messages ("export
 * filename"); `fail` makes the error to throw; `checkName` adds the caller's own rule (e.g.
 * the extension) once the name is known to be relative.
 */
export function resolveInside(
  folder: string,
  name: string,
  what: string,
  fail: (message: string) => Error,
  checkName?: (name: string) => void,
): InsidePath {
  if (path.isAbsolute(name) || path.win32.isAbsolute(name) || name.startsWith("~"))
    throw fail(`${what} must be relative to the output folder, got '${name}'`);
  if (name.split(/[\\/]/).includes("..")) throw fail(`${what} must not contain '..': '${name}'`);
  checkName?.(name);
  mkdirSync(folder, { recursive: true });
  const root = realpathSync(folder);
  const absolute = path.resolve(root, name);
  if (!isInside(root, absolute)) throw fail(`'${name}' leaves the output folder`);
  // The deepest existing ancestor first: a symlinked folder inside the output folder must not
  // let mkdir (or the write) land outside it.
  const escape = (): Error => fail(`'${name}' leads outside the output folder through a symlink`);
  let existing = path.dirname(absolute);
  while (!lstatSync(existing, { throwIfNoEntry: false })) existing = path.dirname(existing);
  if (!resolvesInside(root, existing)) throw escape();
  mkdirSync(path.dirname(absolute), { recursive: true });
  if (!resolvesInside(root, path.dirname(absolute))) throw escape();
  // lstat, not exists: a dangling symlink does not "exist" yet would still be written through.
  if (lstatSync(absolute, { throwIfNoEntry: false })?.isSymbolicLink())
    throw fail(`'${name}' is a symlink; refusing to write through it`);
  return { root, absolute, relative: path.relative(root, absolute) };
}

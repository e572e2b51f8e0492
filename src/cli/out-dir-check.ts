import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { UserError, ExitCode } from "../util/user-error.js";

/**
 * An output folder that cannot be made is the user's path, not our bug: checked before any work
 * starts, it is one line naming the path and the reason (exit 2) instead of a stack trace after
 * FreeCAD has booted and a paid request has gone out.
 */
export function checkOutDir(dir: string, flag = "-o"): string {
  const full = path.resolve(dir);
  const where = `${flag} ${dir}`;
  let probe = full;
  for (;;) {
    const st = statOrUndefined(probe);
    if (st) {
      if (!st.isDirectory())
        throw new UserError(
          probe === full
            ? `${where}: is a file, not a folder; choose a folder path`
            : `${where}: cannot create it, ${probe} is a file, not a folder`,
          ExitCode.usage,
        );
      if (!writable(probe))
        throw new UserError(
          probe === full
            ? `${where}: the folder is not writable`
            : `${where}: cannot create it, ${probe} is not writable`,
          ExitCode.usage,
        );
      return full;
    }
    const parent = path.dirname(probe);
    if (parent === probe) return full;
    probe = parent;
  }
}

function statOrUndefined(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

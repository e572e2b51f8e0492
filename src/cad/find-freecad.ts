import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";

/** How to start FreeCAD's Python: a `freecadcmd`-style binary taking `-c <code>`. */
export interface FreecadCommand {
  path: string;
  source: "FREECAD_CMD" | "config" | "PATH" | "known location";
}

const NAMES = process.platform === "win32" ? ["FreeCADCmd.exe", "freecadcmd.exe"] : ["freecadcmd", "FreeCADCmd"];

const KNOWN: string[] =
  process.platform === "darwin"
    ? [
        "/Applications/FreeCAD.app/Contents/Resources/bin/FreeCADCmd",
        "/Applications/FreeCAD.app/Contents/MacOS/FreeCADCmd",
      ]
    : process.platform === "win32"
      ? [
          "C:\\Program Files\\FreeCAD 1.0\\bin\\FreeCADCmd.exe",
          "C:\\Program Files\\FreeCAD 1.1\\bin\\FreeCADCmd.exe",
          "C:\\Program Files\\FreeCAD 0.21\\bin\\FreeCADCmd.exe",
        ]
      : [
          "/usr/bin/freecadcmd",
          "/usr/local/bin/freecadcmd",
          "/snap/bin/freecad.cmd",
          "/opt/freecad/bin/FreeCADCmd",
          "/usr/lib/freecad/bin/FreeCADCmd",
        ];

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Locate FreeCAD's command-line binary: FREECAD_CMD, then the configured path, then PATH,
 * then the usual install locations. Returns undefined when none is found.
 */
export function findFreecad(env: NodeJS.ProcessEnv = process.env, configured?: string): FreecadCommand | undefined {
  const fromEnv = env.FREECAD_CMD;
  if (fromEnv) return { path: fromEnv, source: "FREECAD_CMD" };
  if (configured) return { path: configured, source: "config" };
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const p = path.join(dir, name);
      if (executable(p)) return { path: p, source: "PATH" };
    }
  }
  const known = KNOWN.find(executable);
  return known ? { path: known, source: "known location" } : undefined;
}

/** What to tell a user who has no FreeCAD. */
export function freecadInstallHint(): string {
  if (process.platform === "linux") {
    return "install FreeCAD (Debian/Ubuntu: sudo apt-get install --no-install-recommends freecad-python3) or set FREECAD_CMD to its freecadcmd binary";
  }
  if (process.platform === "darwin")
    return "install FreeCAD from https://www.freecad.org/downloads.php (or `brew install --cask freecad`) or set FREECAD_CMD to FreeCADCmd";
  return "install FreeCAD from https://www.freecad.org/downloads.php or set FREECAD_CMD to FreeCADCmd.exe";
}

/**
 * FreeCAD's version via `-c` (`--version` segfaults on some builds). Rejects when it cannot run.
 */
export function freecadVersion(cmd: string, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      ["-c", "import FreeCAD,sys; sys.stderr.write('CADAGENT_VERSION=' + '.'.join(FreeCAD.Version()[:3]) + '\\n')"],
      { timeout: timeoutMs, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } },
      (err, stdout, stderr) => {
        const m = /CADAGENT_VERSION=([\w.]+)/.exec(`${stderr}\n${stdout}`);
        if (m?.[1]) resolve(m[1]);
        else reject(new Error(err ? err.message : "FreeCAD printed no version"));
      },
    );
  });
}

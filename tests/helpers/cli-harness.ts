import { execFile, spawn } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { compilePrivateCli } from "./private-cli.js";
import { freecadCmd } from "./cad.js";

/**
 * Runs the real CLI as a user does: compiled JS in a child process, so exit codes, stdout and
 * stderr are the ones a shell sees. The build goes to a private folder (sources, package.json
 * and node_modules symlinked beside it) so tests never race other builds writing dist/.
 */

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
export const examplesDir = path.join(repoRoot, "examples");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliHarness {
  /** A fresh temp folder, removed by close(). */
  tmp: string;
  /** The compiled `dist/cli/main.js`, for tests that spawn it themselves (e.g. over stdio). */
  main: string;
  run(args: string[], opts?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliRun>;
  close(): void;
}

export function buildCli(): CliHarness {
  const { tmp, main } = compilePrivateCli("cadagent-build-test-");
  return {
    tmp,
    main,
    run(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [main, ...args], {
          cwd: opts.cwd ?? tmp,
          env: { ...process.env, FREECAD_CMD: freecadCmd(), ...opts.env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
    },
    close() {
      rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

export interface StepSolid {
  volume: number;
  valid: boolean;
  solids: number;
}

/** Re-import a STEP file in a fresh freecadcmd (nothing shared with the worker that wrote it). */
export function readStep(file: string): Promise<StepSolid> {
  const code = [
    "import Part, sys",
    "s = Part.Shape()",
    `s.read(${JSON.stringify(file)})`,
    "sys.stderr.write('STEP_RESULT %r %d %d\\n' % (s.Volume, int(s.isValid()), len(s.Solids)))",
  ].join("\n");
  return new Promise((resolve, reject) => {
    execFile(freecadCmd(), ["-c", code], { timeout: 60_000 }, (err, stdout, stderr) => {
      const m = /STEP_RESULT (\S+) (\d) (\d+)/.exec(`${stderr}\n${stdout}`);
      if (!m?.[1] || !m[2] || !m[3])
        return reject(new Error(`STEP re-import failed: ${err?.message ?? ""}\n${stderr}`));
      resolve({ volume: Number(m[1]), valid: m[2] === "1", solids: Number(m[3]) });
    });
  });
}

/** Files a failed atomic write would leave behind (`.<name>.<pid>.<rand>.tmp`). */
export function tempLeftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".tmp") || path.basename(f).startsWith("."),
  );
}

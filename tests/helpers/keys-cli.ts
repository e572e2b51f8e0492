import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { compilePrivateCli } from "./private-cli.js";

/**
 * The compiled CLI, run as a user runs it, with a clean environment: nothing from the test
 * runner's environment (no real API keys, no real session bus) leaks into a test. The build
 * goes to a private folder so it never races other builds writing dist/.
 */

export interface KeysCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the whole CLI process. */
  ms: number;
}

export interface KeysCliRunOptions {
  env: NodeJS.ProcessEnv;
  /** Written to stdin, then stdin is closed (stdin is /dev/null otherwise). */
  input?: string;
  cwd?: string;
  /** Called with the CLI's pid as soon as it exists. */
  onSpawn?: (pid: number) => void;
}

export interface KeysCli {
  main: string;
  tmp: string;
  run(args: string[], opts: KeysCliRunOptions): Promise<KeysCliRun>;
  close(): void;
}

/** The minimal environment for the CLI; `extra` adds the bus address, CADAGENT_HOME, keys… */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: "C.UTF-8",
    HOME: path.join(os.tmpdir(), "cadagent-test-no-home"),
    ...extra,
  };
}

export function buildKeysCli(): KeysCli {
  const { tmp, main } = compilePrivateCli("cadagent-keys-cli-");
  return {
    main,
    tmp,
    run(args, opts) {
      return new Promise((resolve, reject) => {
        const t0 = performance.now();
        const child = spawn(process.execPath, [main, ...args], {
          cwd: opts.cwd ?? tmp,
          env: opts.env,
          stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        });
        if (child.pid !== undefined) opts.onSpawn?.(child.pid);
        if (opts.input !== undefined) child.stdin?.end(opts.input);
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
      });
    },
    close() {
      rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { compilePrivateCli } from "./private-cli.js";
import type { RunReport } from "../../src/agent/report.js";
import { freecadCmd } from "./cad.js";

/**
 * The compiled CLI (`node dist/cli/main.js`), run as a user runs it, with a clean environment:
 * nothing from the test runner leaks in (no real keys, no session bus), retry waits are scaled
 * down 1000× so back-off costs milliseconds. The build goes to a private folder so it never
 * races other builds writing dist/.
 */

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface AgentRunOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with the CLI's pid as soon as it exists. */
  onSpawn?: (pid: number) => void;
  /** Called with each stderr chunk (e.g. to send SIGINT at the right moment). */
  onStderr?: (chunk: string, pid: number) => void;
}

export interface AgentCli {
  tmp: string;
  /** A fresh output folder inside tmp. */
  outDir(name: string): string;
  run(args: string[], opts?: AgentRunOptions): Promise<AgentRun>;
  close(): void;
}

/** The base environment of every run; `extra` adds keys, base URLs… */
export function agentEnv(tmp: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = path.join(tmp, "home");
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: "C.UTF-8",
    HOME: home,
    CADAGENT_HOME: path.join(home, "cadagent"),
    FREECAD_CMD: freecadCmd(),
    CADAGENT_RETRY_SCALE: "0.001",
    ...extra,
  };
}

export function buildAgentCli(): AgentCli {
  const { tmp, main } = compilePrivateCli("cadagent-agent-cli-");
  let outs = 0;
  return {
    tmp,
    outDir: (name) => path.join(tmp, "out", `${name}-${++outs}`),
    run(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const t0 = performance.now();
        const child = spawn(process.execPath, [main, ...args], {
          cwd: tmp,
          env: opts.env ?? agentEnv(tmp),
          stdio: ["ignore", "pipe", "pipe"],
        });
        const pid = child.pid ?? -1;
        opts.onSpawn?.(pid);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
          opts.onStderr?.(d.toString(), pid);
        });
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
      });
    },
    close() {
      rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

export function readReport(outDir: string): RunReport {
  return JSON.parse(readFileSync(path.join(outDir, "report.json"), "utf8")) as RunReport;
}

export interface RecordFile {
  parameters: Record<string, { value: number; unit?: string }>;
  steps: Array<{ tool: string; input: Record<string, unknown> }>;
  final: { parts: string[]; summary: string } | null;
  createdWith: { provider: string | null; model: string | null; freecad: string };
}

export function readRecord(outDir: string): RecordFile {
  return JSON.parse(readFileSync(path.join(outDir, "design.cad.json"), "utf8")) as RecordFile;
}

export function readTranscript(outDir: string): Array<Record<string, unknown> & { type: string }> {
  return readFileSync(path.join(outDir, "transcript.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });
}

/** `--events` output, parsed. */
export function parseEvents(stdout: string): Array<Record<string, unknown> & { type: string }> {
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });
}

/** Every file under `dir` (recursively) whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  if (!existsSync(dir)) return [];
  const hits: string[] = [];
  for (const rel of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const full = path.join(dir, rel);
    try {
      if (readFileSync(full).includes(needle)) hits.push(rel);
    } catch {
      // folders
    }
  }
  return hits;
}

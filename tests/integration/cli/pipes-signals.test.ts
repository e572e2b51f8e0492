import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { startOpenAiResponsesServer, stall, type Script, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, readRecord, readReport, type AgentCli } from "../../helpers/agent-cli.js";
import { parametersTurn, plateScript } from "../../helpers/design-script.js";

/**
 * Item 3: a closed stdout or stderr ends a command quietly (a design still writes its report),
 * and SIGTERM — what CI runners, `timeout` and `kill` send — is handled like Ctrl-C: what exists
 * is saved, report.json says interrupted, exit 130.
 */

const KEY = "sk-pipes-FAKE-KEY-0123456789abcdef";
const main = inject("cliMain");
let cli: AgentCli;
let server: WireServer | undefined;

beforeAll(() => {
  cli = buildAgentCli();
});
afterAll(() => cli.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** `bash -c` with pipefail, so the exit code is cadagent's; cadagent's stderr goes to a file unless the script redirects it. */
function shell(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", `set -o pipefail; ${script}`], {
      cwd: cli.tmp,
      env: { ...env, CADAGENT_MAIN: main, NODE: process.execPath },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

describe("closed pipes", () => {
  it("`tools --json | head -c 100` exits 0 with nothing on stderr", async () => {
    const err = path.join(cli.tmp, "tools-stderr.txt");
    // The catalog is ~100 kB, more than a pipe holds: head leaves while cadagent is still writing.
    const r = await shell(`"$NODE" "$CADAGENT_MAIN" tools --json 2>"${err}" | head -c 100`, agentEnv(cli.tmp));
    expect(r.code).toBe(0);
    expect(r.stdout).toHaveLength(100);
    expect(readFileSync(err, "utf8")).toBe("");
  });

  it('`cadagent "…" 2>&1 | head -c 40`: the design carries on and writes its report', async () => {
    server = await startOpenAiResponsesServer({ apiKey: KEY, script: plateScript() });
    const out = cli.outDir("piped");
    const env = agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl });
    const r = await shell(
      `"$NODE" "$CADAGENT_MAIN" -p openai --no-review "a plate with a hole" -o "${out}" 2>&1 | head -c 40`,
      env,
    );
    expect(r.stdout.length).toBeLessThanOrEqual(40);
    expect(r.code).toBe(0);
    expect(readReport(out)).toMatchObject({ status: "success", exitCode: 0 });
  });
});

describe("SIGTERM is Ctrl-C", () => {
  it("during a design: exit 130, record and report.json saved with status interrupted", async () => {
    let pid = -1;
    let resolveSecond: () => void = () => undefined;
    const secondRequest = new Promise<void>((r) => (resolveSecond = r));
    const script: Script = (_req, i) => {
      if (i === 0) return parametersTurn();
      resolveSecond();
      return stall("Thinking about the");
    };
    server = await startOpenAiResponsesServer({ apiKey: KEY, script });
    const out = cli.outDir("sigterm");
    const pending = cli.run(["-p", "openai", "a plate with a hole", "-o", out], {
      env: agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl }),
      onSpawn: (p) => (pid = p),
    });
    await secondRequest;
    process.kill(pid, "SIGTERM");
    const r = await pending;
    expect(r.code).toBe(130);
    expect(r.signal).toBeNull(); // exited by itself, not killed by the signal
    expect(r.stderr).toContain("interrupting");
    expect(readReport(out)).toMatchObject({ status: "interrupted", exitCode: 130, stopReason: "interrupted" });
    expect(readRecord(out).steps.length).toBeGreaterThan(0);
  });

  it("during a build: exit 130 and report.json with status interrupted", async () => {
    // A record whose second step takes a minute, so the signal lands mid-build on any machine.
    const record = path.join(cli.tmp, "slow.cad.json");
    writeFileSync(
      record,
      JSON.stringify({
        format: "cadagent.design/1",
        brief: "a box, slowly",
        createdWith: { cadagent: "0.1.0", provider: null, model: null, freecad: "0.20.2" },
        parameters: {},
        steps: [
          { tool: "create_box", input: { name: "box", length: 10, width: 10, height: 10 } },
          { tool: "run_python", input: { code: "import time\ntime.sleep(60)" } },
        ],
        final: { parts: ["box"], summary: "a box" },
      }),
    );
    let pid = -1;
    let sent = false;
    const out = cli.outDir("build-sigterm");
    const r = await cli.run(["build", record, "--allow-python", "-o", out], {
      onSpawn: (p) => (pid = p),
      onStderr: (chunk) => {
        // Step 1 is done, so the run_python step is under way.
        if (!sent && chunk.includes("[1/2] create_box")) {
          sent = true;
          process.kill(pid, "SIGTERM");
        }
      },
    });
    expect(sent, r.stderr).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.signal).toBeNull();
    expect(readReport(out)).toMatchObject({ status: "interrupted", exitCode: 130 });
  });
});

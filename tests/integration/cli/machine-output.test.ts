import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAiResponsesServer, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, type AgentCli } from "../../helpers/agent-cli.js";
import { examplesDir } from "../../helpers/cli-harness.js";
import { plateScript } from "../../helpers/design-script.js";

/**
 * Item 5: the --json report is complete for a script: `outDir` absolute, `freecad` the version
 * that ran (it was null), files that open from outDir; `build --json` keeps progress on stderr.
 */

const KEY = "sk-json-FAKE-KEY-0123456789abcdef";
let cli: AgentCli;
let server: WireServer;

beforeAll(async () => {
  cli = buildAgentCli();
  server = await startOpenAiResponsesServer({ apiKey: KEY, script: plateScript() });
});
afterAll(async () => {
  await server.close();
  cli.close();
});

interface JsonReport {
  status: string;
  outDir: string;
  freecad: string | null;
  files: Record<string, string>;
}

function expectComplete(report: JsonReport): void {
  expect(path.isAbsolute(report.outDir)).toBe(true);
  expect(report.freecad).toMatch(/^\d+\.\d+/);
  expect(Object.keys(report.files).length).toBeGreaterThan(0);
  // Every file opens from outDir as given.
  for (const f of Object.values(report.files))
    expect(readFileSync(path.join(report.outDir, f)).length).toBeGreaterThan(0);
}

describe("--json reports", () => {
  it("design --json: absolute outDir (a relative -o resolved) and the FreeCAD version", async () => {
    const r = await cli.run(["-p", "openai", "--no-review", "--json", "a plate with a hole", "-o", "rel/plate"], {
      env: agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl }),
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expectComplete(report);
    expect(report.outDir).toBe(path.join(cli.tmp, "rel", "plate"));
  });

  it("build --json: the same fields; progress and the closing line stay on stderr", async () => {
    const out = cli.outDir("build-json");
    const r = await cli.run(["build", path.join(examplesDir, "plate-with-holes.cad.json"), "--json", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expectComplete(report);
    expect(report.outDir).toBe(out);
    expect(r.stderr).toMatch(/^building .* \(\d+ steps\)/m);
    expect(r.stderr).toMatch(/\[1\/\d+\] set_parameter/);
    expect(r.stderr).toContain("done:");
  });
});

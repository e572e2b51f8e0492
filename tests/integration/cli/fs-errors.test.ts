import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAiResponsesServer, textReply, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, type AgentCli } from "../../helpers/agent-cli.js";
import { examplesDir } from "../../helpers/cli-harness.js";

/**
 * Item 4: an output folder that cannot be made is a usage error — exit 2, one line naming the
 * path and the reason, no stack trace — caught before FreeCAD starts or a request is sent.
 */

const KEY = "sk-fs-FAKE-KEY-0123456789abcdef";
const PLATE = path.join(examplesDir, "plate-with-holes.cad.json");
let cli: AgentCli;
let server: WireServer;
let file: string;

beforeAll(async () => {
  cli = buildAgentCli();
  server = await startOpenAiResponsesServer({ apiKey: KEY, script: [textReply("nothing should ask me")] });
  file = path.join(cli.tmp, "a-file.txt");
  writeFileSync(file, "not a folder\n");
});
afterAll(async () => {
  await server.close();
  if (existsSync(path.join(cli.tmp, "locked"))) chmodSync(path.join(cli.tmp, "locked"), 0o755);
  cli.close();
});

const env = (): NodeJS.ProcessEnv => agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl });

function expectUsageLine(r: { code: number | null; stderr: string; stdout: string }, ...needles: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  for (const n of needles) expect(lines[0]).toContain(n);
  expect(r.stderr + r.stdout).not.toContain("    at ");
}

describe("-o that cannot be a folder", () => {
  it("design -o <a file>: exit 2, one line, no stack trace, nothing sent", async () => {
    const r = await cli.run(["-p", "openai", "a 20 mm cube", "-o", file], { env: env() });
    expectUsageLine(r, `-o ${file}`, "is a file, not a folder");
    expect(server.requests).toHaveLength(0);
  });

  it("design -o <under a file>: names the file in the way", async () => {
    const r = await cli.run(["-p", "openai", "a 20 mm cube", "-o", path.join(file, "out")], { env: env() });
    expectUsageLine(r, `cannot create it, ${file} is a file`);
    expect(server.requests).toHaveLength(0);
  });

  it("build -o <a file> and batch -o <under a file>: the same one line", async () => {
    expectUsageLine(await cli.run(["build", PLATE, "-o", file], { env: env() }), "is a file, not a folder");
    const jobs = path.join(cli.tmp, "jobs.jsonl");
    writeFileSync(jobs, `${JSON.stringify({ id: "p", design: PLATE })}\n`);
    expectUsageLine(
      await cli.run(["batch", jobs, "-o", path.join(file, "batch")], { env: env() }),
      `${file} is a file`,
    );
  });

  // root may write anywhere: the permission check cannot fail for it.
  it.skipIf(process.getuid?.() === 0)("design -o <inside a read-only folder>: not writable", async () => {
    const locked = path.join(cli.tmp, "locked");
    mkdirSync(locked, { recursive: true });
    chmodSync(locked, 0o555);
    const r = await cli.run(["-p", "openai", "a 20 mm cube", "-o", path.join(locked, "out")], { env: env() });
    expectUsageLine(r, `${locked} is not writable`);
    expect(existsSync(path.join(locked, "out"))).toBe(false);
  });
});

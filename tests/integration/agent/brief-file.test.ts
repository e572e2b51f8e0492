import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, readRecord, type AgentCli } from "../../helpers/agent-cli.js";
import { plateScript, PROVIDER_CASES, sentUserText } from "../../helpers/design-script.js";

/** `-f/--brief-file`: the brief from a file reaches the model and the record; bad sources are exit 2. */

const KEY = "sk-brief-FAKE-KEY-0123456789abcdef";
let cli: AgentCli;
let server: WireServer;
beforeAll(async () => {
  cli = buildAgentCli();
  const openai = PROVIDER_CASES.find((p) => p.id === "openai");
  if (!openai) throw new Error("openai case missing");
  server = await openai.start({ script: plateScript(), apiKey: KEY });
});
afterAll(async () => {
  await server.close();
  cli.close();
});

const env = () => agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl });

describe("-f/--brief-file", () => {
  it("a brief from a file goes to the model and into the record", async () => {
    const brief = "a 40 x 30 x 10 plate\nwith a 10 mm hole in the middle";
    const file = path.join(cli.tmp, "brief.txt");
    writeFileSync(file, `${brief}\n`);
    const out = cli.outDir("brief-file");
    const r = await cli.run(["-f", file, "-p", "openai", "-o", out, "--no-review", "--formats", "step"], {
      env: env(),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(sentUserText("openai-responses", server.requests[0]?.body)).toContain(brief);
    expect((readRecord(out) as unknown as { brief: string }).brief).toBe(brief);
  });

  it.each([
    [["-f", "-"], "the brief from stdin is empty"],
    [["-f", "missing.txt"], "cannot read the brief from missing.txt (no such file)"],
    [["a cube", "-f", "x.txt"], "not both"],
    [["design", "a cube", "-i"], "-i/--interactive needs a terminal"],
  ])("%j is exit 2", async (args, message) => {
    const before = server.requests.length;
    const r = await cli.run([...args, "-p", "openai"], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain("    at ");
    expect(server.requests).toHaveLength(before);
  });
});

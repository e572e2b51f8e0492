import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelCheck } from "../../../src/cli/model-check.js";
import { agentEnv, buildAgentCli, type AgentCli } from "../../helpers/agent-cli.js";
import { startAnthropicServer, startGeminiServer, type WireServer } from "../../helpers/wire/index.js";

/**
 * `cadagent providers --check`, compiled CLI against the wire servers' list-models endpoints:
 * providers with a key are asked, the default model is looked up in what they serve, and a
 * default that is no longer served makes the exit code 3.
 */

const KEY = "sk-check-FAKE-KEY-0123456789abcdef";
let cli: AgentCli;
const servers: WireServer[] = [];
beforeAll(() => {
  cli = buildAgentCli();
});
afterAll(async () => {
  cli.close();
  await Promise.all(servers.map((s) => s.close()));
});

describe("cadagent providers --check", () => {
  it("asks each provider with a key; a default that is not served → exit 3 naming it", async () => {
    const anthropic = await startAnthropicServer({ script: [], apiKey: KEY });
    const gemini = await startGeminiServer({ script: [], apiKey: KEY, models: ["gemini-3.5-flash-lite"] });
    servers.push(anthropic, gemini);
    const env = agentEnv(cli.tmp, {
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      GEMINI_API_KEY: KEY,
      GEMINI_BASE_URL: gemini.baseUrl,
    });
    const json = await cli.run(["providers", "--check", "--json"], { env });
    expect(json.code, json.stderr).toBe(3);
    const checks = JSON.parse(json.stdout) as ModelCheck[];
    const byId = new Map(checks.map((c) => [c.provider, c]));
    expect(byId.get("anthropic")).toMatchObject({
      checked: true,
      reachable: true,
      models: [{ id: "claude-sonnet-5-5", role: "default", served: true }],
    });
    expect(byId.get("gemini")).toMatchObject({
      checked: true,
      served: 1,
      models: [{ id: "gemini-3.8-flash", role: "default", served: false }],
    });
    expect(byId.get("openai")).toMatchObject({ checked: false, note: "no key" });
    expect(anthropic.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models"]);
    expect(anthropic.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);

    const human = await cli.run(["providers", "--check"], { env });
    expect(human.stdout).toContain("gemini: 1 models served; default gemini-3.8-flash NOT SERVED");
    expect(human.stdout).toContain("anthropic:");
    expect(human.stdout).not.toContain(KEY);
  });

  it("the plain list shows when the catalog was checked and how to verify it", async () => {
    const r = await cli.run(["providers"], { env: agentEnv(cli.tmp, {}) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/anthropic\s+anthropic\s+claude-sonnet-5-5\s+2026-12-02/);
    expect(r.stdout).toMatch(/openai\s+openai-responses\s+gpt-5\.6-terra/);
    expect(r.stdout).toContain("cadagent providers --check");
  });
});

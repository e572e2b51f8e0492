import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAiResponsesServer, toolReply, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, type AgentCli } from "../../helpers/agent-cli.js";

/**
 * Issue #13 item 8: the OpenAI wire server sends each text in two deltas split in the middle,
 * so a text that is exactly the key arrives as two halves. Neither shape matching nor per-delta
 * redaction sees it; the renderer's sliding window must.
 */

// Shaped like no vendor key, so only the exact-key window can catch it.
const KEY = "ZZ-private-credential-0123456789abcdef";
let cli: AgentCli;
let server: WireServer;

beforeAll(() => {
  cli = buildAgentCli();
});
afterAll(async () => {
  await server?.close();
  cli.close();
});

describe("streamed text", () => {
  it("a key split over two text deltas never reaches stderr", async () => {
    server = await startOpenAiResponsesServer({
      apiKey: KEY,
      script: [
        toolReply([["create_box", { name: "cube", length: 5, width: 5, height: 5 }]], { text: KEY }),
        toolReply([["finish", { parts: ["cube"], summary: "cube" }]], { text: `note ${KEY}\n` }),
      ],
    });
    const out = cli.outDir("split-key");
    const env = agentEnv(cli.tmp, { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: KEY });
    const r = await cli.run(["a 5 mm cube", "-p", "openai", "-o", out, "--no-review"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(KEY);
    expect(r.stderr).toContain("[redacted]");
  });
});

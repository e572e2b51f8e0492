import { afterEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/llm/create-adapter.js";
import type { ProtocolId } from "../../../src/llm/types.js";
import { collect, collectError, sampleRequest } from "../../helpers/wire/adapter-harness.js";
import {
  httpError,
  reply,
  resetMidStream,
  stall,
  startWireServer,
  textReply,
  toolReply,
  type Script,
  type WireServer,
} from "../../helpers/wire/index.js";

/** The same behaviour, checked for every protocol, streamed and not. */
const KEY = "sk-test-SECRET-0123456789";
const AUTH: Record<ProtocolId, [string, string]> = {
  anthropic: ["authorization", `Bearer ${KEY}`],
  "openai-chat": ["authorization", `Bearer ${KEY}`],
  "openai-responses": ["authorization", `Bearer ${KEY}`],
  gemini: ["x-goog-api-key", KEY],
};

const cases = (["anthropic", "openai-responses", "openai-chat", "gemini"] as const).flatMap((protocol) =>
  [true, false].map((stream) => ({ protocol, stream, label: `${protocol} (${stream ? "SSE" : "JSON"})` })),
);

describe.each(cases)("$label", ({ protocol, stream }) => {
  let server: WireServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setup(script: Script, extra: { timeoutMs?: number } = {}) {
    server = await startWireServer(protocol, { script });
    const adapter = await createAdapter({ protocol, baseUrl: server.baseUrl, apiKey: KEY, stream, ...extra });
    return { server, adapter };
  }

  it("streams a text answer with usage (cache reads included) and sends the key", async () => {
    const { server, adapter } = await setup([
      textReply("A 20 mm cube it is.", { usage: { input: 100, output: 20, cacheRead: 900 } }),
    ]);
    const r = await collect(adapter.stream(sampleRequest(), new AbortController().signal));
    expect(r.text).toBe("A 20 mm cube it is.");
    expect(r.reason).toBe("stop");
    expect(r.calls).toEqual([]);
    expect(r.usage).toEqual({ inputTokens: 100, outputTokens: 20, cacheReadTokens: 900, cacheWriteTokens: 0 });
    // Protocols that need their raw output back (thinking blocks, reasoning items) keep it in providerData.
    expect(r.message).toMatchObject({
      role: "assistant",
      content: [{ type: "text", text: "A 20 mm cube it is." }],
      toolCalls: [],
    });
    expect(r.events.at(-1)?.type).toBe("finish");
    if (stream) expect(r.events.filter((e) => e.type === "text-delta").length).toBeGreaterThan(1);
    const req = server.requests[0];
    const [header, value] = AUTH[protocol];
    expect(req?.headers[header]).toBe(value);
    expect(req?.stream).toBe(stream);
    expect(req?.model).toBe("test-model");
  });

  it("returns a single tool call with parsed arguments", async () => {
    const { adapter } = await setup([toolReply([["make_box", { length: 20, width: 10 }]])]);
    const r = await collect(adapter.stream(sampleRequest(), new AbortController().signal));
    expect(r.reason).toBe("tool_calls");
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({ name: "make_box", arguments: { length: 20, width: 10 } });
    expect(r.calls[0]?.parseError).toBeUndefined();
    expect(r.calls[0]?.id).toBeTruthy();
    expect(r.message?.toolCalls).toEqual(r.calls);
  });

  it("returns parallel tool calls in order with distinct ids, alongside text", async () => {
    const { adapter } = await setup([
      toolReply(
        [
          ["make_box", { length: 20 }],
          ["make_box", { length: 5, width: 5 }],
          ["render_preview", {}],
        ],
        { text: "Making two boxes." },
      ),
    ]);
    const r = await collect(adapter.stream(sampleRequest(), new AbortController().signal));
    expect(r.text).toBe("Making two boxes.");
    expect(r.calls.map((c) => [c.name, c.arguments])).toEqual([
      ["make_box", { length: 20 }],
      ["make_box", { length: 5, width: 5 }],
      ["render_preview", {}],
    ]);
    expect(new Set(r.calls.map((c) => c.id)).size).toBe(3);
    // Tool-call events precede usage and finish.
    expect(r.events.map((e) => e.type).slice(-2)).toEqual(["usage", "finish"]);
  });

  it("maps max-tokens truncation to finish reason length", async () => {
    const { adapter } = await setup([reply({ text: "Partial", finish: "length" })]);
    const r = await collect(adapter.stream(sampleRequest(), new AbortController().signal));
    expect(r.reason).toBe("length");
  });

  it("401 → auth, not retryable, message without the key", async () => {
    const { server, adapter } = await setup([httpError(401, { message: `Incorrect API key provided: ${KEY}.` })]);
    const err = await collectError(adapter.stream(sampleRequest(), new AbortController().signal));
    expect(err.kind).toBe("auth");
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain(KEY);
    expect(err.message).toContain("Incorrect API key");
    expect(server.requests).toHaveLength(1);
  });

  it("429 → rate_limit with retry-after seconds parsed, one request only", async () => {
    const { server, adapter } = await setup([httpError(429, { retryAfter: "7", message: "Slow down" })]);
    const err = await collectError(adapter.stream(sampleRequest(), new AbortController().signal));
    expect(err.kind).toBe("rate_limit");
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(7000);
    expect(err.retryable).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it("500 → server, and the SDK does not retry (server sees exactly one request)", async () => {
    const { server, adapter } = await setup([httpError(500), textReply("should never be reached")]);
    const err = await collectError(adapter.stream(sampleRequest(), new AbortController().signal));
    expect(err.kind).toBe("server");
    expect(err.status).toBe(500);
    expect(err.retryable).toBe(true);
    // Let any hidden SDK retry land before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests).toHaveLength(1);
  });

  it("400 → bad_request, 404 → not_found", async () => {
    const { adapter } = await setup([
      httpError(400, { message: "bad schema" }),
      httpError(404, { message: "no such model" }),
    ]);
    const a = await collectError(adapter.stream(sampleRequest(), new AbortController().signal));
    const b = await collectError(adapter.stream(sampleRequest(), new AbortController().signal));
    expect([a.kind, b.kind]).toEqual(["bad_request", "not_found"]);
    expect(a.message).toContain("bad schema");
  });

  it("connection reset mid-response → network (retryable)", async () => {
    const { server, adapter } = await setup([resetMidStream("Let me st")]);
    const err = await collectError(adapter.stream(sampleRequest(), new AbortController().signal));
    expect(err.kind).toBe("network");
    expect(err.retryable).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it("abort via AbortSignal while the server stalls → aborted (not retryable)", async () => {
    const { adapter } = await setup([stall("Thinking")]);
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 150);
    const started = Date.now();
    const err = await collectError(adapter.stream(sampleRequest(), ctrl.signal));
    expect(err.kind).toBe("aborted");
    expect(err.retryable).toBe(false);
    // "Does not hang" only: the stalled stream never ends by itself.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("an already-aborted signal fails fast with aborted", async () => {
    const { adapter } = await setup([textReply("never")]);
    const err = await collectError(adapter.stream(sampleRequest(), AbortSignal.abort()));
    expect(err.kind).toBe("aborted");
  });

  it("the per-request timeout surfaces as a retryable network error, not an abort", async () => {
    const { adapter } = await setup([stall()], { timeoutMs: 300 });
    const err = await collectError(adapter.stream(sampleRequest(), new AbortController().signal));
    expect(err.kind).toBe("network");
  });
});

describe.each(["anthropic", "openai-responses", "openai-chat", "gemini"] as const)(
  "%s streaming abort mid-stream",
  (protocol) => {
    it("stops after the first delta when aborted", async () => {
      const server = await startWireServer(protocol, {
        script: [textReply("one two three four five six", { chunkDelayMs: 150 })],
      });
      try {
        const adapter = await createAdapter({ protocol, baseUrl: server.baseUrl, apiKey: KEY });
        const ctrl = new AbortController();
        const seen: string[] = [];
        const run = (async () => {
          for await (const ev of adapter.stream(sampleRequest(), ctrl.signal)) {
            if (ev.type === "text-delta") {
              seen.push(ev.text);
              ctrl.abort();
            }
          }
        })();
        await expect(run).rejects.toMatchObject({ kind: "aborted" });
        expect(seen).toHaveLength(1);
      } finally {
        await server.close();
      }
    });
  },
);

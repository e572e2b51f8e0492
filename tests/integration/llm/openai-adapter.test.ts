import { afterEach, describe, expect, it } from "vitest";
import type { AdapterOptions } from "../../../src/llm/adapter-options.js";
import { createOpenAiChatAdapter } from "../../../src/llm/openai-chat.js";
import { TINY_PNG, collect, collectError, followUpRequest, sampleRequest } from "../../helpers/wire/adapter-harness.js";
import {
  httpError,
  startOpenAiServer,
  streamError,
  textReply,
  toolReply,
  type Script,
  type WireServer,
} from "../../helpers/wire/index.js";

type Body = {
  messages: Array<Record<string, unknown>>;
  stream_options?: unknown;
  max_tokens?: number;
  tool_choice?: unknown;
  tools?: unknown[];
};

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: Script, extra: Partial<AdapterOptions> = {}, variant?: "openrouter") {
  server = await startOpenAiServer({ script, ...(variant ? { variant } : {}) });
  const adapter = createOpenAiChatAdapter({
    protocol: "openai-chat",
    baseUrl: server.baseUrl,
    apiKey: "sk-oa-test",
    ...extra,
  });
  return { server, adapter };
}

const signal = () => new AbortController().signal;

describe.each([true, false])("openai tool round trip (stream=%s)", (stream) => {
  it("sends role:tool messages, then one user message with the images as data URLs", async () => {
    const { server, adapter } = await setup(
      [
        toolReply([
          ["make_box", { length: -1 }],
          ["render_preview", {}],
        ]),
        textReply("Done."),
      ],
      { stream },
    );
    const first = await collect(adapter.stream(sampleRequest(), signal()));
    const next = followUpRequest(first, [
      { text: "length must be > 0", isError: true },
      { text: "preview ok", image: true },
    ]);
    await collect(adapter.stream(next, signal()));
    const [c0, c1] = first.calls;
    const messages = (server.requests[1]?.body as Body).messages;
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool", "tool", "user"]);
    expect(messages[2]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [
        { id: c0?.id, type: "function", function: { name: "make_box", arguments: '{"length":-1}' } },
        { id: c1?.id, type: "function", function: { name: "render_preview", arguments: "{}" } },
      ],
    });
    expect(messages[3]).toEqual({ role: "tool", tool_call_id: c0?.id, content: "Error: length must be > 0" });
    expect(messages[4]).toMatchObject({ role: "tool", tool_call_id: c1?.id });
    expect(messages[4]?.content).toContain("preview ok");
    expect(messages[5]).toEqual({
      role: "user",
      content: [
        { type: "text", text: `Images returned by render_preview (${c1?.id}):` },
        { type: "image_url", image_url: { url: `data:image/png;base64,${TINY_PNG}` } },
      ],
    });
  });

  it("malformed argument JSON → tool call with parseError (never a throw), raw text echoed next turn", async () => {
    const raw = '{"length": 20, "width":';
    const { server, adapter } = await setup(
      [
        toolReply([
          { name: "make_box", rawArguments: raw },
          { name: "render_preview", args: {} },
        ]),
        textReply("ok"),
      ],
      { stream },
    );
    const first = await collect(adapter.stream(sampleRequest(), signal()));
    expect(first.reason).toBe("tool_calls");
    expect(first.calls[0]).toMatchObject({ name: "make_box", arguments: undefined, rawArguments: raw });
    expect(first.calls[0]?.parseError).toMatch(/JSON/);
    expect(first.calls[1]).toMatchObject({ name: "render_preview", arguments: {} });
    expect(first.calls[1]?.parseError).toBeUndefined();
    await collect(
      adapter.stream(followUpRequest(first, [{ text: first.calls[0]?.parseError ?? "", isError: true }]), signal()),
    );
    const assistant = (server.requests[1]?.body as Body).messages[2] as {
      tool_calls: Array<{ function: { arguments: string } }>;
    };
    expect(assistant.tool_calls[0]?.function.arguments).toBe(raw);
  });
});

describe("openai request shape", () => {
  it("asks for usage in the stream and sends max_tokens to non-OpenAI hosts", async () => {
    const { server, adapter } = await setup([textReply("ok", { usage: { input: 40, output: 3, cacheRead: 60 } })]);
    const r = await collect(adapter.stream(sampleRequest({ toolChoice: "required" }), signal()));
    expect(r.usage).toEqual({ inputTokens: 40, outputTokens: 3, cacheReadTokens: 60, cacheWriteTokens: 0 });
    const body = server.requests[0]?.body as Body;
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.max_tokens).toBe(1024);
    expect(body.tool_choice).toBe("required");
  });

  it("omits tools and tool_choice when there are none", async () => {
    const { server, adapter } = await setup([textReply("ok")]);
    await collect(adapter.stream(sampleRequest({ tools: [], toolChoice: "none" }), signal()));
    const body = server.requests[0]?.body as Body;
    expect(body.tools).toBeUndefined();
    expect(body.tool_choice).toBeUndefined();
  });

  it("keyless servers (Ollama) get no Authorization header", async () => {
    const { server, adapter } = await setup([textReply("ok")], { apiKey: "" });
    await collect(adapter.stream(sampleRequest(), signal()));
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe("openrouter variant", () => {
  it("works under /api/v1 with SSE comments and sends attribution headers", async () => {
    const { server, adapter } = await setup(
      [toolReply([["make_box", { length: 3 }]], { text: "On it" })],
      { headers: { "HTTP-Referer": "https://github.com/cadagent/cadagent", "X-Title": "cadagent" } },
      "openrouter",
    );
    expect(server.baseUrl).toMatch(/\/api\/v1$/);
    const r = await collect(adapter.stream(sampleRequest(), signal()));
    expect(r.text).toBe("On it");
    expect(r.calls[0]).toMatchObject({ name: "make_box", arguments: { length: 3 } });
    const req = server.requests[0];
    expect(req?.path).toBe("/api/v1/chat/completions");
    expect(req?.headers["http-referer"]).toBe("https://github.com/cadagent/cadagent");
    expect(req?.headers["x-title"]).toBe("cadagent");
  });

  it("a mid-stream OpenRouter error chunk → server (retryable)", async () => {
    const { adapter } = await setup([streamError({ partialText: "Hel" })], {}, "openrouter");
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err.kind).toBe("server");
    expect(err.retryable).toBe(true);
  });

  it("OpenRouter-style 429 body still maps to rate_limit", async () => {
    const { adapter } = await setup([httpError(429, { retryAfter: "1" })], {}, "openrouter");
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err).toMatchObject({ kind: "rate_limit", retryAfterMs: 1000 });
  });
});

describe("openai errors", () => {
  it("a mid-stream error event → server", async () => {
    const { adapter } = await setup([streamError()]);
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err.kind).toBe("server");
  });

  it("429 insufficient_quota is not retryable (waiting does not refill credit)", async () => {
    const { adapter } = await setup([
      httpError(429, {
        body: {
          error: {
            message: "You exceeded your current quota",
            type: "insufficient_quota",
            param: null,
            code: "insufficient_quota",
          },
        },
      }),
    ]);
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("quota");
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicAdapter } from "../../../src/llm/anthropic.js";
import type { AdapterOptions } from "../../../src/llm/adapter-options.js";
import { TINY_PNG, collect, collectError, followUpRequest, sampleRequest } from "../../helpers/wire/adapter-harness.js";
import {
  httpError,
  startAnthropicServer,
  streamError,
  textReply,
  toolReply,
  type Script,
  type WireServer,
} from "../../helpers/wire/index.js";
import { signatureFor } from "../../helpers/wire/script.js";

type Body = {
  system?: unknown;
  tools?: Array<Record<string, unknown>>;
  tool_choice?: unknown;
  messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
};

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: Script, extra: Partial<AdapterOptions> = {}) {
  server = await startAnthropicServer({ script });
  const adapter = createAnthropicAdapter({
    protocol: "anthropic",
    baseUrl: server.baseUrl,
    apiKey: "sk-ant-test",
    ...extra,
  });
  return { server, adapter };
}

const signal = () => new AbortController().signal;

describe.each([true, false])("anthropic tool results (stream=%s)", (stream) => {
  it("sends tool_result blocks with is_error and images inside the tool_result content", async () => {
    const { server, adapter } = await setup(
      [
        toolReply(
          [
            ["make_box", { length: -1 }],
            ["render_preview", {}],
          ],
          { text: "Building." },
        ),
        textReply("Done."),
      ],
      { stream },
    );
    const first = await collect(adapter.stream(sampleRequest(), signal()));
    const next = followUpRequest(first, [
      { text: "length must be > 0", isError: true },
      { text: "preview ok", image: true },
    ]);
    const second = await collect(adapter.stream(next, signal()));
    expect(second.text).toBe("Done.");

    const body = server.requests[1]?.body as Body;
    expect(body.messages).toHaveLength(3);
    // The thinking block goes back first, verbatim, with its signature.
    expect(body.messages[1]).toEqual({
      role: "assistant",
      content: [
        {
          type: "thinking",
          thinking: "Considering the brief and the next CAD step.",
          signature: signatureFor("Considering the brief and the next CAD step."),
        },
        { type: "text", text: "Building." },
        { type: "tool_use", id: first.calls[0]?.id, name: "make_box", input: { length: -1 } },
        { type: "tool_use", id: first.calls[1]?.id, name: "render_preview", input: {} },
      ],
    });
    expect(body.messages[2]).toEqual({
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: first.calls[0]?.id,
          content: [{ type: "text", text: "length must be > 0" }],
          is_error: true,
        },
        {
          type: "tool_result",
          tool_use_id: first.calls[1]?.id,
          content: [
            { type: "text", text: "preview ok" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: TINY_PNG } },
          ],
          is_error: false,
        },
      ],
    });
  });
});

describe("anthropic request shape", () => {
  it("prompt caching marks the system block, the last tool and the newest turn", async () => {
    const { server, adapter } = await setup(
      [textReply("ok", { usage: { input: 5, cacheWrite: 1500, cacheRead: 0 } })],
      {
        promptCaching: true,
      },
    );
    const r = await collect(adapter.stream(sampleRequest(), signal()));
    expect(r.usage).toEqual({ inputTokens: 5, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 1500 });
    const body = server.requests[0]?.body as Body;
    expect(body.system).toEqual([{ type: "text", text: "You are a CAD agent.", cache_control: { type: "ephemeral" } }]);
    expect(body.tools?.[0]?.cache_control).toBeUndefined();
    expect(body.tools?.[1]?.cache_control).toEqual({ type: "ephemeral" });
    expect(body.messages[0]?.content.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
  });

  it("without prompt caching sends no cache_control at all", async () => {
    const { server, adapter } = await setup([textReply("ok")]);
    await collect(adapter.stream(sampleRequest(), signal()));
    expect(server.requests[0]?.rawBody).not.toContain("cache_control");
    expect((server.requests[0]?.body as Body).system).toBe("You are a CAD agent.");
  });

  it("maps toolChoice none/required/auto and omits it without tools", async () => {
    const { server, adapter } = await setup([textReply("a"), textReply("b"), textReply("c"), textReply("d")]);
    for (const toolChoice of ["none", "required", "auto"] as const) {
      await collect(adapter.stream(sampleRequest({ toolChoice }), signal()));
    }
    await collect(adapter.stream(sampleRequest({ tools: [] }), signal()));
    const choices = server.requests.map((r) => (r.body as Body).tool_choice);
    expect(choices).toEqual([{ type: "none" }, { type: "any" }, { type: "auto" }, undefined]);
    expect((server.requests[3]?.body as Body).tools).toBeUndefined();
  });

  it("merges a user message that follows tool results into the same user turn", async () => {
    const { server, adapter } = await setup([toolReply([["make_box", { length: 1 }]]), textReply("ok")]);
    const first = await collect(adapter.stream(sampleRequest(), signal()));
    const next = followUpRequest(first, [{ text: "made" }]);
    next.messages.push({ role: "user", content: [{ type: "text", text: "You must finish now." }] });
    await collect(adapter.stream(next, signal()));
    const body = server.requests[1]?.body as Body;
    expect(body.messages).toHaveLength(3);
    expect(body.messages[2]?.content.map((b) => b.type)).toEqual(["tool_result", "text"]);
  });

  it("sends extra headers and pins the key and base URL it was given", async () => {
    const { server, adapter } = await setup([textReply("ok")], { headers: { "x-cadagent-test": "1" } });
    await collect(adapter.stream(sampleRequest(), signal()));
    const headers = server.requests[0]?.headers ?? {};
    expect(headers["x-cadagent-test"]).toBe("1");
    expect(headers.authorization).toBe("Bearer sk-ant-test");
    expect(headers["anthropic-version"]).toBeTruthy();
  });
});

describe("anthropic errors", () => {
  it("HTTP 529 → overloaded", async () => {
    const { adapter } = await setup([httpError(529)]);
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err.kind).toBe("overloaded");
    expect(err.status).toBe(529);
    expect(err.retryable).toBe(true);
  });

  it("an overloaded_error SSE event after a 200 → overloaded, one request", async () => {
    const { server, adapter } = await setup([streamError({ partialText: "Let me" })]);
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err.kind).toBe("overloaded");
    expect(err.message).toContain("overloaded_error");
    expect(server.requests).toHaveLength(1);
  });

  it("an api_error SSE event → server", async () => {
    const { adapter } = await setup([streamError({ errorType: "api_error", message: "Internal server error" })]);
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err.kind).toBe("server");
  });

  it("retry-after as an HTTP date and retry-after-ms are both honoured", async () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    const { adapter } = await setup([
      httpError(429, { retryAfter: date }),
      httpError(429, { retryAfterMs: 1250, retryAfter: "2" }),
    ]);
    const a = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(a.retryAfterMs).toBeGreaterThan(25_000);
    expect(a.retryAfterMs).toBeLessThanOrEqual(30_000);
    const b = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(b.retryAfterMs).toBe(1250);
  });
});

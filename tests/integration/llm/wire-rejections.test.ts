import { afterEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/llm/create-adapter.js";
import { ProviderError, type ProtocolId } from "../../../src/llm/types.js";
import { collect, collectError, followUpRequest, sampleRequest } from "../../helpers/wire/adapter-harness.js";
import {
  httpError,
  RETIRED_MODELS,
  startOpenAiServer,
  startWireServer,
  textReply,
  toolReply,
  type WireServer,
} from "../../helpers/wire/index.js";

/**
 * The wire servers reject what today's APIs reject, with the APIs' own texts, and the adapters
 * never trigger those rejections: a follow-up built from what the adapter assembled passes.
 */

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const signal = () => new AbortController().signal;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const messageOf = (b: Record<string, unknown>): string => {
  const e = b.error as Record<string, unknown>;
  return String(e.message);
};

describe("anthropic", () => {
  it("a tool loop without the thinking block → 400 with Anthropic's text", async () => {
    server = await startWireServer("anthropic", { script: [textReply("x")] });
    const r = await post(`${server.baseUrl}/v1/messages`, {
      model: "claude-sonnet-5-5",
      max_tokens: 100,
      messages: [
        { role: "user", content: "a cube" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "make_box", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
      ],
    });
    expect(r.status).toBe(400);
    expect(messageOf(r.body)).toContain(
      "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block",
    );
    expect(server.served).toBe(0);
  });

  it("an edited signature, cache_control on a thinking block, or temperature → 400", async () => {
    server = await startWireServer("anthropic", { script: [] });
    const base = { model: "claude-sonnet-5-5", max_tokens: 10 };
    const thinking = { type: "thinking", thinking: "plan", signature: "EqBOGUS" };
    const msgs = (block: unknown) => [
      { role: "user", content: "a cube" },
      { role: "assistant", content: [block, { type: "text", text: "ok" }] },
      { role: "user", content: "go on" },
    ];
    const edited = await post(`${server.baseUrl}/v1/messages`, { ...base, messages: msgs(thinking) });
    expect(messageOf(edited.body)).toContain("Invalid `signature` in `thinking` block");
    const cached = await post(`${server.baseUrl}/v1/messages`, {
      ...base,
      messages: msgs({ ...thinking, cache_control: { type: "ephemeral" } }),
    });
    expect(messageOf(cached.body)).toContain("cache_control: Extra inputs are not permitted");
    const temp = await post(`${server.baseUrl}/v1/messages`, { ...base, temperature: 0, messages: [] });
    expect(messageOf(temp.body)).toBe("temperature: Extra inputs are not permitted");
  });

  it("the adapter's thinking round trip passes (signature_delta parsed, blocks echoed in order)", async () => {
    server = await startWireServer("anthropic", {
      script: [toolReply([["make_box", { length: 1 }]], { text: "Box.", thinking: "I need a box." }), textReply("ok")],
    });
    const adapter = await createAdapter({
      protocol: "anthropic",
      baseUrl: server.baseUrl,
      apiKey: "k",
      promptCaching: true,
    });
    const first = await collect(adapter.stream(sampleRequest(), signal()));
    expect(first.message?.providerData?.anthropicBlocks).toEqual([
      { type: "thinking", thinking: "I need a box.", signature: expect.stringMatching(/^Eq/) as unknown },
      { type: "text", text: "Box." },
      { type: "tool_use", id: first.calls[0]?.id, name: "make_box", input: { length: 1 } },
    ]);
    const second = await collect(adapter.stream(followUpRequest(first, [{ text: "made" }]), signal()));
    expect(second.text).toBe("ok");
  });
});

describe("openai-responses", () => {
  it("a function_call without its reasoning item, or without its output → 400 with OpenAI's texts", async () => {
    server = await startWireServer("openai-responses", { script: [] });
    const call = { type: "function_call", id: "fc_01x0", call_id: "call_1", name: "make_box", arguments: "{}" };
    const noReasoning = await post(`${server.baseUrl}/responses`, {
      model: "gpt-5.6-terra",
      store: false,
      input: [
        { role: "user", content: "a cube" },
        call,
        { type: "function_call_output", call_id: "call_1", output: "ok" },
      ],
    });
    expect(noReasoning.status).toBe(400);
    expect(messageOf(noReasoning.body)).toBe(
      "Item 'fc_01x0' of type 'function_call' was provided without its required 'reasoning' item: 'rs_01'.",
    );
    const noOutput = await post(`${server.baseUrl}/responses`, {
      model: "gpt-5.6-terra",
      store: false,
      input: [
        { role: "user", content: "a cube" },
        { type: "reasoning", id: "rs_01", summary: [], encrypted_content: "gAAAA" },
        call,
      ],
    });
    expect(messageOf(noOutput.body)).toBe("No tool output found for function call call_1.");
  });

  it("the adapter replays reasoning before function_call and puts images inside function_call_output", async () => {
    server = await startWireServer("openai-responses", {
      script: [
        toolReply([["render_preview", {}]], { usage: { input: 100, cacheRead: 900, reasoning: 30, output: 50 } }),
        textReply("ok"),
      ],
    });
    const adapter = await createAdapter({ protocol: "openai-responses", baseUrl: server.baseUrl, apiKey: "k" });
    const first = await collect(adapter.stream(sampleRequest({ effort: "low" }), signal()));
    expect(first.usage).toEqual({
      inputTokens: 100,
      outputTokens: 50,
      cacheReadTokens: 900,
      cacheWriteTokens: 0,
      reasoningTokens: 30,
    });
    await collect(adapter.stream(followUpRequest(first, [{ text: "rendered", image: true }]), signal()));
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      store: false,
      include: ["reasoning.encrypted_content"],
      reasoning: { effort: "low" },
    });
    expect((body.tools as Array<Record<string, unknown>>).every((t) => t.strict === false)).toBe(true);
    const input = (server.requests[1]?.body as { input: Array<Record<string, unknown>> }).input;
    expect(input.map((i) => i.type ?? i.role)).toEqual([
      "message",
      "reasoning",
      "function_call",
      "function_call_output",
    ]);
    expect(input[1]?.encrypted_content).toMatch(/^gAAAA/);
    expect(input[3]?.output).toEqual([
      { type: "input_text", text: "rendered" },
      { type: "input_image", image_url: expect.stringMatching(/^data:image\/png;base64,/) as unknown, detail: "auto" },
    ]);
  });
});

describe("openai chat completions", () => {
  it("tools with reasoning for gpt-5.4+ → 400 'use /v1/responses'", async () => {
    server = await startOpenAiServer({ script: [textReply("x")] });
    const tools = [{ type: "function", function: { name: "f", parameters: {} } }];
    const r56 = await post(`${server.baseUrl}/chat/completions`, { model: "gpt-5.6-terra", messages: [], tools });
    expect(r56.status).toBe(400);
    expect(messageOf(r56.body)).toContain(
      "Function tools with reasoning_effort are not supported for gpt-5.6-terra in /v1/chat/completions. To use function tools, use /v1/responses",
    );
    const r54 = await post(`${server.baseUrl}/chat/completions`, {
      model: "gpt-5.4",
      messages: [],
      tools,
      reasoning_effort: "high",
    });
    expect(messageOf(r54.body)).toContain("Please use /v1/responses instead.");
  });

  it("OpenRouter → Anthropic: an assistant tool turn without its reasoning_details → 400 with the upstream reason", async () => {
    server = await startOpenAiServer({ script: [], variant: "openrouter" });
    const r = await post(`${server.baseUrl}/chat/completions`, {
      model: "anthropic/claude-sonnet-5.5",
      messages: [
        { role: "user", content: "a cube" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "t1", content: "ok" },
      ],
    });
    expect(r.status).toBe(400);
    const error = r.body.error as { metadata: { provider_name: string; raw: string } };
    expect(error.metadata.provider_name).toBe("Anthropic");
    expect(error.metadata.raw).toContain("must start with a thinking block");
  });

  it("OpenRouter: reasoning_details merged by index and echoed; cost from usage.cost; cache_control for anthropic/*; the upstream reason in errors", async () => {
    server = await startOpenAiServer({
      variant: "openrouter",
      script: [
        toolReply([["make_box", { length: 1 }]], {
          thinking: "Box first.",
          usage: { input: 10, cacheRead: 90, cacheWrite: 5, cost: 0.0123 },
        }),
        textReply("ok"),
      ],
    });
    const adapter = await createAdapter({
      protocol: "openai-chat",
      baseUrl: server.baseUrl,
      dialect: "openrouter",
      apiKey: "k",
    });
    const req = sampleRequest({ model: "anthropic/claude-sonnet-5.5" });
    const first = await collect(adapter.stream(req, signal()));
    expect(first.message?.providerData?.reasoningDetails).toEqual([
      expect.objectContaining({
        type: "reasoning.text",
        text: "Box first.",
        signature: expect.stringMatching(/^Eq/) as unknown,
        index: 0,
      }),
    ]);
    expect(first.usage).toMatchObject({ inputTokens: 10, cacheReadTokens: 90, cacheWriteTokens: 5, costUsd: 0.0123 });
    const second = await collect(
      adapter.stream(followUpRequest(first, [{ text: "made" }], { model: req.model }), signal()),
    );
    expect(second.text).toBe("ok");
    const assistant = (server.requests[1]?.body as { messages: Array<Record<string, unknown>> }).messages.find(
      (m) => m.role === "assistant",
    );
    expect(assistant?.reasoning_details).toEqual(first.message?.providerData?.reasoningDetails);
    // Breakpoints on the system prompt and the newest message, so the catalog prefix is cached.
    const sent = (server.requests[1]?.body as { messages: Array<{ role: string; content: unknown }> }).messages;
    expect(sent[0]?.content).toEqual([
      { type: "text", text: "You are a CAD agent.", cache_control: { type: "ephemeral" } },
    ]);
    expect(sent.at(-1)?.content).toEqual([{ type: "text", text: "made", cache_control: { type: "ephemeral" } }]);
    // An upstream failure: provider_name and the raw upstream message (redacted, cut) reach the message.
    const raw = JSON.stringify({
      type: "error",
      error: { type: "invalid_request_error", message: `prompt is too long; key k-${"x".repeat(400)}` },
    });
    server.push(
      httpError(400, {
        body: {
          error: { code: 400, message: "Provider returned error", metadata: { provider_name: "Anthropic", raw } },
        },
      }),
    );
    const keyed = await createAdapter({
      protocol: "openai-chat",
      baseUrl: server.baseUrl,
      apiKey: `k-${"x".repeat(400)}`,
      dialect: "openrouter",
    });
    const err = await collectError(keyed.stream(req, signal()));
    expect(err.message).toContain("Provider returned error (upstream Anthropic: prompt is too long; key [redacted]");
    expect(err.message).not.toContain("xxxx");
  });
});

describe("gemini", () => {
  it("a model turn whose functionCall lost its thoughtSignature → 400 with Gemini's text", async () => {
    server = await startWireServer("gemini", { script: [] });
    const r = await post(`${server.baseUrl}/v1beta/models/gemini-3.8-flash:generateContent`, {
      contents: [
        { role: "user", parts: [{ text: "a cube" }] },
        { role: "model", parts: [{ functionCall: { name: "run_cad", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { name: "run_cad", response: { output: "ok" } } }] },
      ],
    });
    expect(r.status).toBe(400);
    expect(messageOf(r.body)).toContain(
      "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly",
    );
    expect(messageOf(r.body)).toContain("`default_api:run_cad` , position 2.");
  });
});

describe.each(["anthropic", "openai-responses", "openai-chat", "gemini"] as ProtocolId[])("%s", (protocol) => {
  it("any retired model id → 404, and the list endpoint names what is served", async () => {
    server = await startWireServer(protocol, { script: [textReply("never")] });
    const adapter = await createAdapter({ protocol, baseUrl: server.baseUrl, apiKey: "k" });
    const retired = {
      anthropic: "claude-sonnet-4-5",
      "openai-responses": "gpt-5",
      "openai-chat": "gpt-5-mini",
      gemini: "gemini-2.5-pro",
    }[protocol];
    expect(RETIRED_MODELS).toContain(retired);
    const err = await collectError(adapter.stream(sampleRequest({ model: retired }), signal()));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: "not_found", status: 404 });
    expect(err.message).toContain(retired);
    expect(server.served).toBe(0);
    const served = (await adapter.listModels?.(signal())) ?? [];
    expect(served.length).toBeGreaterThan(0);
    expect(served).not.toContain(retired);
  });
});

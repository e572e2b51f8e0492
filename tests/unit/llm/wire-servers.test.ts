import { afterEach, describe, expect, it } from "vitest";
import {
  startAnthropicServer,
  startGeminiServer,
  startOpenAiServer,
  textReply,
  toolReply,
  type RecordedRequest,
  type WireServer,
} from "../../helpers/wire/index.js";

/** The fake servers themselves, driven with plain fetch (what other engineers' e2e tests rely on). */
let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("anthropic wire server", () => {
  it("accepts x-api-key as well as Bearer, and rejects a wrong key with a real-looking 401", async () => {
    server = await startAnthropicServer({ script: [textReply("a"), textReply("b")], apiKey: "k1" });
    const url = `${server.baseUrl}/v1/messages`;
    const body = { model: "m", max_tokens: 10, messages: [] };
    expect((await post(url, body, { "x-api-key": "k1" })).status).toBe(200);
    expect((await post(url, body, { authorization: "Bearer k1" })).status).toBe(200);
    const bad = await post(url, body, { "x-api-key": "nope" });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(server.served).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it("records path, headers and parsed body, and answers 404 on unknown routes without using a turn", async () => {
    server = await startAnthropicServer({ script: [textReply("hi")] });
    expect((await post(`${server.origin}/v1/complete`, {})).status).toBe(404);
    const res = await post(
      `${server.baseUrl}/v1/messages`,
      { model: "claude-x", max_tokens: 5, messages: [] },
      { "x-custom": "1" },
    );
    expect(await res.json()).toMatchObject({
      type: "message",
      content: [
        { type: "thinking", signature: expect.stringMatching(/^Eq/) as unknown },
        { type: "text", text: "hi" },
      ],
      stop_reason: "end_turn",
    });
    const rec = server.lastRequest() as RecordedRequest;
    expect(rec).toMatchObject({ method: "POST", path: "/v1/messages", model: "claude-x", stream: false });
    expect(rec.headers["x-custom"]).toBe("1");
    expect(rec.body).toMatchObject({ max_tokens: 5 });
  });

  it("speaks real SSE event names when stream:true", async () => {
    server = await startAnthropicServer({ script: [toolReply([["t", { a: 1 }]], { text: "x y" })] });
    const text = await (await post(`${server.baseUrl}/v1/messages`, { model: "m", stream: true })).text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe("message_start");
    expect(events).toContain("ping");
    expect(events).toContain("content_block_delta");
    expect(events.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(text).toContain('"partial_json"');
  });
});

describe("script handling", () => {
  it("answers 400 once the script is exhausted (so clients do not retry into it)", async () => {
    server = await startOpenAiServer({ script: [] });
    const res = await post(`${server.baseUrl}/chat/completions`, { model: "m" });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("script exhausted");
  });

  it("calls a function script with the request and its index; push() extends array scripts", async () => {
    const seen: Array<[string | undefined, number]> = [];
    server = await startOpenAiServer({
      script: (req, index) => {
        seen.push([req.model, index]);
        return textReply(`turn ${index}`);
      },
    });
    const url = `${server.baseUrl}/chat/completions`;
    await post(url, { model: "a" });
    const res = await post(url, { model: "b" });
    expect(await res.json()).toMatchObject({ choices: [{ message: { content: "turn 1" } }] });
    expect(seen).toEqual([
      ["a", 0],
      ["b", 1],
    ]);

    const s2 = await startOpenAiServer({ script: [textReply("first")] });
    try {
      s2.push(textReply("second"));
      expect(s2.remaining).toBe(2);
      await post(`${s2.baseUrl}/chat/completions`, { model: "m" });
      const r = await post(`${s2.baseUrl}/chat/completions`, { model: "m" });
      expect(await r.json()).toMatchObject({ choices: [{ message: { content: "second" } }] });
    } finally {
      await s2.close();
    }
  });
});

describe("openai / openrouter wire server", () => {
  it("OpenRouter variant interleaves SSE comments and ends with [DONE]", async () => {
    server = await startOpenAiServer({ script: [textReply("hello there")], variant: "openrouter" });
    const text = await (
      await post(`${server.baseUrl}/chat/completions`, {
        model: "m",
        stream: true,
        stream_options: { include_usage: true },
      })
    ).text();
    expect(text).toContain(": OPENROUTER PROCESSING");
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
    expect(text).toContain('"usage"');
  });

  it("sends the raw malformed argument string verbatim", async () => {
    server = await startOpenAiServer({ script: [toolReply([{ name: "t", rawArguments: "{oops" }])] });
    const json = (await (await post(`${server.baseUrl}/chat/completions`, { model: "m" })).json()) as {
      choices: Array<{ message: { tool_calls: Array<{ function: { arguments: string } }> } }>;
    };
    expect(json.choices[0]?.message.tool_calls[0]?.function.arguments).toBe("{oops");
  });
});

describe("gemini wire server", () => {
  it("routes generateContent / streamGenerateContent?alt=sse and reads x-goog-api-key or ?key=", async () => {
    server = await startGeminiServer({ script: [textReply("a"), textReply("b")], apiKey: "g1" });
    const base = `${server.baseUrl}/v1beta/models/gemini-x`;
    const plain = await post(`${base}:generateContent`, { contents: [] }, { "x-goog-api-key": "g1" });
    expect(await plain.json()).toMatchObject({
      candidates: [{ content: { role: "model", parts: [{ text: "a" }] }, finishReason: "STOP" }],
    });
    const sse = await post(`${base}:streamGenerateContent?alt=sse&key=g1`, { contents: [] });
    expect(await sse.text()).toMatch(/^data: \{/);
    expect(server.requests.map((r) => [r.model, r.stream])).toEqual([
      ["gemini-x", false],
      ["gemini-x", true],
    ]);
  });
});

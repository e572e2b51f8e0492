import { describe, expect, it } from "vitest";
import { toAnthropicMessages, toAnthropicParams } from "../../../src/llm/anthropic.js";
import { toGeminiConfig, toGeminiContents } from "../../../src/llm/gemini.js";
import { parseToolArguments, toOpenAiMessages, toOpenAiParams } from "../../../src/llm/openai-chat.js";
import type { Message } from "../../../src/llm/types.js";
import { TINY_PNG, sampleRequest } from "../../helpers/wire/adapter-harness.js";

/** A brief, a turn with one text + one call, its (image) result and a nudge from the loop. */
const history: Message[] = [
  { role: "user", content: [{ type: "text", text: "Make a cube" }] },
  {
    role: "assistant",
    content: [{ type: "text", text: "Sure." }],
    toolCalls: [{ id: "c1", name: "render_preview", arguments: {}, providerData: { thoughtSignature: "S1" } }],
  },
  {
    role: "tool",
    results: [
      {
        callId: "c1",
        name: "render_preview",
        isError: false,
        content: [
          { type: "text", text: "rendered" },
          { type: "image", mediaType: "image/png", data: TINY_PNG },
        ],
      },
    ],
  },
  { role: "user", content: [{ type: "text", text: "Finish now." }] },
];

describe("parseToolArguments", () => {
  it.each([
    ["", { value: {} }],
    ["  ", { value: {} }],
    ['{"a":1}', { value: { a: 1 } }],
    ['"{\\"a\\":1}"', { value: { a: 1 } }],
    ['"plain"', { value: "plain" }],
  ])("%j", (raw, expected) => {
    expect(parseToolArguments(raw)).toEqual(expected);
  });

  it("reports malformed JSON instead of throwing", () => {
    const r = parseToolArguments('{"a":');
    expect("error" in r && r.error).toMatch(/not valid JSON/);
  });
});

describe("anthropic mapping", () => {
  it("merges tool results and the following user text into one user turn, drops empty text", () => {
    const msgs = toAnthropicMessages([
      ...history,
      { role: "assistant", content: [{ type: "text", text: "" }], toolCalls: [] },
    ]);
    expect(msgs.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(msgs[2]?.content.map((b) => b.type)).toEqual(["tool_result", "text"]);
  });

  it("a parse-failed call is echoed with empty input (the API needs an object)", () => {
    const msgs = toAnthropicMessages([
      { role: "assistant", content: [], toolCalls: [{ id: "x", name: "t", arguments: undefined, parseError: "bad" }] },
    ]);
    expect(msgs[0]?.content[0]).toEqual({ type: "tool_use", id: "x", name: "t", input: {} });
  });

  it("omits system when empty", () => {
    expect(toAnthropicParams(sampleRequest({ system: "" }), true).system).toBeUndefined();
  });
});

describe("openai mapping", () => {
  it("uses plain string content for text-only user messages", () => {
    const msgs = toOpenAiMessages("sys", history);
    expect(msgs[1]).toEqual({ role: "user", content: "Make a cube" });
    expect(msgs.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool", "user", "user"]);
    expect(msgs[4]).toMatchObject({ role: "user", content: [{ type: "text" }, { type: "image_url" }] });
  });

  it("uses max_completion_tokens only for api.openai.com", () => {
    expect(toOpenAiParams(sampleRequest(), "https://api.openai.com/v1")).toMatchObject({ max_completion_tokens: 1024 });
    expect(toOpenAiParams(sampleRequest(), "https://api.openai.com/v1").max_tokens).toBeUndefined();
    expect(toOpenAiParams(sampleRequest(), "https://openrouter.ai/api/v1")).toMatchObject({ max_tokens: 1024 });
  });

  it("passes temperature when set", () => {
    expect(toOpenAiParams(sampleRequest({ temperature: 0.2 }), "http://x/v1").temperature).toBe(0.2);
  });
});

describe("gemini mapping", () => {
  it("puts signatures on the model turn and merges the nudge into the tool-result turn", () => {
    const contents = toGeminiContents(history);
    expect(contents.map((c) => c.role)).toEqual(["user", "model", "user"]);
    expect(contents[1]?.parts).toEqual([
      { text: "Sure." },
      { functionCall: { name: "render_preview", args: {} }, thoughtSignature: "S1" },
    ]);
    expect(contents[2]?.parts).toEqual([
      {
        functionResponse: {
          name: "render_preview",
          response: { output: "rendered" },
          parts: [{ inlineData: { mimeType: "image/png", data: TINY_PNG, displayName: "c1_0.png" } }],
        },
      },
      { text: "Finish now." },
    ]);
  });

  it("config: no tools → no toolConfig; system and temperature passed", () => {
    const config = toGeminiConfig(sampleRequest({ tools: [], temperature: 0.1 }));
    expect(config.tools).toBeUndefined();
    expect(config.toolConfig).toBeUndefined();
    expect(config).toMatchObject({
      systemInstruction: "You are a CAD agent.",
      temperature: 0.1,
      maxOutputTokens: 1024,
    });
  });
});

import { describe, expect, it } from "vitest";
import { toAnthropicParams } from "../../../src/llm/anthropic.js";
import { toGeminiConfig } from "../../../src/llm/gemini.js";
import { toOpenAiParams } from "../../../src/llm/openai-chat.js";
import { toResponsesParams } from "../../../src/llm/openai-responses.js";
import type { AssistantMessage, Message } from "../../../src/llm/types.js";
import { sampleRequest } from "../../helpers/wire/adapter-harness.js";

/** `--effort` in each protocol's own field, and Anthropic's two message breakpoints. */

describe("effort per protocol", () => {
  const req = sampleRequest({ effort: "low" });
  it("Anthropic output_config.effort, OpenAI reasoning.effort, Gemini thinkingLevel, OpenRouter reasoning.effort", () => {
    expect(toAnthropicParams(req, false).output_config).toEqual({ effort: "low" });
    expect(toResponsesParams(req).reasoning).toEqual({ effort: "low" });
    expect(toGeminiConfig(req).thinkingConfig).toEqual({ thinkingLevel: "LOW" });
    const openrouter = toOpenAiParams(req, { baseUrl: "https://openrouter.ai/api/v1" }) as Record<string, unknown>;
    expect(openrouter.reasoning).toEqual({ effort: "low" });
    expect(openrouter.reasoning_effort).toBeUndefined();
    const compatible = toOpenAiParams(req, "http://127.0.0.1:11434/v1") as Record<string, unknown>;
    expect(compatible.reasoning_effort).toBe("low");
  });
  it("nothing is sent when unset: the model's own default applies", () => {
    const plain = sampleRequest();
    expect(toAnthropicParams(plain, false).output_config).toBeUndefined();
    expect(toResponsesParams(plain).reasoning).toBeUndefined();
    expect(toGeminiConfig(plain).thinkingConfig).toBeUndefined();
  });
});

describe("anthropic cache breakpoints", () => {
  it("on the newest block and the previous request's last block, never on a thinking block", () => {
    const assistant: AssistantMessage = {
      role: "assistant",
      content: [],
      toolCalls: [{ id: "t1", name: "make_box", arguments: {} }],
      providerData: {
        anthropicBlocks: [
          { type: "thinking", thinking: "plan", signature: "EqX" },
          { type: "tool_use", id: "t1", name: "make_box", input: {} },
        ],
      },
    };
    const tool = (id: string): Message => ({
      role: "tool",
      results: [{ callId: id, name: "make_box", isError: false, content: [{ type: "text", text: "ok" }] }],
    });
    const messages: Message[] = [...sampleRequest().messages, assistant, tool("t1")];
    const params = toAnthropicParams(sampleRequest({ messages }), true);
    const blocks = params.messages.map((m) => (Array.isArray(m.content) ? m.content : []));
    const marked = (b: unknown) => (b as { cache_control?: unknown }).cache_control !== undefined;
    // [brief (previous request's last block), assistant (thinking, tool_use), tool_result (newest)]
    expect(blocks[0]?.map(marked)).toEqual([true]);
    expect(blocks[1]?.map(marked)).toEqual([false, false]);
    expect(blocks[2]?.map(marked)).toEqual([true]);
    expect(blocks[1]?.[0]).toEqual({ type: "thinking", thinking: "plan", signature: "EqX" });
  });
});

import OpenAI from "openai";
import type { AdapterOptions } from "./adapter-options.js";
import { toProviderError } from "./errors.js";
import { guardedAdapter, type IdleTimeout } from "./idle-timeout.js";
import { OPENAI_SDK_ERRORS, openAiClient, parseToolArguments } from "./openai-chat.js";
import {
  ProviderError,
  emptyUsage,
  type AssistantMessage,
  type ChatRequest,
  type ContentPart,
  type FinishReason,
  type Message,
  type ProtocolAdapter,
  type ProviderErrorKind,
  type StreamEvent,
  type ToolCall,
  type Usage,
} from "./types.js";

/**
 * OpenAI Responses API adapter (`POST /v1/responses`), the protocol api.openai.com wants for
 * tool calling with reasoning models (GPT-5.4 and later refuse tools with reasoning on Chat
 * Completions). Nothing is stored server-side (`store: false`): every response's output items
 * (encrypted reasoning, messages, function calls) are kept on the assistant message and sent
 * back verbatim before their `function_call_output` items, which is what the API requires.
 */

type InputItem = OpenAI.Responses.ResponseInputItem;
type OutputItem = OpenAI.Responses.ResponseOutputItem;
type Params = Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, "stream">;
type OutputPart = OpenAI.Responses.ResponseFunctionCallOutputItem;

const dataUrl = (p: Extract<ContentPart, { type: "image" }>) => `data:${p.mediaType};base64,${p.data}`;
const textOf = (parts: ContentPart[]) =>
  parts
    .filter((p) => p.type === "text")
    .map((p) => p.text)
    .join("\n");

/** The output items of the response an assistant message came from, when this adapter made it. */
function itemsOf(m: AssistantMessage): InputItem[] | undefined {
  const items = m.providerData?.responseItems;
  return Array.isArray(items) ? (items as InputItem[]) : undefined;
}

/** Rebuilds items for a message another adapter made (or an old record): text, then calls. */
function rebuiltItems(m: AssistantMessage): InputItem[] {
  const out: InputItem[] = [];
  const text = m.content.map((p) => p.text).join("");
  if (text) out.push({ role: "assistant", content: text });
  for (const c of m.toolCalls) {
    out.push({
      type: "function_call",
      call_id: c.id,
      name: c.name,
      arguments: c.rawArguments ?? JSON.stringify(c.arguments ?? {}),
    });
  }
  return out;
}

function toolOutput(content: ContentPart[], isError: boolean): string | OutputPart[] {
  const text = textOf(content);
  const shown = isError ? `Error: ${text}` : text;
  const images = content.filter((p) => p.type === "image");
  if (!images.length) return shown;
  // Images ride inside the function_call_output itself: no extra user turn needed.
  return [
    ...(shown ? [{ type: "input_text" as const, text: shown }] : []),
    ...images.map((p): OutputPart => ({ type: "input_image", image_url: dataUrl(p), detail: "auto" })),
  ];
}

/** Neutral history → Responses `input` items. */
export function toResponsesInput(messages: Message[]): InputItem[] {
  const out: InputItem[] = [];
  for (const m of messages) {
    if (m.role === "user") {
      out.push({
        type: "message",
        role: "user",
        content: m.content.map((p) =>
          p.type === "text"
            ? { type: "input_text" as const, text: p.text }
            : { type: "input_image" as const, image_url: dataUrl(p), detail: "auto" as const },
        ),
      });
    } else if (m.role === "assistant") out.push(...(itemsOf(m) ?? rebuiltItems(m)));
    else {
      for (const r of m.results)
        out.push({ type: "function_call_output", call_id: r.callId, output: toolOutput(r.content, r.isError) });
    }
  }
  return out;
}

export function toResponsesParams(req: ChatRequest): Params {
  const params: Params = {
    model: req.model,
    input: toResponsesInput(req.messages),
    store: false,
    include: ["reasoning.encrypted_content"],
    max_output_tokens: req.maxTokens,
  };
  if (req.system) params.instructions = req.system;
  if (req.effort) params.reasoning = { effort: req.effort };
  if (req.tools.length) {
    // strict:false: strict mode would demand every property be required and no extra keys,
    // which the catalog's optional arguments do not meet; the tools validate with zod anyway.
    params.tools = req.tools.map((t) => ({
      type: "function",
      name: t.name,
      description: t.description,
      parameters: t.inputSchema,
      strict: false,
    }));
    params.tool_choice = req.toolChoice ?? "auto";
  }
  return params;
}

function usageOf(u: OpenAI.Responses.ResponseUsage | null | undefined): Usage {
  const usage = emptyUsage();
  if (!u) return usage;
  const details = (u.input_tokens_details ?? {}) as unknown as Record<string, unknown>;
  const cached = typeof details.cached_tokens === "number" ? details.cached_tokens : 0;
  const written = typeof details.cache_write_tokens === "number" ? details.cache_write_tokens : 0;
  // cached_tokens (and cache writes) are part of input_tokens: keep the four counts disjoint.
  usage.inputTokens = Math.max(0, u.input_tokens - cached - written);
  usage.outputTokens = u.output_tokens;
  usage.cacheReadTokens = cached;
  usage.cacheWriteTokens = written;
  const reasoning = u.output_tokens_details?.reasoning_tokens;
  if (typeof reasoning === "number" && reasoning > 0) usage.reasoningTokens = reasoning;
  return usage;
}

const FAILURE_KINDS: Record<string, ProviderErrorKind> = {
  server_error: "server",
  rate_limit_exceeded: "rate_limit",
  invalid_prompt: "bad_request",
};

/** A `response.failed` or stream `error` event as a ProviderError (unknown codes count as server trouble). */
function failure(code: string | null | undefined, message: string): ProviderError {
  const kind = (code && FAILURE_KINDS[code]) || "server";
  return new ProviderError(kind, `openai-responses: ${code ? `${code}: ` : ""}${message}`);
}

function toolCallOf(item: OpenAI.Responses.ResponseFunctionToolCall): ToolCall {
  const parsed = parseToolArguments(item.arguments);
  return "error" in parsed
    ? {
        id: item.call_id,
        name: item.name,
        arguments: undefined,
        rawArguments: item.arguments,
        parseError: parsed.error,
      }
    : { id: item.call_id, name: item.name, arguments: parsed.value, rawArguments: item.arguments };
}

/** Events of a finished response: its calls, usage and the assistant message carrying the items. */
function* fromResponse(res: OpenAI.Responses.Response, streamedText: boolean): Generator<StreamEvent> {
  if (res.status === "failed") throw failure(res.error?.code, res.error?.message ?? "the response failed");
  const output: OutputItem[] = res.output ?? [];
  let text = "";
  const calls: ToolCall[] = [];
  for (const item of output) {
    if (item.type === "message") {
      for (const part of item.content) if (part.type === "output_text") text += part.text;
    } else if (item.type === "function_call") {
      const call = toolCallOf(item);
      calls.push(call);
      yield { type: "tool-call", call };
    }
  }
  if (text && !streamedText) yield { type: "text-delta", text };
  let reason: FinishReason = calls.length ? "tool_calls" : "stop";
  const incomplete = res.incomplete_details?.reason;
  if (res.status === "incomplete")
    reason =
      incomplete === "content_filter" ? "content_filter" : incomplete === "max_output_tokens" ? "length" : "other";
  const refusal = output.some((i) => i.type === "message" && i.content.some((p) => p.type === "refusal"));
  if (refusal && !calls.length) reason = "refusal";
  const message: AssistantMessage = {
    role: "assistant",
    content: text ? [{ type: "text", text }] : [],
    toolCalls: calls,
    providerData: { responseItems: output },
  };
  yield { type: "usage", usage: usageOf(res.usage) };
  yield { type: "finish", reason, message };
}

async function* fromEvents(
  events: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>,
  idle: IdleTimeout,
): AsyncGenerator<StreamEvent> {
  let streamedText = false;
  for await (const ev of events) {
    idle.touch();
    switch (ev.type) {
      case "response.output_text.delta":
        if (ev.delta) {
          streamedText = true;
          yield { type: "text-delta", text: ev.delta };
        }
        break;
      case "error":
        throw failure(ev.code, ev.message);
      case "response.failed":
        throw failure(ev.response.error?.code, ev.response.error?.message ?? "the response failed");
      case "response.completed":
      case "response.incomplete":
        // The final response carries every output item complete (reasoning with encrypted_content).
        yield* fromResponse(ev.response, streamedText);
        return;
      default:
        break;
    }
  }
  // Without a terminal event the stream was cut: a truncated turn must not pass as complete.
  throw new ProviderError("network", "openai-responses: network error: stream ended before response.completed");
}

/** OpenAI Responses adapter (api.openai.com). SDK retries off; no fallback to OPENAI_* variables. */
export function createOpenAiResponsesAdapter(opts: AdapterOptions): ProtocolAdapter {
  const client = openAiClient(opts);
  const mapError = (err: unknown, signal?: AbortSignal) =>
    toProviderError(err, {
      protocol: "openai-responses",
      apiKey: opts.apiKey,
      sdk: OPENAI_SDK_ERRORS,
      ...(signal ? { signal } : {}),
    });
  async function* run(request: ChatRequest, idle: IdleTimeout): AsyncGenerator<StreamEvent> {
    const params = toResponsesParams(request);
    const options = { signal: idle.signal };
    if (opts.stream === false)
      yield* fromResponse(await client.responses.create({ ...params, stream: false }, options), false);
    else yield* fromEvents(await client.responses.create({ ...params, stream: true }, options), idle);
  }
  return guardedAdapter({
    protocol: "openai-responses",
    timeoutMs: opts.timeoutMs,
    run,
    mapError,
    models: async function* (signal) {
      for await (const m of client.models.list(signal ? { signal } : {})) yield m.id;
    },
  });
}

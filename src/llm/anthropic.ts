import Anthropic from "@anthropic-ai/sdk";
import type { AdapterOptions } from "./adapter-options.js";
import { toProviderError, type SdkErrorClasses } from "./errors.js";
import { guardedAdapter, type IdleTimeout } from "./idle-timeout.js";
import {
  ProviderError,
  emptyUsage,
  type AssistantMessage,
  type ChatRequest,
  type ContentPart,
  type FinishReason,
  type Message,
  type ProtocolAdapter,
  type StreamEvent,
  type TextPart,
  type ToolCall,
  type Usage,
} from "./types.js";

type WireBlock = Anthropic.ContentBlockParam;
type WireMessage = { role: "user" | "assistant"; content: WireBlock[] };
type Params = Omit<Anthropic.MessageCreateParamsNonStreaming, "stream">;

const EPHEMERAL = { type: "ephemeral" } as const;
/** The Anthropic SDK's error classes, for toProviderError. */
export const ANTHROPIC_SDK_ERRORS: SdkErrorClasses = {
  userAbort: Anthropic.APIUserAbortError,
  connectionTimeout: Anthropic.APIConnectionTimeoutError,
  connection: Anthropic.APIConnectionError,
};

/** The SDK refuses non-streaming calls with a large max_tokens unless a timeout is given. */
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

const STOP_REASONS: Record<string, FinishReason> = {
  tool_use: "tool_calls",
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "context",
  refusal: "refusal",
  pause_turn: "pause",
};

/**
 * Mirrors the SDK's unexported `DEPRECATED_MODELS` (messages.create warns on each call with
 * console.warn); the value is the model to use instead.
 */
export const DEPRECATED_MODELS: Record<string, { endOfLife: string; replacement: string }> = {
  "claude-sonnet-4-5": { endOfLife: "2026-11-30", replacement: "claude-sonnet-5-5" },
  "claude-sonnet-4-5-20250929": { endOfLife: "2026-11-30", replacement: "claude-sonnet-5-5" },
};

/** A content block as it goes back to the API: thinking blocks with their signatures, in order. */
type EchoBlock =
  | Anthropic.ThinkingBlockParam
  | Anthropic.RedactedThinkingBlockParam
  | Anthropic.TextBlockParam
  | Anthropic.ToolUseBlockParam;

function contentBlocks(parts: ContentPart[]): Array<Anthropic.TextBlockParam | Anthropic.ImageBlockParam> {
  const out: Array<Anthropic.TextBlockParam | Anthropic.ImageBlockParam> = [];
  for (const p of parts) {
    // The API rejects empty text blocks.
    if (p.type === "text") {
      if (p.text) out.push({ type: "text", text: p.text });
    } else out.push({ type: "image", source: { type: "base64", media_type: p.mediaType, data: p.data } });
  }
  return out;
}

function toolInput(call: ToolCall): Record<string, unknown> {
  const args = call.arguments;
  return typeof args === "object" && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
}

/** The blocks of an assistant turn: the ones this adapter kept (thinking included), else text then calls. */
function assistantBlocks(m: AssistantMessage): WireBlock[] {
  const kept = m.providerData?.anthropicBlocks;
  if (Array.isArray(kept)) return (kept as EchoBlock[]).filter((b) => b.type !== "text" || b.text);
  const blocks: WireBlock[] = contentBlocks(m.content);
  for (const call of m.toolCalls)
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: toolInput(call) });
  return blocks;
}

/** Neutral history → Messages API turns. Tool results become a user turn; adjacent same-role turns merge. */
export function toAnthropicMessages(messages: Message[]): WireMessage[] {
  const out: WireMessage[] = [];
  const push = (role: WireMessage["role"], blocks: WireBlock[]) => {
    if (!blocks.length) return;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === "user") push("user", contentBlocks(m.content));
    else if (m.role === "assistant") push("assistant", assistantBlocks(m));
    else {
      push(
        "user",
        m.results.map((r): Anthropic.ToolResultBlockParam => {
          const content = contentBlocks(r.content);
          return {
            type: "tool_result",
            tool_use_id: r.callId,
            ...(content.length ? { content } : {}),
            is_error: r.isError,
          };
        }),
      );
    }
  }
  return out;
}

const CACHEABLE = new Set(["text", "image", "tool_result"]);

/** Puts a breakpoint on a message's last block when that block may carry one (never a thinking block). */
function markLastBlock(message: WireMessage | undefined): void {
  const block = message?.content.at(-1);
  if (block && "type" in block && CACHEABLE.has(block.type))
    (block as Anthropic.TextBlockParam).cache_control = EPHEMERAL;
}

/**
 * Builds the request body. With caching, breakpoints go on the tool catalog, the system prompt,
 * the newest block and the previous request's last block: the API looks back only 20 blocks
 * from a breakpoint, so after a turn with many parallel calls the newest one alone would miss.
 */
export function toAnthropicParams(req: ChatRequest, promptCaching: boolean): Params {
  const messages = toAnthropicMessages(req.messages);
  const tools: Anthropic.Tool[] = req.tools.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: t.inputSchema as Anthropic.Tool.InputSchema,
  }));
  if (promptCaching) {
    const lastTool = tools[tools.length - 1];
    if (lastTool) lastTool.cache_control = EPHEMERAL;
    markLastBlock(messages[messages.length - 1]);
    // [.., previous request's last user turn, assistant answer, new tool results]
    if (messages.length >= 3) markLastBlock(messages[messages.length - 3]);
  }
  const params: Params = { model: req.model, max_tokens: req.maxTokens, messages };
  if (req.system) {
    params.system = promptCaching ? [{ type: "text", text: req.system, cache_control: EPHEMERAL }] : req.system;
  }
  if (tools.length) {
    params.tools = tools;
    const choice = req.toolChoice ?? "auto";
    // Claude 5.5 models refuse forced tool use (`any`); the loop only ever asks for auto or none.
    params.tool_choice = choice === "required" ? { type: "any" } : { type: choice };
  }
  if (req.effort) params.output_config = { effort: req.effort };
  // `temperature` is not sent: API version 2026-10-21 removed it (400 "Extra inputs are not permitted").
  // `thinking` is not sent either: Claude 5 models think adaptively by default.
  return params;
}

function usageOf(u: Partial<Record<string, unknown>> | null | undefined, into: Usage): void {
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  into.inputTokens = num(u?.input_tokens) ?? into.inputTokens;
  into.outputTokens = num(u?.output_tokens) ?? into.outputTokens;
  into.cacheReadTokens = num(u?.cache_read_input_tokens) ?? into.cacheReadTokens;
  into.cacheWriteTokens = num(u?.cache_creation_input_tokens) ?? into.cacheWriteTokens;
  const details = u?.output_tokens_details as Record<string, unknown> | null | undefined;
  const thinking = num(details?.thinking_tokens);
  if (thinking) into.reasoningTokens = thinking;
}

function toolCallFrom(id: string, name: string, json: string): ToolCall {
  if (!json.trim()) return { id, name, arguments: {} };
  try {
    return { id, name, arguments: JSON.parse(json) as unknown };
  } catch (err) {
    // Only a truncated (max_tokens) tool_use gets here; the loop asks again and never runs it.
    return { id, name, arguments: undefined, rawArguments: json, parseError: (err as Error).message };
  }
}

/** What a refusal's stop_details say, in one line. */
function refusalDetail(details: unknown): string | undefined {
  if (typeof details !== "object" || details === null) return undefined;
  const d = details as { category?: unknown; explanation?: unknown };
  const parts = [
    typeof d.category === "string" ? d.category : "",
    typeof d.explanation === "string" ? d.explanation : "",
  ];
  const text = parts.filter(Boolean).join(": ");
  return text || undefined;
}

/** One content block of the answer, as it will be echoed, plus the parsed call for tool_use. */
interface Kept {
  block: EchoBlock;
  /** tool_use only: the streamed argument JSON, and the call once the block is complete. */
  json?: string;
  call?: ToolCall;
}

function finishEvents(
  reason: string | null | undefined,
  kept: Kept[],
  usage: Usage,
  stopDetails: unknown,
): StreamEvent[] {
  const content: TextPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const k of kept) {
    if (k.block.type === "text") content.push({ type: "text", text: k.block.text });
    if (k.call) toolCalls.push(k.call);
  }
  // Every block goes back verbatim and in order: thinking blocks (with signatures) must precede the tool_use they led to.
  const anthropicBlocks = kept.map((k) => k.block);
  const message: AssistantMessage = { role: "assistant", content, toolCalls, providerData: { anthropicBlocks } };
  const detail = refusalDetail(stopDetails);
  return [
    { type: "usage", usage },
    {
      type: "finish",
      reason: (reason && STOP_REASONS[reason]) || (toolCalls.length ? "tool_calls" : "other"),
      message,
      ...(detail ? { detail } : {}),
    },
  ];
}

/** A complete response block as the block to echo (the response's extra fields such as `citations: null` dropped). */
function echoOf(block: Anthropic.ContentBlock): Kept | undefined {
  switch (block.type) {
    case "thinking":
      return { block: { type: "thinking", thinking: block.thinking, signature: block.signature } };
    case "redacted_thinking":
      return { block: { type: "redacted_thinking", data: block.data } };
    case "text":
      return { block: { type: "text", text: block.text } };
    case "tool_use": {
      const input = (block.input ?? {}) as Record<string, unknown>;
      return {
        block: { type: "tool_use", id: block.id, name: block.name, input },
        call: { id: block.id, name: block.name, arguments: input },
      };
    }
    default:
      return undefined;
  }
}

function* fromMessage(msg: Anthropic.Message): Generator<StreamEvent> {
  const kept: Kept[] = [];
  for (const block of msg.content) {
    const k = echoOf(block);
    if (!k) continue;
    kept.push(k);
    if (k.block.type === "text" && k.block.text) yield { type: "text-delta", text: k.block.text };
    if (k.call) yield { type: "tool-call", call: k.call };
  }
  const usage = emptyUsage();
  usageOf(msg.usage as unknown as Record<string, unknown>, usage);
  yield* finishEvents(msg.stop_reason, kept, usage, (msg as { stop_details?: unknown }).stop_details);
}

async function* fromStream(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  idle: IdleTimeout,
): AsyncGenerator<StreamEvent> {
  const open = new Map<number, Kept>();
  const kept: Kept[] = [];
  const usage = emptyUsage();
  let stopReason: string | null | undefined;
  let stopDetails: unknown;
  let stopped = false;
  for await (const ev of events) {
    idle.touch();
    switch (ev.type) {
      case "message_start":
        usageOf(ev.message.usage as unknown as Record<string, unknown>, usage);
        break;
      case "content_block_start": {
        const cb = ev.content_block;
        let k: Kept | undefined;
        if (cb.type === "tool_use") k = { block: { type: "tool_use", id: cb.id, name: cb.name, input: {} }, json: "" };
        else k = echoOf(cb);
        if (!k) break;
        open.set(ev.index, k);
        kept.push(k);
        if (k.block.type === "text" && k.block.text) yield { type: "text-delta", text: k.block.text };
        break;
      }
      case "content_block_delta": {
        const k = open.get(ev.index);
        const d = ev.delta;
        if (!k) break;
        if (k.block.type === "text" && d.type === "text_delta") {
          k.block.text += d.text;
          yield { type: "text-delta", text: d.text };
        } else if (k.block.type === "thinking" && d.type === "thinking_delta") k.block.thinking += d.thinking;
        else if (k.block.type === "thinking" && d.type === "signature_delta") k.block.signature += d.signature;
        else if (k.json !== undefined && d.type === "input_json_delta") k.json += d.partial_json;
        break;
      }
      case "content_block_stop": {
        const k = open.get(ev.index);
        if (k?.block.type === "tool_use" && k.json !== undefined) {
          k.call = toolCallFrom(k.block.id, k.block.name, k.json);
          if (!k.call.parseError) k.block.input = k.call.arguments;
          yield { type: "tool-call", call: k.call };
        }
        open.delete(ev.index);
        break;
      }
      case "message_delta":
        stopReason = ev.delta.stop_reason;
        stopDetails = (ev.delta as { stop_details?: unknown }).stop_details;
        usageOf(ev.usage as unknown as Record<string, unknown>, usage);
        break;
      case "message_stop":
        stopped = true;
        break;
    }
  }
  // A stream cut short without message_stop would otherwise look like a complete (truncated) answer.
  if (!stopped) throw new ProviderError("network", "anthropic: network error: stream ended before message_stop");
  // A tool_use block still open at the end was cut off (max_tokens): it is not a call to run.
  for (const k of open.values()) {
    if (k.block.type !== "tool_use" || k.call) continue;
    const { id, name } = k.block;
    k.call = { id, name, arguments: undefined, rawArguments: k.json ?? "", parseError: "cut off by the output limit" };
  }
  yield* finishEvents(stopReason, kept, usage, stopDetails);
}

/**
 * Calls `create` with the SDK's deprecation console.warn held back: only the CLI writes to
 * the terminal, and it prints our own one-line notice instead. The SDK warns synchronously
 * before the request is sent, so restoring console.warn right after `create` returns is enough.
 */
function withoutSdkWarning<T>(model: string, create: () => T): T {
  if (!(model in DEPRECATED_MODELS)) return create();
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("is deprecated")) return;
    original(...args);
  };
  try {
    return create();
  } finally {
    console.warn = original;
  }
}

/**
 * Anthropic Messages adapter. SDK retries are off (`maxRetries: 0`) and key/base URL are
 * passed explicitly so the SDK never falls back to environment variables or profiles.
 */
export function createAnthropicAdapter(opts: AdapterOptions): ProtocolAdapter {
  const client = new Anthropic({
    apiKey: opts.apiKey,
    baseURL: opts.baseUrl,
    maxRetries: 0,
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    ...(opts.headers ? { defaultHeaders: opts.headers } : {}),
  });
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const warned = new Set<string>();
  async function* run(request: ChatRequest, idle: IdleTimeout): AsyncGenerator<StreamEvent> {
    const deprecated = DEPRECATED_MODELS[request.model];
    if (deprecated && !warned.has(request.model)) {
      warned.add(request.model);
      yield {
        type: "notice",
        message: `model ${request.model} is deprecated (end of life ${deprecated.endOfLife}); use ${deprecated.replacement} instead (--model ${deprecated.replacement})`,
      };
    }
    const params = toAnthropicParams(request, opts.promptCaching === true);
    const options = { signal: idle.signal, timeout };
    if (opts.stream === false) {
      const res = withoutSdkWarning(request.model, () => client.messages.create({ ...params, stream: false }, options));
      yield* fromMessage(await res);
    } else {
      const res = withoutSdkWarning(request.model, () => client.messages.create({ ...params, stream: true }, options));
      yield* fromStream(await res, idle);
    }
  }
  const mapError = (err: unknown, signal?: AbortSignal) =>
    toProviderError(err, {
      protocol: "anthropic",
      apiKey: opts.apiKey,
      sdk: ANTHROPIC_SDK_ERRORS,
      ...(signal ? { signal } : {}),
    });
  return guardedAdapter({
    protocol: "anthropic",
    timeoutMs: opts.timeoutMs,
    run,
    mapError,
    models: async function* (signal) {
      for await (const m of client.models.list({}, signal ? { signal } : {})) yield m.id;
    },
  });
}

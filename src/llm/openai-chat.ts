import OpenAI from "openai";
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
  type ToolCall,
  type ToolMessage,
  type Usage,
} from "./types.js";

type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type WireUserPart = OpenAI.Chat.Completions.ChatCompletionContentPart;
type Params = Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming, "stream">;

const FINISH: Record<string, FinishReason> = {
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  stop: "stop",
  length: "length",
  content_filter: "content_filter",
};

/**
 * Parses a tool-call argument string. Empty means no arguments; a JSON string that itself
 * holds JSON (models sometimes double-encode) is unwrapped once. Never throws.
 */
export function parseToolArguments(raw: string): { value: unknown } | { error: string } {
  if (!raw.trim()) return { value: {} };
  try {
    let value: unknown = JSON.parse(raw);
    if (typeof value === "string") {
      try {
        const inner: unknown = JSON.parse(value);
        if (typeof inner === "object" && inner !== null) value = inner;
      } catch {
        // A plain string argument: leave it for schema validation to reject.
      }
    }
    return { value };
  } catch (err) {
    return { error: `tool arguments are not valid JSON: ${(err as Error).message}` };
  }
}

function toolCall(id: string, name: string, raw: string): ToolCall {
  const parsed = parseToolArguments(raw);
  return "error" in parsed
    ? { id, name, arguments: undefined, rawArguments: raw, parseError: parsed.error }
    : { id, name, arguments: parsed.value, rawArguments: raw };
}

const dataUrl = (p: Extract<ContentPart, { type: "image" }>) => `data:${p.mediaType};base64,${p.data}`;
const textOf = (parts: ContentPart[]) =>
  parts
    .filter((p) => p.type === "text")
    .map((p) => p.text)
    .join("\n");

function userContent(parts: ContentPart[]): string | WireUserPart[] {
  // Plain strings where possible: some OpenAI-compatible servers only accept string content.
  if (parts.every((p) => p.type === "text")) return textOf(parts);
  return parts.map((p): WireUserPart =>
    p.type === "text" ? { type: "text", text: p.text } : { type: "image_url", image_url: { url: dataUrl(p) } },
  );
}

/** Tool messages carry text only, so images ride in one user message right after them. */
function toolMessages(m: ToolMessage): WireMessage[] {
  const out: WireMessage[] = [];
  const images: WireUserPart[] = [];
  const sources: string[] = [];
  for (const r of m.results) {
    const pics = r.content.filter((p) => p.type === "image");
    let text = textOf(r.content);
    if (pics.length) {
      sources.push(`${r.name} (${r.callId})`);
      for (const p of pics) images.push({ type: "image_url", image_url: { url: dataUrl(p) } });
      text = text
        ? `${text}\n[${pics.length} image(s) attached in the next message]`
        : `[${pics.length} image(s) attached in the next message]`;
    }
    // The wire has no error flag for tool messages; say it in the text.
    out.push({ role: "tool", tool_call_id: r.callId, content: r.isError ? `Error: ${text}` : text });
  }
  if (images.length) {
    out.push({
      role: "user",
      content: [{ type: "text", text: `Images returned by ${sources.join(", ")}:` }, ...images],
    });
  }
  return out;
}

/** Neutral history → Chat Completions messages (system first). */
export function toOpenAiMessages(system: string, messages: Message[]): WireMessage[] {
  const out: WireMessage[] = system ? [{ role: "system", content: system }] : [];
  for (const m of messages) {
    if (m.role === "user") out.push({ role: "user", content: userContent(m.content) });
    else if (m.role === "tool") out.push(...toolMessages(m));
    else {
      const text = m.content.map((p) => p.text).join("");
      const msg: OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam = {
        role: "assistant",
        content: text || null,
      };
      const details = m.providerData?.reasoningDetails;
      // OpenRouter: reasoning (Claude thinking with its signature, encrypted OpenAI reasoning) goes back as received.
      if (Array.isArray(details) && details.length)
        (msg as unknown as Record<string, unknown>).reasoning_details = details;
      if (m.toolCalls.length) {
        msg.tool_calls = m.toolCalls.map((c) => ({
          id: c.id,
          type: "function",
          // Echo what the model sent, even when it was malformed: the history must match the call ids and text.
          function: { name: c.name, arguments: c.rawArguments ?? JSON.stringify(c.arguments ?? {}) },
        }));
      }
      out.push(msg);
    }
  }
  return out;
}

/** api.openai.com rejects `max_tokens` for reasoning models; most compatible servers only know `max_tokens`. */
function usesMaxCompletionTokens(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === "api.openai.com";
  } catch {
    return false;
  }
}

function isOpenRouter(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.endsWith("openrouter.ai");
  } catch {
    return false;
  }
}

const CACHE = { type: "ephemeral" } as const;

/**
 * Anthropic models behind a gateway (OpenRouter `anthropic/*`) cache only what is marked:
 * breakpoints on the system prompt and on the newest message, so each turn reads the last one's prefix.
 */
function markCacheBreakpoints(messages: WireMessage[]): void {
  const mark = (m: WireMessage | undefined): void => {
    if (!m || m.role === "assistant" || m.role === "function") return;
    const content: unknown = m.content;
    if (typeof content === "string") {
      if (!content) return;
      (m as { content: unknown }).content = [{ type: "text", text: content, cache_control: CACHE }];
    } else if (Array.isArray(content)) {
      const last = content.at(-1) as Record<string, unknown> | undefined;
      if (last) last.cache_control = CACHE;
    }
  };
  mark(messages.find((m) => m.role === "system"));
  mark(messages.at(-1));
}

/** Options beyond the request: where it goes (quirks differ by host) and whether to mark cache breakpoints. */
export interface ChatParamOptions {
  baseUrl: string;
  dialect?: "openrouter";
  /** Adds `cache_control` breakpoints; default: on for `anthropic/*` models on OpenRouter. */
  cacheControl?: boolean;
}

export function toOpenAiParams(req: ChatRequest, where: string | ChatParamOptions): Params {
  const o = typeof where === "string" ? { baseUrl: where } : where;
  const baseUrl = o.baseUrl;
  const openrouter = o.dialect === "openrouter" || isOpenRouter(baseUrl);
  const params: Params = { model: req.model, messages: toOpenAiMessages(req.system, req.messages) };
  if (o.cacheControl ?? (openrouter && req.model.startsWith("anthropic/"))) markCacheBreakpoints(params.messages);
  if (usesMaxCompletionTokens(baseUrl)) params.max_completion_tokens = req.maxTokens;
  else params.max_tokens = req.maxTokens;
  if (req.effort) {
    // OpenRouter takes the unified `reasoning` object; plain compatible servers the Chat Completions field.
    if (openrouter) (params as Record<string, unknown>).reasoning = { effort: req.effort };
    else params.reasoning_effort = req.effort;
  }
  if (req.tools.length) {
    params.tools = req.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.inputSchema },
    }));
    params.tool_choice = req.toolChoice ?? "auto";
  }
  if (req.temperature !== undefined) params.temperature = req.temperature;
  return params;
}

function usageOf(u: OpenAI.Completions.CompletionUsage | null | undefined): Usage {
  const usage = emptyUsage();
  if (!u) return usage;
  const details = (u.prompt_tokens_details ?? {}) as Record<string, unknown>;
  const cached = typeof details.cached_tokens === "number" ? details.cached_tokens : 0;
  // OpenRouter reports cache writes for providers that bill them (e.g. Anthropic models).
  const written = typeof details.cache_write_tokens === "number" ? details.cache_write_tokens : 0;
  usage.inputTokens = Math.max(0, (u.prompt_tokens ?? 0) - cached - written);
  usage.outputTokens = u.completion_tokens ?? 0;
  usage.cacheReadTokens = cached;
  usage.cacheWriteTokens = written;
  const reasoning = (u.completion_tokens_details as Record<string, unknown> | undefined)?.reasoning_tokens;
  if (typeof reasoning === "number" && reasoning > 0) usage.reasoningTokens = reasoning;
  // OpenRouter's own charge (credits = USD), which knows its routing and discounts better than a price table.
  const cost = (u as unknown as Record<string, unknown>).cost;
  if (typeof cost === "number" && Number.isFinite(cost) && cost >= 0) usage.costUsd = cost;
  return usage;
}

type Detail = Record<string, unknown> & { index?: number };

/**
 * Merges streamed `reasoning_details` fragments by `index`: text and summary concatenate, other
 * fields (signature, data, id, format) take the first non-empty value that arrives.
 */
export function mergeReasoningDetails(into: Map<number, Detail>, fragments: unknown, order: number[]): void {
  if (!Array.isArray(fragments)) return;
  for (const [pos, raw] of fragments.entries()) {
    if (typeof raw !== "object" || raw === null) continue;
    const frag = raw as Detail;
    const index = typeof frag.index === "number" ? frag.index : pos;
    const have = into.get(index);
    if (!have) {
      into.set(index, { ...frag });
      order.push(index);
      continue;
    }
    for (const [k, v] of Object.entries(frag)) {
      if ((k === "text" || k === "summary") && typeof v === "string")
        have[k] = `${typeof have[k] === "string" ? have[k] : ""}${v}`;
      else if (
        v !== null &&
        v !== undefined &&
        v !== "" &&
        (have[k] === undefined || have[k] === null || have[k] === "")
      )
        have[k] = v;
    }
  }
}

function finishEvents(
  reason: string | null | undefined,
  text: string,
  toolCalls: ToolCall[],
  usage: Usage,
  reasoningDetails?: unknown[],
): StreamEvent[] {
  const message: AssistantMessage = { role: "assistant", content: text ? [{ type: "text", text }] : [], toolCalls };
  if (reasoningDetails?.length) message.providerData = { reasoningDetails };
  let mapped: FinishReason = (reason && FINISH[reason]) || "other";
  // Several compatible servers (Ollama among them) say "stop" even when they called tools.
  if (toolCalls.length && mapped === "stop") mapped = "tool_calls";
  return [
    { type: "usage", usage },
    { type: "finish", reason: mapped, message },
  ];
}

function* fromCompletion(res: OpenAI.Chat.Completions.ChatCompletion): Generator<StreamEvent> {
  const choice = res.choices[0];
  const text = choice?.message.content ?? "";
  if (text) yield { type: "text-delta", text };
  const calls: ToolCall[] = [];
  for (const [i, tc] of (choice?.message.tool_calls ?? []).entries()) {
    if (tc.type !== "function") continue;
    const call = toolCall(tc.id || `call_${i}`, tc.function.name, tc.function.arguments ?? "");
    calls.push(call);
    yield { type: "tool-call", call };
  }
  const details = (choice?.message as unknown as Record<string, unknown> | undefined)?.reasoning_details;
  yield* finishEvents(choice?.finish_reason, text, calls, usageOf(res.usage), Array.isArray(details) ? details : []);
}

async function* fromChunks(
  chunks: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
  idle: IdleTimeout,
): AsyncGenerator<StreamEvent> {
  // Keyed by a slot: the wire index, moved aside when a different id arrives at the same index.
  const pending = new Map<number, { id: string; name: string; args: string }>();
  const slotOf = new Map<number, number>();
  let nextSlot = 0;
  const details = new Map<number, Detail>();
  const detailOrder: number[] = [];
  let text = "";
  let finishReason: string | null | undefined;
  let usage = emptyUsage();
  for await (const chunk of chunks) {
    idle.touch();
    if (chunk.usage) usage = usageOf(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    mergeReasoningDetails(
      details,
      (choice.delta as Record<string, unknown> | undefined)?.reasoning_details,
      detailOrder,
    );
    if (choice.delta?.content) {
      text += choice.delta.content;
      yield { type: "text-delta", text: choice.delta.content };
    }
    for (const [pos, tc] of (choice.delta?.tool_calls ?? []).entries()) {
      // Fragments belong to the call with the same `index`; a missing index means array position.
      const index = typeof tc.index === "number" ? tc.index : pos;
      let slot = slotOf.get(index);
      let p = slot === undefined ? undefined : pending.get(slot);
      // Some gateways send every call at index 0: a new non-empty id there starts a new call.
      if (!p || (tc.id && p.id && tc.id !== p.id)) {
        slot = nextSlot++;
        slotOf.set(index, slot);
        pending.set(slot, (p = { id: "", name: "", args: "" }));
      }
      if (tc.id) p.id = tc.id;
      if (tc.function?.name) p.name = tc.function.name;
      if (tc.function?.arguments) p.args += tc.function.arguments;
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  // Without a finish_reason the stream was cut: a truncated turn must not pass as complete.
  if (!finishReason)
    throw new ProviderError("network", "openai-chat: network error: stream ended without finish_reason");
  const calls: ToolCall[] = [];
  for (const index of [...pending.keys()].sort((a, b) => a - b)) {
    const p = pending.get(index);
    if (!p) continue;
    const call = toolCall(p.id || `call_${index}`, p.name, p.args);
    calls.push(call);
    yield { type: "tool-call", call };
  }
  const reasoning = detailOrder.map((i) => details.get(i)).filter((d): d is Detail => d !== undefined);
  yield* finishEvents(finishReason, text, calls, usage, reasoning);
}

/**
 * OpenAI Chat Completions adapter, also used for OpenRouter, Ollama and other compatible
 * servers. SDK retries are off; options never fall back to OPENAI_* environment variables.
 */
export function createOpenAiChatAdapter(opts: AdapterOptions): ProtocolAdapter {
  const client = openAiClient(opts);
  const mapError = (err: unknown, signal?: AbortSignal) =>
    toProviderError(err, {
      protocol: "openai-chat",
      apiKey: opts.apiKey,
      sdk: OPENAI_SDK_ERRORS,
      ...(signal ? { signal } : {}),
    });
  async function* run(request: ChatRequest, idle: IdleTimeout): AsyncGenerator<StreamEvent> {
    const params = toOpenAiParams(request, {
      baseUrl: opts.baseUrl,
      ...(opts.dialect ? { dialect: opts.dialect } : {}),
      ...(opts.promptCaching !== undefined ? { cacheControl: opts.promptCaching } : {}),
    });
    const options = { signal: idle.signal };
    if (opts.stream === false) {
      yield* fromCompletion(await client.chat.completions.create({ ...params, stream: false }, options));
    } else {
      const chunks = await client.chat.completions.create(
        { ...params, stream: true, stream_options: { include_usage: true } },
        options,
      );
      yield* fromChunks(chunks, idle);
    }
  }
  return guardedAdapter({
    protocol: "openai-chat",
    timeoutMs: opts.timeoutMs,
    run,
    mapError,
    models: async function* (signal) {
      for await (const m of client.models.list(signal ? { signal } : {})) yield m.id;
    },
  });
}

/** The OpenAI SDK's error classes, for toProviderError (both OpenAI adapters). */
export const OPENAI_SDK_ERRORS: SdkErrorClasses = {
  userAbort: OpenAI.APIUserAbortError,
  connectionTimeout: OpenAI.APIConnectionTimeoutError,
  connection: OpenAI.APIConnectionError,
};

/** The OpenAI SDK client for an endpoint: explicit key and base URL, SDK retries off. */
export function openAiClient(opts: AdapterOptions): OpenAI {
  const headers: Record<string, string | null> = { ...opts.headers };
  // The SDK insists on a key; keyless local servers get a placeholder and no Authorization header.
  if (!opts.apiKey) headers.Authorization = null;
  return new OpenAI({
    apiKey: opts.apiKey || "no-key",
    adminAPIKey: null,
    organization: null,
    project: null,
    baseURL: opts.baseUrl,
    maxRetries: 0,
    defaultHeaders: headers,
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
  });
}

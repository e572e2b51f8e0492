import Anthropic from "@anthropic-ai/sdk";
import type { AdapterOptions } from "./adapter-options.js";
import { toProviderError } from "./errors.js";
import { idleGuarded, type IdleTimeout } from "./idle-timeout.js";
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
/** The SDK refuses non-streaming calls with a large max_tokens unless a timeout is given. */
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

const STOP_REASONS: Record<string, FinishReason> = {
  tool_use: "tool_calls",
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  refusal: "content_filter",
};

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
    else if (m.role === "assistant") {
      const blocks: WireBlock[] = contentBlocks(m.content);
      for (const call of m.toolCalls)
        blocks.push({ type: "tool_use", id: call.id, name: call.name, input: toolInput(call) });
      push("assistant", blocks);
    } else {
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

/** Builds the request body; with caching, breakpoints go on the tool catalog, the system prompt and the newest turn. */
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
    // The conversation grows every turn: caching up to the newest block lets the next turn read it back.
    const lastBlock = messages[messages.length - 1]?.content.at(-1);
    if (lastBlock && "type" in lastBlock && ["text", "image", "tool_result"].includes(lastBlock.type)) {
      (lastBlock as Anthropic.TextBlockParam).cache_control = EPHEMERAL;
    }
  }
  const params: Params = { model: req.model, max_tokens: req.maxTokens, messages };
  if (req.system) {
    params.system = promptCaching ? [{ type: "text", text: req.system, cache_control: EPHEMERAL }] : req.system;
  }
  if (tools.length) {
    params.tools = tools;
    const choice = req.toolChoice ?? "auto";
    params.tool_choice = choice === "required" ? { type: "any" } : { type: choice };
  }
  // `temperature` is not sent: the current Messages API version deprecated it and the SDK no longer types it.
  return params;
}

function usageOf(u: Partial<Record<string, unknown>> | null | undefined, into: Usage): void {
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  into.inputTokens = num(u?.input_tokens) ?? into.inputTokens;
  into.outputTokens = num(u?.output_tokens) ?? into.outputTokens;
  into.cacheReadTokens = num(u?.cache_read_input_tokens) ?? into.cacheReadTokens;
  into.cacheWriteTokens = num(u?.cache_creation_input_tokens) ?? into.cacheWriteTokens;
}

function toolCallFrom(id: string, name: string, json: string): ToolCall {
  if (!json.trim()) return { id, name, arguments: {} };
  try {
    return { id, name, arguments: JSON.parse(json) as unknown };
  } catch (err) {
    // Only a truncated (max_tokens) tool_use gets here; the loop answers with a tool error.
    return { id, name, arguments: undefined, rawArguments: json, parseError: (err as Error).message };
  }
}

function finish(
  reason: string | null | undefined,
  content: TextPart[],
  toolCalls: ToolCall[],
  usage: Usage,
): StreamEvent[] {
  const message: AssistantMessage = { role: "assistant", content, toolCalls };
  return [
    { type: "usage", usage },
    {
      type: "finish",
      reason: (reason && STOP_REASONS[reason]) || (toolCalls.length ? "tool_calls" : "other"),
      message,
    },
  ];
}

function* fromMessage(msg: Anthropic.Message): Generator<StreamEvent> {
  const content: TextPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of msg.content) {
    if (block.type === "text") {
      content.push({ type: "text", text: block.text });
      if (block.text) yield { type: "text-delta", text: block.text };
    } else if (block.type === "tool_use") {
      const call: ToolCall = { id: block.id, name: block.name, arguments: block.input ?? {} };
      toolCalls.push(call);
      yield { type: "tool-call", call };
    }
  }
  const usage = emptyUsage();
  usageOf(msg.usage as unknown as Record<string, unknown>, usage);
  yield* finish(msg.stop_reason, content, toolCalls, usage);
}

type OpenBlock = { kind: "text"; part: TextPart } | { kind: "tool"; id: string; name: string; json: string };

async function* fromStream(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  idle: IdleTimeout,
): AsyncGenerator<StreamEvent> {
  const blocks = new Map<number, OpenBlock>();
  const content: TextPart[] = [];
  const toolCalls: ToolCall[] = [];
  const usage = emptyUsage();
  let stopReason: string | null | undefined;
  let stopped = false;
  for await (const ev of events) {
    idle.touch();
    switch (ev.type) {
      case "message_start":
        usageOf(ev.message.usage as unknown as Record<string, unknown>, usage);
        break;
      case "content_block_start":
        if (ev.content_block.type === "text") {
          const part: TextPart = { type: "text", text: ev.content_block.text };
          blocks.set(ev.index, { kind: "text", part });
          content.push(part);
          if (part.text) yield { type: "text-delta", text: part.text };
        } else if (ev.content_block.type === "tool_use") {
          blocks.set(ev.index, { kind: "tool", id: ev.content_block.id, name: ev.content_block.name, json: "" });
        }
        break;
      case "content_block_delta": {
        const open = blocks.get(ev.index);
        if (open?.kind === "text" && ev.delta.type === "text_delta") {
          open.part.text += ev.delta.text;
          yield { type: "text-delta", text: ev.delta.text };
        } else if (open?.kind === "tool" && ev.delta.type === "input_json_delta") {
          open.json += ev.delta.partial_json;
        }
        break;
      }
      case "content_block_stop": {
        const open = blocks.get(ev.index);
        if (open?.kind === "tool") {
          const call = toolCallFrom(open.id, open.name, open.json);
          toolCalls.push(call);
          yield { type: "tool-call", call };
        }
        blocks.delete(ev.index);
        break;
      }
      case "message_delta":
        stopReason = ev.delta.stop_reason;
        usageOf(ev.usage as unknown as Record<string, unknown>, usage);
        break;
      case "message_stop":
        stopped = true;
        break;
    }
  }
  // A stream cut short without message_stop would otherwise look like a complete (truncated) answer.
  if (!stopped) throw new ProviderError("network", "anthropic: network error: stream ended before message_stop");
  yield* finish(stopReason, content, toolCalls, usage);
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
  async function* run(request: ChatRequest, idle: IdleTimeout): AsyncGenerator<StreamEvent> {
    const params = toAnthropicParams(request, opts.promptCaching === true);
    const options = { signal: idle.signal, timeout };
    if (opts.stream === false) yield* fromMessage(await client.messages.create({ ...params, stream: false }, options));
    else yield* fromStream(await client.messages.create({ ...params, stream: true }, options), idle);
  }
  return {
    protocol: "anthropic",
    stream: (request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> =>
      idleGuarded(
        "anthropic",
        signal,
        opts.timeoutMs,
        (idle) => run(request, idle),
        (err) => toProviderError(err, { protocol: "anthropic", apiKey: opts.apiKey, signal }),
      ),
  };
}

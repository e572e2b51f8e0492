/**
 * The neutral conversation and event model. Every protocol adapter translates
 * these to and from its own wire format; nothing above `src/llm/` ever sees a
 * provider-specific shape except the opaque `providerData` bags, which exist so
 * adapters can echo data back verbatim (e.g. Gemini `thoughtSignature`).
 */

/** Opaque provider data: only the adapter that wrote it reads it. */
export type ProviderData = Record<string, unknown>;

export type TextPart = { type: "text"; text: string; providerData?: ProviderData };
/** Base64 image (no data: prefix). */
export type ImagePart = { type: "image"; mediaType: "image/png" | "image/jpeg"; data: string };
export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  /** Provider's call id (synthesised by the adapter when the protocol has none, e.g. Gemini). */
  id: string;
  name: string;
  /** Parsed arguments; `undefined` when `parseError` is set. */
  arguments: unknown;
  /** The raw argument text as received (JSON string protocols only). */
  rawArguments?: string;
  /** Set when the arguments could not be parsed: the loop answers with a tool error. */
  parseError?: string;
  providerData?: ProviderData;
}

export interface ToolResult {
  callId: string;
  name: string;
  content: ContentPart[];
  isError: boolean;
}

export type UserMessage = { role: "user"; content: ContentPart[] };
export type AssistantMessage = {
  role: "assistant";
  content: TextPart[];
  toolCalls: ToolCall[];
  providerData?: ProviderData;
};
/** All results of one assistant turn, in call order. */
export type ToolMessage = { role: "tool"; results: ToolResult[] };
export type Message = UserMessage | AssistantMessage | ToolMessage;

/** A JSON Schema object (draft 2020-12 subset, refs inlined). */
export type JsonSchema = { [key: string]: unknown };

export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

export interface ChatRequest {
  model: string;
  system: string;
  messages: Message[];
  tools: ToolSpec[];
  maxTokens: number;
  temperature?: number;
  /** "none" is used for the forced final turn when tools must not be called. */
  toolChoice?: "auto" | "none" | "required";
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export type FinishReason = "tool_calls" | "stop" | "length" | "content_filter" | "other";

export type StreamEvent =
  | { type: "text-delta"; text: string }
  | { type: "tool-call"; call: ToolCall }
  | { type: "usage"; usage: Usage }
  /** Always the last event of a successful stream; carries the assembled assistant message. */
  | { type: "finish"; reason: FinishReason; message: AssistantMessage };

/** One wire protocol. Adapters disable SDK retries: the agent retries in one place. */
export interface ProtocolAdapter {
  readonly protocol: ProtocolId;
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
}

export type ProtocolId = "anthropic" | "openai-chat" | "gemini";

export type ProviderErrorKind =
  "auth" | "rate_limit" | "overloaded" | "server" | "network" | "bad_request" | "not_found" | "aborted" | "other";

/** Every adapter failure surfaces as this, so retry policy lives in one place. */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: ProviderErrorKind,
    message: string,
    opts: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
  get retryable(): boolean {
    return ["rate_limit", "overloaded", "server", "network"].includes(this.kind);
  }
}

export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

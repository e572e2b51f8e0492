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
  /** Reasoning effort (`--effort`), mapped to each protocol's own setting; unset = the model's default. */
  effort?: Effort;
}

export type Effort = "low" | "medium" | "high";
export const EFFORTS: readonly Effort[] = ["low", "medium", "high"];

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Thinking/reasoning tokens, already included in outputTokens (reported where the API says). */
  reasoningTokens?: number;
  /** The provider's own charge for this request in USD (OpenRouter `usage.cost`); wins over prices. */
  costUsd?: number;
}

/**
 * Why a turn ended. `pause` = the provider paused a long turn and wants it sent back as is
 * (Anthropic `pause_turn`); `refusal` = the model declined (Anthropic `refusal`); `context` = the
 * context window is full (Anthropic `model_context_window_exceeded`).
 */
export type FinishReason =
  "tool_calls" | "stop" | "length" | "content_filter" | "refusal" | "pause" | "context" | "other";

export type StreamEvent =
  | { type: "text-delta"; text: string }
  | { type: "tool-call"; call: ToolCall }
  | { type: "usage"; usage: Usage }
  /** Something the user should hear about once (e.g. a deprecated model); the CLI prints it. */
  | { type: "notice"; message: string }
  /** Always the last event of a successful stream; carries the assembled assistant message. */
  | { type: "finish"; reason: FinishReason; message: AssistantMessage; detail?: string };

/** One wire protocol. Adapters disable SDK retries: the agent retries in one place. */
export interface ProtocolAdapter {
  readonly protocol: ProtocolId;
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
  /** The model ids the endpoint serves now (its list-models endpoint). */
  listModels?(signal?: AbortSignal): Promise<string[]>;
}

export const PROTOCOLS = ["anthropic", "openai-responses", "openai-chat", "gemini"] as const;
export type ProtocolId = (typeof PROTOCOLS)[number];

export type ProviderErrorKind =
  | "auth"
  | "rate_limit"
  | "overloaded"
  | "server"
  | "network"
  /** A reply that cannot be used (malformed stream or function call): the turn is asked again. */
  | "malformed"
  | "bad_request"
  | "not_found"
  | "aborted"
  | "other";

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
    return ["rate_limit", "overloaded", "server", "network", "malformed"].includes(this.kind);
  }
}

export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

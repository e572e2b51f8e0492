/**
 * The protocol-neutral script language of the wire servers: what the "model" says on each
 * request, or how the request fails. Each protocol server renders a turn in its own real
 * wire format (JSON or SSE), so the same script drives Anthropic, OpenAI and Gemini clients.
 */

/** One tool call the scripted model makes. */
export interface ScriptToolCall {
  name: string;
  /** Arguments object (serialised per protocol). Defaults to `{}`. */
  args?: unknown;
  /** OpenAI only: the exact argument string to send, e.g. malformed JSON. Overrides `args`. */
  rawArguments?: string;
  /** Call id; a protocol-style id is generated when omitted (Gemini sends none unless set). */
  id?: string;
  /** Gemini only: `thoughtSignature` attached to the functionCall part. */
  thoughtSignature?: string;
}

/** Token counts of a reply. `input` excludes cache reads, like the neutral `Usage`. */
export interface ScriptUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Reasoning/thinking tokens (part of `output`). */
  reasoning?: number;
  /** OpenRouter only: the `usage.cost` it reports (USD). */
  cost?: number;
}

export interface ReplyTurn {
  kind: "reply";
  text?: string;
  toolCalls?: ScriptToolCall[];
  usage?: ScriptUsage;
  /** Defaults to "tool_calls" when there are tool calls, else "stop". */
  finish?: "stop" | "length" | "tool_calls";
  /** Gemini only: thoughtSignature on the (last) text part. */
  textThoughtSignature?: string;
  /**
   * The reasoning the "model" does first, when the server reasons (`reasoning` option, on by
   * default): an Anthropic thinking block with a signature, a Responses reasoning item with
   * encrypted_content, OpenRouter `reasoning_details`. `false`: none this turn.
   */
  thinking?: string | false;
  /**
   * The provider's own stop value, overriding the one derived from `finish`: Anthropic
   * `pause_turn` / `refusal` / `model_context_window_exceeded`, Gemini `MALFORMED_FUNCTION_CALL`,
   * Responses `incomplete:max_output_tokens` / `failed:server_error`.
   */
  stop?: string;
  /** Anthropic refusal `stop_details`. */
  stopDetails?: { category: string | null; explanation: string | null };
  /** Chat Completions only: every call at index 0, told apart by id (as some gateways send them). */
  sameIndex?: boolean;
  /** With finish "length": the last call's arguments are cut in half, as an output limit would. */
  truncateLastCall?: boolean;
  /** Wait before answering (ms). */
  delayMs?: number;
  /** Wait between SSE events (ms), e.g. to abort mid-stream. */
  chunkDelayMs?: number;
}

/** An HTTP error with a provider-style error body. */
export interface HttpErrorTurn {
  kind: "http-error";
  status: number;
  /** Sent verbatim as `retry-after` (seconds or an HTTP date). */
  retryAfter?: string;
  /** Sent as `retry-after-ms`. */
  retryAfterMs?: number;
  /** Provider error type/status string; derived from the status when omitted. */
  errorType?: string;
  message?: string;
  /** Replaces the whole provider-style body. */
  body?: unknown;
}

/** A 200 stream that starts, then carries a provider error event (e.g. Anthropic overloaded_error). */
export interface StreamErrorTurn {
  kind: "stream-error";
  /** Text streamed before the error. */
  partialText?: string;
  errorType?: string;
  message?: string;
}

/** A 200 stream that sends some bytes, then the TCP connection is reset. */
export interface ResetTurn {
  kind: "reset";
  partialText?: string;
}

/** Headers (and partial text) are sent, then nothing: the client must abort or time out. */
export interface StallTurn {
  kind: "stall";
  partialText?: string;
}

/** A 200 stream that starts a tool call, then sends an event that is not JSON, then ends. */
export interface MalformedTurn {
  kind: "malformed";
  partialText?: string;
}

export type FaultTurn = HttpErrorTurn | StreamErrorTurn | ResetTurn | StallTurn | MalformedTurn;
export type ScriptTurn = ReplyTurn | FaultTurn;

/** What a wire server saw, in arrival order. */
export interface RecordedRequest {
  /** 0-based position among all requests this server received. */
  index: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  rawBody: string;
  /** Parsed JSON body; `undefined` when the body is not JSON. */
  body: unknown;
  /** Model name from the body (Anthropic/OpenAI) or the path (Gemini); undefined for list-models. */
  model: string | undefined;
  /** Whether the client asked for SSE. */
  stream: boolean;
  /** Whether the server answers as a reasoning model (its `reasoning` option). */
  reasoning: boolean;
}

/** A fixed list of turns, consumed one per model request, or a function of the request. */
export type Script = ScriptTurn[] | ((request: RecordedRequest, index: number) => ScriptTurn | Promise<ScriptTurn>);

// Small constructors keep test scripts short and readable.

/** A reply turn: text and/or tool calls. */
export function reply(fields: Omit<ReplyTurn, "kind"> = {}): ReplyTurn {
  return { kind: "reply", ...fields };
}

/** A plain-text final answer. */
export function textReply(text: string, fields: Omit<ReplyTurn, "kind" | "text"> = {}): ReplyTurn {
  return { kind: "reply", text, ...fields };
}

/** A reply with tool calls, given as `[name, args]` pairs or full specs. */
export function toolReply(
  calls: Array<ScriptToolCall | [string, unknown]>,
  fields: Omit<ReplyTurn, "kind" | "toolCalls"> = {},
): ReplyTurn {
  const toolCalls = calls.map((c): ScriptToolCall => (Array.isArray(c) ? { name: c[0], args: c[1] } : c));
  return { kind: "reply", toolCalls, ...fields };
}

export function httpError(status: number, fields: Omit<HttpErrorTurn, "kind" | "status"> = {}): HttpErrorTurn {
  return { kind: "http-error", status, ...fields };
}

export function streamError(fields: Omit<StreamErrorTurn, "kind"> = {}): StreamErrorTurn {
  return { kind: "stream-error", ...fields };
}

export function resetMidStream(partialText = "Working on"): ResetTurn {
  return { kind: "reset", partialText };
}

export function malformedStream(partialText = "Calling"): MalformedTurn {
  return { kind: "malformed", partialText };
}

export function stall(partialText?: string): StallTurn {
  return partialText === undefined ? { kind: "stall" } : { kind: "stall", partialText };
}

/** Usage with defaults filled in, so every reply reports plausible numbers. */
export function fullUsage(u: ScriptUsage | undefined): Required<Omit<ScriptUsage, "cost">> & { cost?: number } {
  return {
    input: u?.input ?? 12,
    output: u?.output ?? 7,
    cacheRead: u?.cacheRead ?? 0,
    cacheWrite: u?.cacheWrite ?? 0,
    reasoning: u?.reasoning ?? 0,
    ...(u?.cost !== undefined ? { cost: u.cost } : {}),
  };
}

/** The arguments text of a call as sent, cut in half when the turn was truncated there. */
export function callArgText(turn: ReplyTurn, index: number, full: string): string {
  const last = (turn.toolCalls?.length ?? 0) - 1;
  return turn.truncateLastCall && index === last ? full.slice(0, Math.max(1, Math.floor(full.length / 2))) : full;
}

/** The thinking text of a reply when the server reasons, or undefined. */
export function thinkingOf(turn: ReplyTurn, reasoning: boolean): string | undefined {
  if (!reasoning || turn.thinking === false) return undefined;
  return turn.thinking ?? "Considering the brief and the next CAD step.";
}

/**
 * A signature the server can check without state: it encodes the thinking text, so an edited,
 * dropped or moved-between-blocks signature is caught like the real APIs catch it.
 */
export function signatureFor(text: string): string {
  return `Eq${Buffer.from(`sig:${text}`).toString("base64")}`;
}

/** Finish reason of a reply turn, in script terms. */
export function replyFinish(turn: ReplyTurn): "stop" | "length" | "tool_calls" {
  return turn.finish ?? (turn.toolCalls?.length ? "tool_calls" : "stop");
}

/** Splits text into two pieces so clients must concatenate deltas. */
export function splitInTwo(text: string): string[] {
  if (text.length < 2) return text ? [text] : [];
  const mid = Math.floor(text.length / 2);
  return [text.slice(0, mid), text.slice(mid)];
}

import { ProviderError, type ProtocolId, type ProviderErrorKind } from "./types.js";

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * An SDK's own error classes, handed in by the adapter that uses that SDK. This module imports
 * no SDK, so mapping one provider's errors never loads another's (~0.3 s each at start-up).
 */
export interface SdkErrorClasses {
  /** The SDK aborted because our signal fired. */
  userAbort: ErrorClass;
  /** The SDK's own request timeout (a subclass of `connection` in both Stainless SDKs). */
  connectionTimeout: ErrorClass;
  connection: ErrorClass;
}

/** What the error mapper needs besides the error itself. */
export interface ErrorContext {
  protocol: ProtocolId;
  /** The adapter's SDK error classes (Gemini's SDK has none worth telling apart). */
  sdk?: SdkErrorClasses;
  /** Redacted from every message we produce. */
  apiKey?: string;
  /** When aborted, any failure is reported as `aborted` (SDKs surface aborts inconsistently). */
  signal?: AbortSignal;
  /** Response headers captured outside the SDK (Gemini's errors carry none). */
  headers?: Headers;
}

type Bag = Record<string, unknown>;
const bag = (v: unknown): Bag | undefined => (typeof v === "object" && v !== null ? (v as Bag) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);
const NETWORK_MESSAGE =
  /fetch failed|socket hang up|terminated|other side closed|premature close|ECONNRESET|ECONNREFUSED|network error|Incomplete JSON segment|stream ended/i;

/** Provider error `type`/`status` strings that decide the kind when there is no HTTP status (SSE error events). */
const TYPE_KINDS: Record<string, ProviderErrorKind> = {
  overloaded_error: "overloaded",
  rate_limit_error: "rate_limit",
  rate_limit_exceeded: "rate_limit",
  RESOURCE_EXHAUSTED: "rate_limit",
  api_error: "server",
  server_error: "server",
  INTERNAL: "server",
  UNAVAILABLE: "server",
  timeout_error: "network",
  DEADLINE_EXCEEDED: "network",
  authentication_error: "auth",
  permission_error: "auth",
  UNAUTHENTICATED: "auth",
  PERMISSION_DENIED: "auth",
  invalid_request_error: "bad_request",
  request_too_large: "bad_request",
  INVALID_ARGUMENT: "bad_request",
  not_found_error: "not_found",
  NOT_FOUND: "not_found",
};

/** Replaces the key (and anything shaped like a `key=` query value) so messages are safe to log. */
export function redact(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join("[redacted]");
  return out.replace(/([?&]key=)[^&\s"']+/gi, "$1[redacted]");
}

/**
 * Milliseconds to wait from `retry-after-ms`, or `retry-after` (seconds or an HTTP date).
 * Undefined when absent or unparsable.
 */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get("retry-after-ms") ?? "");
  if (headers.get("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Gemini's `RetryInfo.retryDelay` ("7s", "1.5s") from an error body, in ms. */
function retryDelayFromBody(body: Bag | undefined): number | undefined {
  const details = bag(body?.error)?.details;
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    const delay = str(bag(d)?.retryDelay);
    const m = delay && /^(\d+(?:\.\d+)?)s$/.exec(delay);
    if (m?.[1]) return Math.round(Number(m[1]) * 1000);
  }
  return undefined;
}

/** The JSON object embedded in a message (Gemini puts the whole error body in `message`). */
function embeddedJson(message: string): Bag | undefined {
  const start = message.indexOf("{");
  if (start < 0) return undefined;
  try {
    return bag(JSON.parse(message.slice(start)));
  } catch {
    return undefined;
  }
}

/** Longest upstream error text kept in a message (OpenRouter's `metadata.raw` can be a whole body). */
const RAW_LIMIT = 300;

/**
 * OpenRouter wraps the upstream provider's failure: `metadata.provider_name` and `metadata.raw`
 * say what actually went wrong ("Provider returned error" alone does not). Redacted, then cut.
 */
function upstreamDetail(inner: Bag | undefined, apiKey: string | undefined): string {
  const meta = bag(inner?.metadata);
  if (!meta) return "";
  const provider = str(meta.provider_name);
  const rawValue = meta.raw;
  let raw = typeof rawValue === "string" ? rawValue : rawValue !== undefined ? JSON.stringify(rawValue) : "";
  // The raw body is usually JSON whose own error message is the useful part.
  const parsed = raw ? embeddedJson(raw) : undefined;
  const rawMessage = str(bag(parsed?.error)?.message) ?? str(parsed?.message);
  if (rawMessage) raw = rawMessage;
  raw = redact(raw.replace(/\s+/g, " ").trim(), apiKey);
  if (raw.length > RAW_LIMIT) raw = `${raw.slice(0, RAW_LIMIT - 1)}…`;
  if (!provider && !raw) return "";
  return ` (${[provider ? `upstream ${provider}` : "", raw].filter(Boolean).join(": ")})`;
}

interface ErrorFacts {
  status: number | undefined;
  type: string | undefined;
  code: string | undefined;
  message: string;
  headers: Headers | undefined;
  body: Bag | undefined;
}

/** Pulls status, provider type and a human message out of any of the three SDKs' errors. */
function facts(err: Error, ctx: ErrorContext): ErrorFacts {
  const e = err as unknown as Bag;
  const status = typeof e.status === "number" ? e.status : undefined;
  const headers = e.headers instanceof Headers ? e.headers : ctx.headers;
  // Anthropic: error = full body {type:"error", error:{type,message}}; OpenAI: error = inner {message,type,code};
  // Gemini: the body is JSON inside message.
  const body = bag(e.error) ?? (ctx.protocol === "gemini" ? embeddedJson(err.message) : undefined);
  const inner = bag(body?.error) ?? body;
  const type = str(inner?.type) ?? str(inner?.status) ?? str(e.type);
  const rawCode = inner?.code ?? e.code;
  const code = typeof rawCode === "number" ? String(rawCode) : str(rawCode);
  const message = (str(inner?.message) ?? err.message) + upstreamDetail(inner, ctx.apiKey);
  return { status, type, code, message, headers, body };
}

function kindForStatus(status: number, f: ErrorFacts): ProviderErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 400 || status === 413 || status === 422) return "bad_request";
  // A spent quota also comes as 429, but waiting does not refill it.
  if (status === 429)
    return f.code === "insufficient_quota" || f.type === "insufficient_quota" ? "other" : "rate_limit";
  if (status === 529) return "overloaded";
  if (status === 408) return "network";
  if (status === 409) return "server";
  if (status === 503 && /overload/i.test(f.message)) return "overloaded";
  if (status >= 500) return "server";
  return "other";
}

function isUserAbort(err: unknown, sdk: SdkErrorClasses | undefined): boolean {
  return sdk !== undefined && err instanceof sdk.userAbort;
}

/** An abort we did not ask for is the SDK's own timeout firing: transient, so retryable. */
function isTimeoutAbort(err: unknown, sdk: SdkErrorClasses | undefined): boolean {
  const name = bag(err)?.name;
  return (
    name === "AbortError" || name === "TimeoutError" || (sdk !== undefined && err instanceof sdk.connectionTimeout)
  );
}

function isNetwork(err: unknown, sdk: SdkErrorClasses | undefined): boolean {
  if (sdk !== undefined && err instanceof sdk.connection) return true;
  // undici hides the socket error in `cause`; walk the chain.
  for (let e: unknown = err, depth = 0; e && depth < 5; e = bag(e)?.cause, depth++) {
    const code = bag(e)?.code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (e instanceof Error && NETWORK_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/** The original error, unless it mentions the key: then a redacted stand-in (causes get logged too). */
function safeCause(err: unknown, apiKey: string | undefined): unknown {
  if (!apiKey || apiKey.length < 4 || !(err instanceof Error)) return err;
  if (!err.message.includes(apiKey) && !String(err.stack).includes(apiKey)) return err;
  const copy = new Error(redact(err.message, apiKey));
  copy.name = err.name;
  return copy;
}

/** Maps any SDK/network failure to a `ProviderError` whose message (and cause) never contains the key. */
export function toProviderError(err: unknown, ctx: ErrorContext): ProviderError {
  const label = ctx.protocol;
  const cause = err instanceof ProviderError ? err : safeCause(err, ctx.apiKey);
  if (ctx.signal?.aborted || isUserAbort(err, ctx.sdk)) {
    if (err instanceof ProviderError && err.kind === "aborted") return err;
    return new ProviderError("aborted", `${label}: request aborted`, { cause });
  }
  if (err instanceof ProviderError) return err;
  if (isTimeoutAbort(err, ctx.sdk)) {
    return new ProviderError("network", `${label}: network error: request timed out`, { cause });
  }
  if (!(err instanceof Error)) {
    return new ProviderError("other", redact(`${label}: ${String(err)}`, ctx.apiKey));
  }
  // A stream whose events are not valid JSON: the reply is unusable, but asking again usually works.
  if (err instanceof SyntaxError) {
    return new ProviderError("malformed", redact(`${label}: malformed stream: ${err.message}`, ctx.apiKey), {
      cause,
    });
  }
  const f = facts(err, ctx);
  const hasProviderError = f.status !== undefined || f.body !== undefined;
  if (!hasProviderError && isNetwork(err, ctx.sdk)) {
    const socketError = bag(err.cause);
    const detail = str(socketError?.code) ?? str(socketError?.message);
    const text = detail && !err.message.includes(detail) ? `${err.message} (${detail})` : err.message;
    return new ProviderError("network", redact(`${label}: network error: ${text}`, ctx.apiKey), { cause });
  }
  let kind: ProviderErrorKind;
  if (f.status !== undefined) kind = kindForStatus(f.status, f);
  else {
    const numeric = f.code && /^\d{3}$/.test(f.code) ? Number(f.code) : undefined;
    // An error event inside a 200 stream: classify by its type; unknown ones are transient server trouble.
    kind =
      (f.type ? TYPE_KINDS[f.type] : undefined) ??
      (numeric ? kindForStatus(numeric, f) : hasProviderError ? "server" : "other");
  }
  const retryAfterMs = parseRetryAfter(f.headers) ?? retryDelayFromBody(f.body);
  const head = [f.status, f.type].filter((x) => x !== undefined).join(" ");
  // Redact before truncating, so a key cut in half cannot survive.
  const message = redact(`${label}: ${head ? `${head}: ` : ""}${f.message}`, ctx.apiKey).slice(0, 1000);
  const opts: { status?: number; retryAfterMs?: number; cause: unknown } = { cause };
  if (f.status !== undefined) opts.status = f.status;
  if (retryAfterMs !== undefined) opts.retryAfterMs = retryAfterMs;
  return new ProviderError(kind, message, opts);
}

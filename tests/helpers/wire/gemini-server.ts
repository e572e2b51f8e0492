import type { HttpErrorTurn, RecordedRequest, ReplyTurn } from "./script.js";
import { fullUsage, replyFinish, splitInTwo } from "./script.js";
import type { ProtocolDriver, WireServer, WireServerOptions } from "./scripted-server.js";
import { startScriptedServer } from "./scripted-server.js";

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const FINISH = { stop: "STOP", tool_calls: "STOP", length: "MAX_TOKENS" } as const;
const ROUTE = /^\/(v1beta|v1|v1alpha)\/models\/([^:/]+):(generateContent|streamGenerateContent)$/;

function wireUsage(turn: ReplyTurn) {
  const u = fullUsage(turn.usage);
  const usage: Record<string, number> = {
    promptTokenCount: u.input + u.cacheRead,
    candidatesTokenCount: u.output,
    totalTokenCount: u.input + u.cacheRead + u.output,
  };
  if (u.cacheRead) usage.cachedContentTokenCount = u.cacheRead;
  return usage;
}

function callParts(turn: ReplyTurn): unknown[] {
  return (turn.toolCalls ?? []).map((call) => {
    const functionCall: Record<string, unknown> = { name: call.name, args: call.args ?? {} };
    if (call.id) functionCall.id = call.id;
    return call.thoughtSignature ? { functionCall, thoughtSignature: call.thoughtSignature } : { functionCall };
  });
}

function response(
  req: RecordedRequest,
  parts: unknown[],
  extra: { finishReason?: string; usageMetadata?: unknown } = {},
) {
  const candidate: Record<string, unknown> = { content: { role: "model", parts }, index: 0 };
  if (extra.finishReason) candidate.finishReason = extra.finishReason;
  const out: Record<string, unknown> = {
    candidates: [candidate],
    modelVersion: req.model ?? "gemini-scripted",
    responseId: "resp-scripted",
  };
  if (extra.usageMetadata) out.usageMetadata = extra.usageMetadata;
  return out;
}

/** RetryInfo detail as Gemini sends it on 429, when `retryAfter` is a number of seconds. */
function retryDetails(turn: HttpErrorTurn | undefined): unknown[] | undefined {
  if (!turn?.retryAfter || !/^\d+(\.\d+)?$/.test(turn.retryAfter)) return undefined;
  return [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${turn.retryAfter}s` }];
}

/** Gemini API (`/v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`). */
export const geminiDriver: ProtocolDriver = {
  basePath: "",
  route(method, path, query) {
    const m = ROUTE.exec(path);
    if (method !== "POST" || !m) return undefined;
    return { model: m[2], stream: m[3] === "streamGenerateContent" && query.alt === "sse" };
  },
  presentedKey(req) {
    return req.headers["x-goog-api-key"] ?? req.query.key;
  },
  errorBody(status, message, errorType, turn) {
    const error: Record<string, unknown> = {
      code: status,
      message,
      status: errorType ?? STATUS_NAMES[status] ?? "UNKNOWN",
    };
    const details = retryDetails(turn);
    if (details) error.details = details;
    return { error };
  },
  async writeReply(w, turn, req) {
    const finishReason = FINISH[replyFinish(turn)];
    const usageMetadata = wireUsage(turn);
    if (!req.stream) {
      const parts: unknown[] = [];
      if (turn.text !== undefined || turn.textThoughtSignature) {
        const text: Record<string, unknown> = { text: turn.text ?? "" };
        if (turn.textThoughtSignature) text.thoughtSignature = turn.textThoughtSignature;
        parts.push(text);
      }
      parts.push(...callParts(turn));
      w.json(200, response(req, parts, { finishReason, usageMetadata }));
      return;
    }
    w.startSse();
    const running = { promptTokenCount: usageMetadata.promptTokenCount };
    for (const piece of splitInTwo(turn.text ?? "")) {
      await w.event(response(req, [{ text: piece }], { usageMetadata: running }));
    }
    const last: unknown[] = callParts(turn);
    // Gemini 3 often closes a text answer with an empty text part that carries the signature.
    if (turn.textThoughtSignature) last.unshift({ text: "", thoughtSignature: turn.textThoughtSignature });
    await w.event(response(req, last, { finishReason, usageMetadata }));
    w.end();
  },
  async writePartial(w, text, req) {
    w.startSse();
    await w.event(response(req, [{ text: text ?? "" }], { usageMetadata: { promptTokenCount: 5 } }));
  },
  async writeStreamError(w, turn) {
    await w.event({
      error: {
        code: 503,
        message: turn.message ?? "The model is overloaded. Please try again later.",
        status: turn.errorType ?? "UNAVAILABLE",
      },
    });
  },
  streamErrorStatus: () => 503,
};

/** Starts a fake Gemini API. Give `@google/genai` `httpOptions.baseUrl = server.baseUrl`. Key: `x-goog-api-key`. */
export function startGeminiServer(options: WireServerOptions): Promise<WireServer> {
  return startScriptedServer(geminiDriver, options);
}

import type { HttpErrorTurn, RecordedRequest, ReplyTurn } from "./script.js";
import { fullUsage, replyFinish, signatureFor, splitInTwo } from "./script.js";
import type { ProtocolDriver, Rejection, WireServer, WireServerOptions } from "./scripted-server.js";
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

function callParts(turn: ReplyTurn, req: RecordedRequest, turnIndex: number): unknown[] {
  return (turn.toolCalls ?? []).map((call, i) => {
    const functionCall: Record<string, unknown> = { name: call.name, args: call.args ?? {} };
    if (call.id) functionCall.id = call.id;
    // Gemini 3 signs the first functionCall part of every answer (parallel calls: only the first).
    const signature =
      call.thoughtSignature ?? (req.reasoning && i === 0 ? signatureFor(`gemini-${turnIndex}`) : undefined);
    return signature ? { functionCall, thoughtSignature: signature } : { functionCall };
  });
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});

/**
 * Gemini 3 checks signatures in the current turn only (everything after the last user message
 * with ordinary content): each model answer's first functionCall part must carry its signature.
 */
function validate(req: RecordedRequest, opts: { reasoning: boolean }): Rejection | undefined {
  if (!opts.reasoning) return undefined;
  const contents = Array.isArray(obj(req.body).contents) ? (obj(req.body).contents as unknown[]).map(obj) : [];
  const parts = (c: Obj) => (Array.isArray(c.parts) ? c.parts.map(obj) : []);
  let start = 0;
  for (const [i, c] of contents.entries()) {
    if (c.role === "user" && parts(c).some((p) => p.functionResponse === undefined)) start = i;
  }
  for (let i = start; i < contents.length; i++) {
    const c = contents[i] ?? {};
    if (c.role !== "model") continue;
    const first = parts(c).find((p) => p.functionCall !== undefined);
    if (first && typeof first.thoughtSignature !== "string") {
      const name = String(obj(first.functionCall).name);
      return {
        status: 400,
        message: `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      };
    }
  }
  return undefined;
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
  async writeReply(w, turn, req, turnIndex) {
    const finishReason = turn.stop ?? FINISH[replyFinish(turn)];
    const usageMetadata = wireUsage(turn);
    if (!req.stream) {
      const parts: unknown[] = [];
      if (turn.text !== undefined || turn.textThoughtSignature) {
        const text: Record<string, unknown> = { text: turn.text ?? "" };
        if (turn.textThoughtSignature) text.thoughtSignature = turn.textThoughtSignature;
        parts.push(text);
      }
      if (turn.stop !== "MALFORMED_FUNCTION_CALL") parts.push(...callParts(turn, req, turnIndex));
      w.json(200, response(req, parts, { finishReason, usageMetadata }));
      return;
    }
    w.startSse();
    const running = { promptTokenCount: usageMetadata.promptTokenCount };
    for (const piece of splitInTwo(turn.text ?? "")) {
      await w.event(response(req, [{ text: piece }], { usageMetadata: running }));
    }
    // A malformed call comes back as no content at all, only the finish reason.
    const last: unknown[] = turn.stop === "MALFORMED_FUNCTION_CALL" ? [] : callParts(turn, req, turnIndex);
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
  isListModels: (method, path) => method === "GET" && /^\/(v1beta|v1)\/models$/.test(path),
  listModelsBody: (ids) => ({
    models: ids
      .filter((id) => id.startsWith("gemini-"))
      .map((id) => ({
        name: `models/${id}`,
        displayName: id,
        inputTokenLimit: 1_048_576,
        outputTokenLimit: 65_536,
        supportedGenerationMethods: ["generateContent", "countTokens"],
        thinking: true,
      })),
  }),
  modelNotFound: (model) => ({
    status: 404,
    message: `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
  }),
  modelDenied: (model) => ({
    status: 403,
    message: `Permission denied: Consumer does not have access to model ${model}.`,
  }),
  validate,
};

/** Starts a fake Gemini API. Give `@google/genai` `httpOptions.baseUrl = server.baseUrl`. Key: `x-goog-api-key`. */
export function startGeminiServer(options: WireServerOptions): Promise<WireServer> {
  return startScriptedServer(geminiDriver, options);
}

import type { RecordedRequest, ReplyTurn, ScriptToolCall } from "./script.js";
import { fullUsage, replyFinish, splitInTwo } from "./script.js";
import type { ProtocolDriver, WireResponse, WireServer, WireServerOptions } from "./scripted-server.js";
import { startScriptedServer } from "./scripted-server.js";

export interface OpenAiServerOptions extends WireServerOptions {
  /** "openrouter": base path `/api/v1`, `: OPENROUTER PROCESSING` SSE comments, OpenRouter error bodies. */
  variant?: "openai" | "openrouter";
}

const ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: null },
  503: { type: "server_error", code: null },
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

const callId = (turnIndex: number, i: number) => `call_${turnIndex}_${i}_scripted`;
const argText = (call: ScriptToolCall) => call.rawArguments ?? JSON.stringify(call.args ?? {});

function wireUsage(turn: ReplyTurn) {
  const u = fullUsage(turn.usage);
  return {
    prompt_tokens: u.input + u.cacheRead,
    completion_tokens: u.output,
    total_tokens: u.input + u.cacheRead + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead },
  };
}

function driverFor(variant: "openai" | "openrouter"): ProtocolDriver {
  const openrouter = variant === "openrouter";
  const basePath = openrouter ? "/api/v1" : "/v1";
  const comment = async (w: WireResponse) => {
    if (openrouter) await w.comment("OPENROUTER PROCESSING");
  };
  const chunk = (req: RecordedRequest, turnIndex: number, choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: `chatcmpl-scripted-${turnIndex}`,
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: req.model ?? "gpt-scripted",
    choices,
    ...extra,
  });

  async function writeStream(w: WireResponse, turn: ReplyTurn, req: RecordedRequest, turnIndex: number) {
    const send = (choices: unknown[], extra?: Record<string, unknown>) =>
      w.event(chunk(req, turnIndex, choices, extra));
    w.startSse();
    await comment(w);
    await send([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
    for (const piece of splitInTwo(turn.text ?? "")) {
      await send([{ index: 0, delta: { content: piece }, finish_reason: null }]);
      await comment(w);
    }
    const calls = turn.toolCalls ?? [];
    // Headers of every call first, then argument fragments interleaved across calls:
    // legal per the index-keyed protocol, and it proves the client assembles by index.
    for (const [i, call] of calls.entries()) {
      const head = {
        index: i,
        id: call.id ?? callId(turnIndex, i),
        type: "function",
        function: { name: call.name, arguments: "" },
      };
      await send([{ index: 0, delta: { tool_calls: [head] }, finish_reason: null }]);
    }
    const fragments = calls.map((c) => splitInTwo(argText(c)));
    for (let f = 0; f < 2; f++) {
      for (const [i, pieces] of fragments.entries()) {
        const piece = pieces[f];
        if (piece === undefined) continue;
        await send([
          { index: 0, delta: { tool_calls: [{ index: i, function: { arguments: piece } }] }, finish_reason: null },
        ]);
      }
    }
    await send([{ index: 0, delta: {}, finish_reason: replyFinish(turn) }]);
    if (record(record(req.body).stream_options).include_usage === true) await send([], { usage: wireUsage(turn) });
    await comment(w);
    await w.event("[DONE]");
    w.end();
  }

  return {
    basePath,
    route(method, path, _query, body) {
      if (method !== "POST" || path !== `${basePath}/chat/completions`) return undefined;
      const b = record(body);
      return { model: typeof b.model === "string" ? b.model : undefined, stream: b.stream === true };
    },
    presentedKey(req) {
      return /^Bearer\s+(.*)$/i.exec(req.headers.authorization ?? "")?.[1];
    },
    errorBody(status, message, errorType) {
      if (openrouter) return { error: { code: status, message, metadata: {} } };
      const known = ERRORS[status] ?? { type: status >= 500 ? "server_error" : "invalid_request_error", code: null };
      return { error: { message, type: errorType ?? known.type, param: null, code: known.code } };
    },
    async writeReply(w, turn, req, turnIndex) {
      if (req.stream) return writeStream(w, turn, req, turnIndex);
      const toolCalls = (turn.toolCalls ?? []).map((call, i) => ({
        id: call.id ?? callId(turnIndex, i),
        type: "function",
        function: { name: call.name, arguments: argText(call) },
      }));
      const message: Record<string, unknown> = { role: "assistant", content: turn.text ?? null, refusal: null };
      if (toolCalls.length) message.tool_calls = toolCalls;
      w.json(200, {
        id: `chatcmpl-scripted-${turnIndex}`,
        object: "chat.completion",
        created: 1_700_000_000,
        model: req.model ?? "gpt-scripted",
        choices: [{ index: 0, message, finish_reason: replyFinish(turn), logprobs: null }],
        usage: wireUsage(turn),
      });
    },
    async writePartial(w, text, req) {
      w.startSse();
      await comment(w);
      await w.event(
        chunk(req, 0, [{ index: 0, delta: { role: "assistant", content: text ?? "" }, finish_reason: null }]),
      );
    },
    async writeStreamError(w, turn) {
      const message = turn.message ?? "The server had an error while processing your request.";
      if (openrouter) {
        await w.event({
          id: "gen-scripted",
          object: "chat.completion.chunk",
          error: { code: 502, message },
          choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }],
        });
      } else {
        await w.event({ error: { message, type: turn.errorType ?? "server_error", param: null, code: null } });
      }
    },
    streamErrorStatus: () => 503,
  };
}

export const openAiDriver = driverFor("openai");
export const openRouterDriver = driverFor("openrouter");

/**
 * Starts a fake OpenAI Chat Completions server. Give the SDK `server.baseUrl`
 * (`…/v1`, or `…/api/v1` for the OpenRouter variant).
 */
export function startOpenAiServer(options: OpenAiServerOptions): Promise<WireServer> {
  return startScriptedServer(options.variant === "openrouter" ? openRouterDriver : openAiDriver, options);
}

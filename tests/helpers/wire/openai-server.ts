import type { RecordedRequest, ReplyTurn, ScriptToolCall } from "./script.js";
import { callArgText, fullUsage, replyFinish, signatureFor, splitInTwo, thinkingOf } from "./script.js";
import type { ProtocolDriver, Rejection, WireResponse, WireServer, WireServerOptions } from "./scripted-server.js";
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
const argText = (turn: ReplyTurn, call: ScriptToolCall, i: number) =>
  callArgText(turn, i, call.rawArguments ?? JSON.stringify(call.args ?? {}));

function wireUsage(turn: ReplyTurn, openrouter: boolean) {
  const u = fullUsage(turn.usage);
  const prompt = u.input + u.cacheRead + u.cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.output,
    total_tokens: prompt + u.output,
    prompt_tokens_details: openrouter
      ? { cached_tokens: u.cacheRead, cache_write_tokens: u.cacheWrite, audio_tokens: 0 }
      : { cached_tokens: u.cacheRead },
    completion_tokens_details: { reasoning_tokens: u.reasoning },
    ...(openrouter && u.cost !== undefined ? { cost: u.cost, cost_details: { upstream_inference_cost: null } } : {}),
  };
}

/** OpenRouter relays Claude's thinking as `reasoning_details` (anthropic/* models reason, others here do not). */
function reasoningDetails(turn: ReplyTurn, req: RecordedRequest): Array<Record<string, unknown>> | undefined {
  if (!(req.model ?? "").startsWith("anthropic/")) return undefined;
  const text = thinkingOf(turn, req.reasoning);
  if (text === undefined) return undefined;
  return [
    { type: "reasoning.text", text, signature: signatureFor(text), id: null, format: "anthropic-claude-v1", index: 0 },
  ];
}

/** GPT-5.4 and later: no function tools with reasoning on Chat Completions (texts of the API's 400s). */
function chatReasoningToolsRejection(model: string, body: Record<string, unknown>): Rejection | undefined {
  if (!Array.isArray(body.tools) || !body.tools.length) return undefined;
  const m = /^gpt-(\d+)\.?(\d+)?/.exec(model);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  const effort = body.reasoning_effort;
  if (major >= 6 || (major === 5 && minor >= 6)) {
    // The default effort is medium, so this fires even when no effort is sent.
    if (effort === "none") return undefined;
    return {
      status: 400,
      message: `Function tools with reasoning_effort are not supported for ${model} in /v1/chat/completions. To use function tools, use /v1/responses or set reasoning_effort to 'none'.`,
    };
  }
  if (major === 5 && minor >= 4 && effort !== undefined && effort !== "none") {
    return {
      status: 400,
      message: `Function tools with reasoning_effort are not supported for ${model} in /v1/chat/completions. Please use /v1/responses instead.`,
    };
  }
  return undefined;
}

/** OpenRouter → Anthropic: the last assistant turn with tool calls must bring its reasoning back. */
function openRouterReasoningRejection(req: RecordedRequest): Rejection | undefined {
  const body = record(req.body);
  if (!req.reasoning || !(req.model ?? "").startsWith("anthropic/")) return undefined;
  const messages = Array.isArray(body.messages) ? body.messages.map(record) : [];
  const index = messages
    .map((m) => m.role === "assistant" && Array.isArray(m.tool_calls) && m.tool_calls.length > 0)
    .lastIndexOf(true);
  if (index < 0) return undefined;
  const details = messages[index]?.reasoning_details;
  if (
    Array.isArray(details) &&
    details.some(
      (d) =>
        typeof record(d).signature === "string" &&
        record(d).signature === signatureFor(typeof record(d).text === "string" ? String(record(d).text) : ""),
    )
  )
    return undefined;
  const upstream = JSON.stringify({
    type: "error",
    error: {
      type: "invalid_request_error",
      message: `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`tool_use\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns.`,
    },
  });
  return {
    status: 400,
    message: "Provider returned error",
    body: {
      error: { code: 400, message: "Provider returned error", metadata: { provider_name: "Anthropic", raw: upstream } },
    },
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
    // Reasoning fragments by index: text in two pieces, the signature with the last one.
    for (const d of reasoningDetails(turn, req) ?? []) {
      const [a = "", b = ""] = splitInTwo(String(d.text));
      await send([
        {
          index: 0,
          delta: { content: null, reasoning: a, reasoning_details: [{ ...d, text: a, signature: null }] },
          finish_reason: null,
        },
      ]);
      await send([
        {
          index: 0,
          delta: {
            content: null,
            reasoning: b,
            reasoning_details: [{ type: d.type, index: d.index, text: b, signature: d.signature, format: d.format }],
          },
          finish_reason: null,
        },
      ]);
    }
    for (const piece of splitInTwo(turn.text ?? "")) {
      await send([{ index: 0, delta: { content: piece }, finish_reason: null }]);
      await comment(w);
    }
    const calls = turn.toolCalls ?? [];
    const head = (call: ScriptToolCall, i: number) => ({
      index: turn.sameIndex ? 0 : i,
      id: call.id ?? callId(turnIndex, i),
      type: "function",
      function: { name: call.name, arguments: "" },
    });
    const argDelta = (i: number, piece: string) =>
      send([
        {
          index: 0,
          delta: { tool_calls: [{ index: turn.sameIndex ? 0 : i, function: { arguments: piece } }] },
          finish_reason: null,
        },
      ]);
    const fragments = calls.map((c, i) => splitInTwo(argText(turn, c, i)));
    if (turn.sameIndex) {
      // Gateway style: one call after the other, all at index 0; only the new id tells them apart.
      for (const [i, call] of calls.entries()) {
        await send([{ index: 0, delta: { tool_calls: [head(call, i)] }, finish_reason: null }]);
        for (const piece of fragments[i] ?? []) await argDelta(i, piece);
      }
    } else {
      // Headers of every call first, then argument fragments interleaved across calls:
      // legal per the index-keyed protocol, and it proves the client assembles by index.
      for (const [i, call] of calls.entries())
        await send([{ index: 0, delta: { tool_calls: [head(call, i)] }, finish_reason: null }]);
      for (let f = 0; f < 2; f++) {
        for (const [i, pieces] of fragments.entries()) {
          const piece = pieces[f];
          if (piece !== undefined) await argDelta(i, piece);
        }
      }
    }
    await send([{ index: 0, delta: {}, finish_reason: replyFinish(turn) }]);
    // OpenRouter always sends usage last; OpenAI only when asked.
    if (openrouter || record(record(req.body).stream_options).include_usage === true)
      await send([], { usage: wireUsage(turn, openrouter) });
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
        function: { name: call.name, arguments: argText(turn, call, i) },
      }));
      const message: Record<string, unknown> = { role: "assistant", content: turn.text ?? null, refusal: null };
      if (toolCalls.length) message.tool_calls = toolCalls;
      const details = reasoningDetails(turn, req);
      if (details) message.reasoning_details = details;
      w.json(200, {
        id: `chatcmpl-scripted-${turnIndex}`,
        object: "chat.completion",
        created: 1_700_000_000,
        model: req.model ?? "gpt-scripted",
        choices: [{ index: 0, message, finish_reason: replyFinish(turn), logprobs: null }],
        usage: wireUsage(turn, openrouter),
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
    isListModels: (method, path) => method === "GET" && path === `${basePath}/models`,
    listModelsBody: (ids) => ({
      ...(openrouter ? {} : { object: "list" }),
      data: ids
        .filter((id) => (openrouter ? id.includes("/") : !id.includes("/")))
        .map((id) =>
          openrouter
            ? { id, canonical_slug: id, name: id, created: 1_764_633_600, context_length: 1_000_000 }
            : { id, object: "model", created: 1_764_633_600, owned_by: "system" },
        ),
    }),
    modelNotFound: (model) =>
      openrouter
        ? { status: 404, message: `No endpoints found for ${model}.` }
        : { status: 404, message: `The model \`${model}\` does not exist or you do not have access to it.` },
    modelDenied: (model) => ({
      status: 403,
      message: openrouter
        ? `Your key is not allowed to use ${model}`
        : `Project \`proj_scripted\` does not have access to model \`${model}\``,
    }),
    validate(req) {
      const body = record(req.body);
      if (openrouter) return openRouterReasoningRejection(req);
      return chatReasoningToolsRejection(req.model ?? "", body);
    },
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

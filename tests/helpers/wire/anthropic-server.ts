import type { RecordedRequest, ReplyTurn, StreamErrorTurn } from "./script.js";
import { fullUsage, replyFinish, splitInTwo } from "./script.js";
import type { ProtocolDriver, WireResponse, WireServer, WireServerOptions } from "./scripted-server.js";
import { startScriptedServer } from "./scripted-server.js";

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const STOP_REASONS = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use" } as const;

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function toolId(turnIndex: number, i: number): string {
  return `toolu_${String(turnIndex).padStart(2, "0")}${String(i).padStart(2, "0")}scripted`;
}

function messageShell(req: RecordedRequest, turnIndex: number) {
  return {
    id: `msg_scripted_${turnIndex}`,
    type: "message",
    role: "assistant",
    model: req.model ?? "claude-scripted",
    stop_sequence: null,
  };
}

function wireUsage(turn: ReplyTurn) {
  const u = fullUsage(turn.usage);
  return {
    input_tokens: u.input,
    output_tokens: u.output,
    cache_read_input_tokens: u.cacheRead,
    cache_creation_input_tokens: u.cacheWrite,
  };
}

async function writeStream(w: WireResponse, turn: ReplyTurn, req: RecordedRequest, turnIndex: number): Promise<void> {
  const usage = wireUsage(turn);
  w.startSse();
  await w.event(
    {
      type: "message_start",
      message: {
        ...messageShell(req, turnIndex),
        content: [],
        stop_reason: null,
        usage: { ...usage, output_tokens: 1 },
      },
    },
    "message_start",
  );
  await w.event({ type: "ping" }, "ping");
  let index = 0;
  if (turn.text) {
    await w.event(
      { type: "content_block_start", index, content_block: { type: "text", text: "" } },
      "content_block_start",
    );
    for (const piece of splitInTwo(turn.text)) {
      await w.event(
        { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } },
        "content_block_delta",
      );
    }
    await w.event({ type: "content_block_stop", index }, "content_block_stop");
    index++;
  }
  for (const [i, call] of (turn.toolCalls ?? []).entries()) {
    const block = { type: "tool_use", id: call.id ?? toolId(turnIndex, i), name: call.name, input: {} };
    await w.event({ type: "content_block_start", index, content_block: block }, "content_block_start");
    for (const piece of splitInTwo(JSON.stringify(call.args ?? {}))) {
      await w.event(
        { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: piece } },
        "content_block_delta",
      );
    }
    await w.event({ type: "content_block_stop", index }, "content_block_stop");
    index++;
  }
  await w.event(
    {
      type: "message_delta",
      delta: { stop_reason: STOP_REASONS[replyFinish(turn)], stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    },
    "message_delta",
  );
  await w.event({ type: "message_stop" }, "message_stop");
  w.end();
}

/** Anthropic Messages API (`POST /v1/messages`), JSON and SSE. */
export const anthropicDriver: ProtocolDriver = {
  basePath: "",
  route(method, path, _query, body) {
    if (method !== "POST" || path !== "/v1/messages") return undefined;
    const b = record(body);
    return { model: typeof b.model === "string" ? b.model : undefined, stream: b.stream === true };
  },
  presentedKey(req) {
    const bearer = /^Bearer\s+(.*)$/i.exec(req.headers.authorization ?? "");
    return bearer?.[1] ?? req.headers["x-api-key"];
  },
  errorBody(status, message, errorType) {
    return {
      type: "error",
      error: {
        type: errorType ?? ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"),
        message,
      },
      request_id: "req_scripted",
    };
  },
  async writeReply(w, turn, req, turnIndex) {
    if (req.stream) return writeStream(w, turn, req, turnIndex);
    const content: unknown[] = [];
    if (turn.text) content.push({ type: "text", text: turn.text });
    for (const [i, call] of (turn.toolCalls ?? []).entries()) {
      content.push({ type: "tool_use", id: call.id ?? toolId(turnIndex, i), name: call.name, input: call.args ?? {} });
    }
    w.json(200, {
      ...messageShell(req, turnIndex),
      content,
      stop_reason: STOP_REASONS[replyFinish(turn)],
      usage: wireUsage(turn),
    });
  },
  async writePartial(w, text, req) {
    w.startSse();
    await w.event(
      {
        type: "message_start",
        message: {
          ...messageShell(req, 0),
          content: [],
          stop_reason: null,
          usage: { input_tokens: 5, output_tokens: 1 },
        },
      },
      "message_start",
    );
    if (text) {
      await w.event(
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        "content_block_start",
      );
      await w.event(
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
        "content_block_delta",
      );
    }
  },
  async writeStreamError(w, turn: StreamErrorTurn) {
    await w.event(
      { type: "error", error: { type: turn.errorType ?? "overloaded_error", message: turn.message ?? "Overloaded" } },
      "error",
    );
  },
  streamErrorStatus(turn) {
    return turn.errorType === undefined || turn.errorType === "overloaded_error" ? 529 : 500;
  },
};

/**
 * Starts a fake Anthropic API. Give the SDK `server.baseUrl` (it appends `/v1/messages`).
 * Accepts `authorization: Bearer` (SDK 1.x) and `x-api-key` (older SDKs).
 */
export function startAnthropicServer(options: WireServerOptions): Promise<WireServer> {
  return startScriptedServer(anthropicDriver, options);
}

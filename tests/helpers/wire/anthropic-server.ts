import type { RecordedRequest, ReplyTurn, StreamErrorTurn } from "./script.js";
import { callArgText, fullUsage, replyFinish, signatureFor, splitInTwo, thinkingOf } from "./script.js";
import type { ProtocolDriver, Rejection, WireResponse, WireServer, WireServerOptions } from "./scripted-server.js";
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
    output_tokens_details: u.reasoning ? { thinking_tokens: u.reasoning } : null,
  };
}

function stopReason(turn: ReplyTurn): string {
  return turn.stop ?? STOP_REASONS[replyFinish(turn)];
}

/** The 400 texts of the Messages API for what cadagent must never send. */
function validate(req: RecordedRequest, opts: { reasoning: boolean }): Rejection | undefined {
  const body = record(req.body);
  for (const key of ["temperature", "top_p", "top_k"]) {
    if (key in body) return { status: 400, message: `${key}: Extra inputs are not permitted` };
  }
  const messages = Array.isArray(body.messages) ? body.messages.map(record) : [];
  const toolUses = new Set<string>();
  for (const [i, m] of messages.entries()) {
    const content = Array.isArray(m.content) ? m.content.map(record) : [];
    for (const [j, block] of content.entries()) {
      if ((block.type === "thinking" || block.type === "redacted_thinking") && block.cache_control !== undefined)
        return {
          status: 400,
          message: `messages.${i}.content.${j}.${String(block.type)}.cache_control: Extra inputs are not permitted`,
        };
      if (
        block.type === "thinking" &&
        block.signature !== signatureFor(typeof block.thinking === "string" ? block.thinking : "")
      )
        return { status: 400, message: `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block` };
      if (block.type === "tool_use") toolUses.add(String(block.id));
      if (block.type === "tool_result") toolUses.delete(String(block.tool_use_id));
    }
    // Every tool_use must be answered in the very next user message.
    if (m.role === "user" && toolUses.size && i > 0 && record(messages[i - 1]).role === "assistant") {
      return {
        status: 400,
        message: `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${[...toolUses].join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      };
    }
  }
  if (!opts.reasoning) return undefined;
  // With thinking on, the last assistant turn that called tools must start with its thinking block.
  const lastCalling = messages
    .map((m, i) => ({ m, i }))
    .filter(
      ({ m }) =>
        m.role === "assistant" && Array.isArray(m.content) && m.content.map(record).some((b) => b.type === "tool_use"),
    )
    .at(-1);
  if (lastCalling) {
    const first = record((lastCalling.m.content as unknown[])[0]);
    if (first.type !== "thinking" && first.type !== "redacted_thinking") {
      return {
        status: 400,
        message: `messages.${lastCalling.i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`,
      };
    }
  }
  return undefined;
}

/** The content blocks of a reply, complete (JSON answers and the order of streamed blocks). */
function replyBlocks(turn: ReplyTurn, turnIndex: number, reasoning: boolean): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  const thinking = thinkingOf(turn, reasoning);
  if (thinking !== undefined) blocks.push({ type: "thinking", thinking, signature: signatureFor(thinking) });
  if (turn.text) blocks.push({ type: "text", text: turn.text, citations: null });
  for (const [i, call] of (turn.toolCalls ?? []).entries()) {
    blocks.push({
      type: "tool_use",
      id: call.id ?? toolId(turnIndex, i),
      name: call.name,
      input: call.args ?? {},
      caller: { type: "direct" },
      json: callArgText(turn, i, JSON.stringify(call.args ?? {})),
    });
  }
  return blocks;
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
  for (const [index, block] of replyBlocks(turn, turnIndex, req.reasoning).entries()) {
    const start = (content_block: unknown) =>
      w.event({ type: "content_block_start", index, content_block }, "content_block_start");
    const delta = (d: unknown) => w.event({ type: "content_block_delta", index, delta: d }, "content_block_delta");
    if (block.type === "thinking") {
      await start({ type: "thinking", thinking: "", signature: "" });
      for (const piece of splitInTwo(String(block.thinking))) await delta({ type: "thinking_delta", thinking: piece });
      await delta({ type: "signature_delta", signature: block.signature });
    } else if (block.type === "text") {
      await start({ type: "text", text: "", citations: null });
      for (const piece of splitInTwo(String(block.text))) await delta({ type: "text_delta", text: piece });
    } else {
      const head: Record<string, unknown> = { ...block, input: {} };
      delete head.json;
      await start(head);
      for (const piece of splitInTwo(String(block.json)))
        await delta({ type: "input_json_delta", partial_json: piece });
    }
    await w.event({ type: "content_block_stop", index }, "content_block_stop");
  }
  await w.event(
    {
      type: "message_delta",
      delta: {
        stop_reason: stopReason(turn),
        stop_sequence: null,
        stop_details: turn.stopDetails ? { type: "refusal", ...turn.stopDetails } : null,
        container: null,
      },
      usage: {
        output_tokens: usage.output_tokens,
        input_tokens: null,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
        output_tokens_details: usage.output_tokens_details,
        server_tool_use: null,
      },
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
    const content = replyBlocks(turn, turnIndex, req.reasoning).map((block) => {
      const copy = { ...block };
      delete copy.json;
      return copy;
    });
    w.json(200, {
      ...messageShell(req, turnIndex),
      content,
      stop_reason: stopReason(turn),
      stop_details: turn.stopDetails ? { type: "refusal", ...turn.stopDetails } : null,
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
  isListModels: (method, path) => method === "GET" && path === "/v1/models",
  listModelsBody: (ids) => ({
    data: ids
      .filter((id) => id.startsWith("claude-"))
      .map((id) => ({
        type: "model",
        id,
        display_name: id,
        created_at: "2026-09-28T00:00:00Z",
        lifecycle: "active",
        deprecated_at: null,
        retires_at: null,
      })),
    has_more: false,
    first_id: null,
    last_id: null,
  }),
  modelNotFound: (model) => ({ status: 404, message: `model: ${model}` }),
  modelDenied: (model) => ({
    status: 403,
    errorType: "permission_error",
    message: `Your API key does not have permission to use the specified resource: model ${model} is not available for your organization`,
  }),
  validate,
};

/**
 * Starts a fake Anthropic API. Give the SDK `server.baseUrl` (it appends `/v1/messages`).
 * Accepts `authorization: Bearer` (SDK 1.x) and `x-api-key` (older SDKs).
 */
export function startAnthropicServer(options: WireServerOptions): Promise<WireServer> {
  return startScriptedServer(anthropicDriver, options);
}

import type { RecordedRequest, ReplyTurn } from "./script.js";
import { callArgText, fullUsage, replyFinish, signatureFor, splitInTwo, thinkingOf } from "./script.js";
import type { ProtocolDriver, Rejection, WireResponse, WireServer, WireServerOptions } from "./scripted-server.js";
import { startScriptedServer } from "./scripted-server.js";

/**
 * OpenAI Responses API (`POST /v1/responses`), JSON and SSE, as api.openai.com speaks it for
 * reasoning models with `store: false`: each answer starts with a reasoning item carrying
 * `encrypted_content`, and a later request must replay that item before its function_call and
 * answer every function_call with a function_call_output, or it gets the API's 400.
 */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});

const ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "model_not_allowed" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: null },
  503: { type: "server_error", code: null },
};

const suffix = (turnIndex: number, i: number) => `${String(turnIndex).padStart(2, "0")}x${i}`;
/** The reasoning item a function_call depends on: the one of the same response (`fc_07x2` → `rs_07`). */
const reasoningIdFor = (fcId: string) => `rs_${fcId.slice(3).split("x")[0] ?? ""}`;

/** The output items of a reply, complete, in order: reasoning, message, function calls. */
function outputItems(turn: ReplyTurn, req: RecordedRequest, turnIndex: number): Obj[] {
  const items: Obj[] = [];
  const thinking = thinkingOf(turn, req.reasoning);
  if (thinking !== undefined) {
    items.push({
      type: "reasoning",
      id: reasoningIdFor(`fc_${suffix(turnIndex, 0)}`),
      summary: [],
      encrypted_content: `gAAAA${signatureFor(thinking)}`,
    });
  }
  if (turn.text) {
    items.push({
      type: "message",
      id: `msg_${suffix(turnIndex, 0)}`,
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: turn.text, annotations: [], logprobs: [] }],
      phase: turn.toolCalls?.length ? "commentary" : "final_answer",
    });
  }
  for (const [i, call] of (turn.toolCalls ?? []).entries()) {
    items.push({
      type: "function_call",
      id: `fc_${suffix(turnIndex, i)}`,
      call_id: call.id ?? `call_${suffix(turnIndex, i)}`,
      name: call.name,
      arguments: callArgText(turn, i, call.rawArguments ?? JSON.stringify(call.args ?? {})),
      status: "completed",
    });
  }
  return items;
}

function usageOf(turn: ReplyTurn) {
  const u = fullUsage(turn.usage);
  return {
    input_tokens: u.input + u.cacheRead + u.cacheWrite,
    input_tokens_details: { cached_tokens: u.cacheRead },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.cacheRead + u.cacheWrite + u.output,
  };
}

/** status / incomplete_details / error of the final response, from the script's finish or raw stop. */
function ending(turn: ReplyTurn): Obj {
  const stop = turn.stop ?? (replyFinish(turn) === "length" ? "incomplete:max_output_tokens" : "completed");
  if (stop.startsWith("incomplete:"))
    return { status: "incomplete", incomplete_details: { reason: stop.slice(11) }, error: null };
  if (stop.startsWith("failed:"))
    return {
      status: "failed",
      incomplete_details: null,
      error: { code: stop.slice(7), message: "The model failed to generate a response." },
    };
  return { status: "completed", incomplete_details: null, error: null };
}

function responseShell(req: RecordedRequest, turnIndex: number, fields: Obj): Obj {
  const body = obj(req.body);
  return {
    id: `resp_${suffix(turnIndex, 0)}`,
    object: "response",
    created_at: 1_764_633_600,
    model: req.model ?? "gpt-scripted",
    output: [],
    parallel_tool_calls: true,
    store: body.store ?? true,
    tools: body.tools ?? [],
    usage: null,
    ...fields,
  };
}

async function writeStream(w: WireResponse, turn: ReplyTurn, req: RecordedRequest, turnIndex: number): Promise<void> {
  let seq = 0;
  const send = (type: string, fields: Obj) => w.event({ type, sequence_number: seq++, ...fields }, type);
  const items = outputItems(turn, req, turnIndex);
  const end = ending(turn);
  w.startSse();
  const pending = responseShell(req, turnIndex, { status: "in_progress", incomplete_details: null, error: null });
  await send("response.created", { response: pending });
  await send("response.in_progress", { response: pending });
  for (const [output_index, item] of items.entries()) {
    const item_id = item.id;
    if (item.type === "reasoning") {
      // The encrypted reasoning only arrives complete, in output_item.done.
      await send("response.output_item.added", { output_index, item: { ...item, encrypted_content: null } });
    } else if (item.type === "message") {
      const text = String(obj((item.content as unknown[])[0]).text);
      await send("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } });
      const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
      await send("response.content_part.added", { item_id, output_index, content_index: 0, part });
      for (const delta of splitInTwo(text))
        await send("response.output_text.delta", { item_id, output_index, content_index: 0, delta, logprobs: [] });
      await send("response.output_text.done", { item_id, output_index, content_index: 0, text, logprobs: [] });
      await send("response.content_part.done", { item_id, output_index, content_index: 0, part: { ...part, text } });
    } else {
      const args = String(item.arguments);
      await send("response.output_item.added", {
        output_index,
        item: { ...item, arguments: "", status: "in_progress" },
      });
      for (const delta of splitInTwo(args))
        await send("response.function_call_arguments.delta", { item_id, output_index, delta });
      await send("response.function_call_arguments.done", { item_id, output_index, name: item.name, arguments: args });
    }
    await send("response.output_item.done", { output_index, item });
  }
  const final = responseShell(req, turnIndex, { ...end, output: items, usage: usageOf(turn) });
  const terminal =
    end.status === "incomplete"
      ? "response.incomplete"
      : end.status === "failed"
        ? "response.failed"
        : "response.completed";
  await send(terminal, { response: final });
  w.end();
}

/** What api.openai.com rejects in a Responses request from a tool loop (texts from its 400s). */
function validate(req: RecordedRequest, opts: { reasoning: boolean }): Rejection | undefined {
  const body = obj(req.body);
  const input = Array.isArray(body.input) ? body.input.map(obj) : [];
  const reasoningIds = new Set<string>();
  const calls = new Map<string, string>();
  const outputs = new Set<string>();
  for (const item of input) {
    if (item.type === "reasoning") {
      const id = String(item.id);
      // With store:false nothing is kept server-side: a reasoning item without its encrypted content cannot be found.
      if (body.store === false && typeof item.encrypted_content !== "string")
        return {
          status: 404,
          message: `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
        };
      reasoningIds.add(id);
    } else if (item.type === "function_call") {
      const id = typeof item.id === "string" ? item.id : "";
      const needed = id.startsWith("fc_") ? reasoningIdFor(id) : undefined;
      if (opts.reasoning && needed && !reasoningIds.has(needed))
        return {
          status: 400,
          message: `Item '${id}' of type 'function_call' was provided without its required 'reasoning' item: '${needed}'.`,
        };
      calls.set(String(item.call_id), id);
    } else if (item.type === "function_call_output") {
      const callId = String(item.call_id);
      if (!calls.has(callId))
        return { status: 400, message: `No tool call found for function call output with call_id ${callId}.` };
      outputs.add(callId);
    }
  }
  for (const callId of calls.keys()) {
    if (!outputs.has(callId)) return { status: 400, message: `No tool output found for function call ${callId}.` };
  }
  return undefined;
}

export const openAiResponsesDriver: ProtocolDriver = {
  basePath: "/v1",
  route(method, path, _query, body) {
    if (method !== "POST" || path !== "/v1/responses") return undefined;
    const b = obj(body);
    return { model: typeof b.model === "string" ? b.model : undefined, stream: b.stream === true };
  },
  presentedKey(req) {
    return /^Bearer\s+(.*)$/i.exec(req.headers.authorization ?? "")?.[1];
  },
  errorBody(status, message, errorType) {
    const known = ERRORS[status] ?? { type: status >= 500 ? "server_error" : "invalid_request_error", code: null };
    return {
      error: { message, type: errorType ?? known.type, param: status === 400 ? "input" : null, code: known.code },
    };
  },
  async writeReply(w, turn, req, turnIndex) {
    if (req.stream) return writeStream(w, turn, req, turnIndex);
    const items = outputItems(turn, req, turnIndex);
    w.json(200, responseShell(req, turnIndex, { ...ending(turn), output: items, usage: usageOf(turn) }));
  },
  async writePartial(w, text, req) {
    w.startSse();
    let seq = 0;
    const send = (type: string, fields: Obj) => w.event({ type, sequence_number: seq++, ...fields }, type);
    await send("response.created", { response: responseShell(req, 0, { status: "in_progress" }) });
    if (text)
      await send("response.output_text.delta", {
        item_id: "msg_partial",
        output_index: 0,
        content_index: 0,
        delta: text,
        logprobs: [],
      });
  },
  async writeStreamError(w, turn) {
    await w.event(
      {
        type: "error",
        sequence_number: 99,
        code: turn.errorType ?? "server_error",
        message: turn.message ?? "The server had an error while processing your request.",
        param: null,
      },
      "error",
    );
  },
  streamErrorStatus: () => 500,
  isListModels: (method, path) => method === "GET" && path === "/v1/models",
  listModelsBody: (ids) => ({
    object: "list",
    data: ids
      .filter((id) => /^(gpt|o\d)/.test(id))
      .map((id) => ({ id, object: "model", created: 1_764_633_600, owned_by: "system" })),
  }),
  modelNotFound: (model) => ({
    status: 404,
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
  }),
  modelDenied: (model) => ({
    status: 403,
    message: `Project \`proj_scripted\` does not have access to model \`${model}\``,
  }),
  validate,
};

/** Starts a fake OpenAI Responses API. Give the SDK `server.baseUrl` (`…/v1`). */
export function startOpenAiResponsesServer(options: WireServerOptions): Promise<WireServer> {
  return startScriptedServer(openAiResponsesDriver, options);
}

import { CadError } from "../cad/protocol.js";
import type { ChatRequest, ContentPart, FinishReason, ToolCall, ToolResult, Usage } from "../llm/types.js";
import type { ToolOutcome } from "../tools/registry.js";
import { toolFigures, type AgentEvent } from "./events.js";
import {
  GO_ON,
  aborted,
  end,
  errorMessage,
  finishOf,
  stop,
  type LoopOptions,
  type LoopResult,
  type LoopState,
  type Next,
  type TurnAnswer,
} from "./loop-state.js";
import { RepeatGuard } from "./repeat-guard.js";
import { NO_REVIEW, withoutImages } from "./review.js";
import { streamWithRetry, type RetryOptions } from "./retry.js";

export type { LoopOptions, LoopResult } from "./loop-state.js";

/**
 * The agent loop: send the conversation, stream the answer, run the tool calls of a complete
 * answer in order, feed the results back, until the model calls `finish` or a limit stops it.
 * It yields typed events and never writes to the terminal or disk itself; persistence hooks
 * (`onOutcome`) let the caller save the design record after every tool call.
 */

/** Output tokens below which a first-turn `length` finish means the prompt filled the context (Ollama's 4k default). */
const STARVED_OUTPUT_TOKENS = 32;

/** Run the loop; the generator's return value says why and how it ended. */
export async function* runAgentLoop(o: LoopOptions): AsyncGenerator<AgentEvent, LoopResult> {
  const tools = o.registry.specs();
  const first: ContentPart[] = o.firstMessage ?? [{ type: "text", text: o.prompts.brief(o.brief) }];
  const st: LoopState = {
    o,
    messages: [{ role: "user", content: o.vision === false ? withoutImages(first) : first }],
    tools,
    fixedChars: o.prompts.system.length + JSON.stringify(tools).length,
    guard: new RepeatGuard(),
    result: {
      stopReason: "gave-up",
      turns: 0,
      toolCalls: 0,
      toolErrors: 0,
      retries: 0,
      finish: null,
      lastText: "",
      error: null,
      llmMs: 0,
      review: NO_REVIEW,
    },
    underReview: null,
    reviewed: false,
    addedChars: 0,
    finalNoticeSent: false,
    nudged: false,
    maxTokens: o.maxTokens,
    raisedMaxTokens: false,
  };
  for (;;) {
    const next = yield* runTurn(st);
    if (next.done) return next.result;
  }
}

/** One turn: check limits, ask the model, then act on its answer. */
async function* runTurn(st: LoopState): AsyncGenerator<AgentEvent, Next> {
  const { o, result } = st;
  if (o.signal.aborted) return end(aborted(st));
  if (result.turns >= o.maxTurns) return end(stop(st, "max-turns"));
  // more_tools only ever adds a family, so a longer list is the only change to look for.
  const offered = o.registry.specs();
  if (offered.length !== st.tools.length) {
    st.tools = offered;
    st.fixedChars = o.prompts.system.length + JSON.stringify(offered).length;
  }
  // Sizing the whole conversation costs a serialisation per turn: only done when a budget needs it.
  const estimate = o.meter.enforceable
    ? o.meter.estimateNextUsd(st.addedChars, st.fixedChars + JSON.stringify(st.messages).length)
    : null;
  if (o.meter.wouldExceed(estimate)) return end(stop(st, "budget"));
  const turn = ++result.turns;
  const final = turn === o.maxTurns || o.meter.nearlyOut(estimate);
  if (final && !st.finalNoticeSent) {
    st.finalNoticeSent = true;
    st.messages.push({ role: "user", content: [{ type: "text", text: o.prompts.finishNow }] });
    yield { type: "notice", turn, kind: "finish-now", text: o.prompts.finishNow };
  }
  yield { type: "turn-start", turn, maxTurns: o.maxTurns, final };

  const started = performance.now();
  const asked = yield* askModel(st, turn);
  if (asked.done) return asked;
  const answer = asked.answer;
  if (answer.usage) {
    o.meter.add(answer.usage);
    yield { type: "usage", turn, usage: answer.usage, total: o.meter.usage, costUsd: o.meter.spentUsd };
  }
  const message = answer.finish.message;
  const reason: FinishReason = answer.finish.reason;
  // A call cut off by the output limit is never run: ask for the same turn again with room to finish it, once.
  const truncatedCall = reason === "length" && message.toolCalls.length > 0;
  // An empty assistant turn is rejected by some APIs when sent back; it carries nothing anyway.
  const keep =
    !truncatedCall && (message.content.some((p) => p.text) || message.toolCalls.length || reason === "pause");
  if (keep) st.messages.push(message);
  if (answer.text.trim()) result.lastText = answer.text.trim();
  yield {
    type: "turn-end",
    turn,
    text: answer.text,
    toolCalls: message.toolCalls.length,
    finishReason: reason,
    ms: Math.round(performance.now() - started),
  };
  if (truncatedCall) return yield* retryTruncated(st, turn);
  const stopped = stopForFinishReason(st, answer, turn);
  if (stopped) return stopped;
  if (reason === "pause") {
    // The provider paused a long turn: sending the conversation back as it is lets it continue.
    st.addedChars = answer.text.length;
    return GO_ON;
  }
  if (!message.toolCalls.length) return yield* textOnlyTurn(st, answer, turn);
  return yield* runToolCalls(st, answer, turn);
}

/** Streams one request (with retries). Nothing runs until a stream completes, so a retry never repeats a tool. */
async function* askModel(
  st: LoopState,
  turn: number,
): AsyncGenerator<AgentEvent, { done: true; result: LoopResult } | { done: false; answer: TurnAnswer }> {
  const { o, result } = st;
  const request: ChatRequest = {
    model: o.model,
    system: o.prompts.system,
    messages: [...st.messages],
    tools: st.tools,
    maxTokens: st.maxTokens,
    ...(o.effort ? { effort: o.effort } : {}),
  };
  const started = performance.now();
  let answer: TurnAnswer | undefined;
  try {
    let text = "";
    let usage: Usage | undefined;
    const retry: RetryOptions = { policy: o.retry, signal: o.signal, ...(o.sleep ? { sleep: o.sleep } : {}) };
    for await (const ev of streamWithRetry(() => o.adapter.stream(request, o.signal), retry)) {
      if (ev.type === "retry") {
        // Everything the failed attempt streamed is void.
        text = "";
        usage = undefined;
        result.retries++;
        const e = ev.error;
        yield {
          type: "retry",
          turn,
          attempt: ev.attempt,
          maxAttempts: ev.maxAttempts,
          delayMs: ev.delayMs,
          kind: e.kind,
          status: e.status ?? null,
          retryAfterMs: e.retryAfterMs ?? null,
          message: e.message,
        };
      } else if (ev.type === "text-delta") {
        text += ev.text;
        yield { type: "text-delta", turn, text: ev.text };
      } else if (ev.type === "notice") yield { type: "warning", message: ev.message };
      else if (ev.type === "usage") usage = ev.usage;
      else if (ev.type === "finish") answer = { text, usage, finish: ev };
    }
  } catch (e) {
    result.llmMs += performance.now() - started;
    // Kept with the stop: a deadline hit while retrying an unreachable provider is a provider error.
    if (o.signal.aborted) return end(stop(st, o.abortedAs?.() ?? "interrupted", e));
    yield { type: "error", kind: "provider", message: errorMessage(e) };
    return end(stop(st, "provider-error", e));
  }
  result.llmMs += performance.now() - started;
  if (!answer) {
    const e = new Error("the provider's stream ended without a final message");
    yield { type: "error", kind: "provider", message: e.message };
    return end(stop(st, "provider-error", e));
  }
  return { done: false, answer };
}

/** A tool call cut off by max_tokens: ask the same turn once more with twice the room, else stop. */
function* retryTruncated(st: LoopState, turn: number): Generator<AgentEvent, Next> {
  if (st.raisedMaxTokens) return end(stop(st, "truncated"));
  st.raisedMaxTokens = true;
  st.maxTokens *= 2;
  yield {
    type: "warning",
    message: `turn ${turn}: a tool call was cut off by the output limit and was not run; asking again with max_tokens ${st.maxTokens}`,
  };
  return GO_ON;
}

/** Finish reasons that end the run whatever the answer holds. */
function stopForFinishReason(st: LoopState, answer: TurnAnswer, turn: number): Next | undefined {
  const { reason, message, detail } = answer.finish;
  if (reason === "refusal")
    return end(stop(st, "refused", new Error(detail ?? (answer.text.trim() || "no reason given"))));
  if (reason === "context") return end(stop(st, "context-full", null));
  const starved =
    turn === 1 &&
    reason === "length" &&
    !message.toolCalls.length &&
    (answer.usage?.outputTokens ?? 0) < STARVED_OUTPUT_TOKENS;
  // The first request is the largest jump in prompt size: a reply cut off almost at once means no room was left.
  if (starved) return end(stop(st, "context-full", new Error("first reply cut off after almost no output")));
  return undefined;
}

/** An answer in words only: the reviewed finish stands, or the model gets one reminder to carry on. */
function* textOnlyTurn(st: LoopState, answer: TurnAnswer, turn: number): Generator<AgentEvent, Next> {
  const { o } = st;
  if (st.underReview) return end(stop(st, "finished"));
  if (st.nudged || turn >= o.maxTurns) return end(stop(st, "gave-up"));
  st.nudged = true;
  st.messages.push({ role: "user", content: [{ type: "text", text: o.prompts.continue }] });
  st.addedChars = answer.text.length + o.prompts.continue.length;
  yield { type: "notice", turn, kind: "continue", text: o.prompts.continue };
  return GO_ON;
}

/** Runs a complete answer's calls in order and feeds every result back. */
async function* runToolCalls(st: LoopState, answer: TurnAnswer, turn: number): AsyncGenerator<AgentEvent, Next> {
  const { o } = st;
  const calls = answer.finish.message.toolCalls;
  const results: ToolResult[] = [];
  let anyOk = false;
  // Calls after a finish that went to review: every call needs a result, but none may run
  // once the model has been shown the design as finished.
  let afterFinish = false;
  for (const call of calls) {
    if (afterFinish) {
      const text = JSON.stringify({
        error: `not run: '${call.name}' came after finish in the same turn`,
        hint: "read the review, then call it again if it is still needed",
      });
      results.push({ callId: call.id, name: call.name, content: [{ type: "text", text }], isError: true });
      continue;
    }
    if (st.guard.observe(call.name, call.parseError !== undefined ? call.rawArguments : call.arguments)) {
      yield {
        type: "warning",
        message: `stopped: '${call.name}' was called ${st.guard.limit} times in a row with the same arguments`,
      };
      return end(stop(st, "repeated-calls"));
    }
    const ran = yield* runOneCall(st, call, turn);
    if (ran.done) return ran;
    anyOk ||= ran.ok;
    let content = ran.content;
    if (call.name === "finish" && ran.ok) {
      const reviewed = yield* finishCall(st, ran.input, turn);
      if (reviewed.done) return reviewed;
      content = [...content, ...reviewed.content];
      afterFinish = true;
    }
    results.push({
      callId: call.id,
      name: call.name,
      content: o.vision === false ? withoutImages(content) : content,
      isError: !ran.ok,
    });
  }
  st.messages.push({ role: "tool", results });
  if (anyOk) st.nudged = false;
  st.addedChars = answer.text.length + JSON.stringify(calls).length + JSON.stringify(results).length;
  return GO_ON;
}

type Ran = { done: true; result: LoopResult } | { done: false; ok: boolean; content: ContentPart[]; input: unknown };

/** Executes one call and reports its outcome. */
async function* runOneCall(st: LoopState, call: ToolCall, turn: number): AsyncGenerator<AgentEvent, Ran> {
  const { o, result } = st;
  let outcome: ToolOutcome;
  try {
    outcome = await o.registry.execute(call.name, call.arguments, o.ctx, call.parseError);
  } catch (e) {
    if (o.signal.aborted) return end(aborted(st));
    if (e instanceof CadError && e.fatal) {
      yield { type: "error", kind: "cad", message: `FreeCAD unavailable: ${e.message}` };
      return end(stop(st, "cad-unavailable", e));
    }
    throw e;
  }
  result.toolCalls++;
  if (!outcome.ok) result.toolErrors++;
  if (st.underReview && outcome.ok && outcome.mutates)
    result.review = { ...result.review, changes: result.review.changes + 1 };
  await o.onOutcome?.(outcome);
  yield {
    type: "tool-result",
    turn,
    id: call.id,
    name: call.name,
    ok: outcome.ok,
    ms: Math.round(outcome.ms * 10) / 10,
    figures: toolFigures(outcome.result),
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.result ? { result: outcome.result } : {}),
  };
  // An aborted CAD call comes back as an error outcome: the abort, not the error, is the news.
  if (o.signal.aborted) return end(aborted(st));
  return { done: false, ok: outcome.ok, content: outcome.content, input: outcome.input };
}

/**
 * A successful `finish`: the run ends, or (first time, with review on) the self-check material
 * is added to its result and the model gets one more turn.
 */
async function* finishCall(
  st: LoopState,
  input: unknown,
  turn: number,
): AsyncGenerator<AgentEvent, { done: true; result: LoopResult } | { done: false; content: ContentPart[] }> {
  const { o, result } = st;
  const finish = finishOf(input);
  if (!o.review || st.reviewed) {
    if (st.underReview)
      result.review = { ...result.review, outcome: result.review.changes > 0 ? "revised" : "confirmed" };
    st.underReview = null;
    result.finish = finish;
    return end(stop(st, "finished"));
  }
  st.reviewed = true;
  if (turn >= o.maxTurns) {
    result.review = { ...NO_REVIEW, outcome: "no-turn-left" };
    result.finish = finish;
    return end(stop(st, "finished"));
  }
  try {
    const material = await o.review(finish.parts, turn);
    result.review = material.summary;
    st.underReview = finish;
    yield { type: "review", turn, review: result.review };
    return { done: false, content: material.content };
  } catch (e) {
    if (o.signal.aborted) return end(aborted(st));
    if (e instanceof CadError && e.fatal) {
      yield { type: "error", kind: "cad", message: `FreeCAD unavailable: ${e.message}` };
      return end(stop(st, "cad-unavailable", e));
    }
    result.review = { ...NO_REVIEW, outcome: "failed", turn, error: errorMessage(e) };
    result.finish = finish;
    yield { type: "review", turn, review: result.review };
    return end(stop(st, "finished"));
  }
}

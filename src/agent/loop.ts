import { CadError } from "../cad/protocol.js";
import type {
  ChatRequest,
  FinishReason,
  Message,
  ProtocolAdapter,
  StreamEvent,
  ToolResult,
  Usage,
} from "../llm/types.js";
import type { ToolContext } from "../tools/context.js";
import type { ToolOutcome, ToolRegistry } from "../tools/registry.js";
import type { CostMeter } from "./budget.js";
import { toolFigures, type AgentEvent, type StopReason } from "./events.js";
import type { AgentPrompts } from "./prompts.js";
import { RepeatGuard } from "./repeat-guard.js";
import { NO_REVIEW, withoutImages, type ReviewHook, type ReviewSummary } from "./review.js";
import { streamWithRetry, type RetryOptions, type RetryPolicy } from "./retry.js";

/**
 * The agent loop: send the conversation, stream the answer, run the tool calls of a complete
 * answer in order, feed the results back, until the model calls `finish` or a limit stops it.
 * It yields typed events and never writes to the terminal or disk itself; persistence hooks
 * (`onOutcome`) let the caller save the design record after every tool call.
 */

export interface LoopOptions {
  adapter: ProtocolAdapter;
  registry: ToolRegistry;
  /** Tool context; its signal should be `signal` so CAD calls stop on abort too. */
  ctx: ToolContext;
  model: string;
  prompts: AgentPrompts;
  brief: string;
  maxTurns: number;
  /** Output token cap per request. */
  maxTokens: number;
  meter: CostMeter;
  retry: RetryPolicy;
  /** Ends the run (Ctrl-C, deadline, CAD gone); the loop returns as soon as it notices. */
  signal: AbortSignal;
  /** What an abort means, asked when one happens (default "interrupted"). */
  abortedAs?: () => StopReason;
  /** Awaited after every tool outcome, before the next call runs (save the record here). */
  onOutcome?: (outcome: ToolOutcome) => Promise<void>;
  /** Test hook for the retry wait. */
  sleep?: RetryOptions["sleep"];
  /** The self-check given to the model at its first finish (review.ts); none when undefined. */
  review?: ReviewHook;
  /** False for text-only models: images in tool results become a text note. Default true. */
  vision?: boolean;
}

export interface LoopResult {
  stopReason: StopReason;
  /** Requests sent (a retried request counts once). */
  turns: number;
  toolCalls: number;
  toolErrors: number;
  retries: number;
  /** What the model's successful `finish` call declared; null otherwise. */
  finish: { parts: string[]; summary: string } | null;
  /** The model's last non-empty text. */
  lastText: string;
  /** The error behind provider-error / cad-unavailable. */
  error: unknown;
  /** Wall time spent in provider requests, retry waits included. */
  llmMs: number;
  review: ReviewSummary;
}

interface TurnAnswer {
  text: string;
  usage: Usage | undefined;
  finish: Extract<StreamEvent, { type: "finish" }>;
}

/** Run the loop; the generator's return value says why and how it ended. */
export async function* runAgentLoop(o: LoopOptions): AsyncGenerator<AgentEvent, LoopResult> {
  const messages: Message[] = [{ role: "user", content: [{ type: "text", text: o.prompts.brief(o.brief) }] }];
  let tools = o.registry.specs();
  let fixedChars = o.prompts.system.length + JSON.stringify(tools).length;
  const guard = new RepeatGuard();
  const result: LoopResult = {
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
  };
  // The finish under review: it stands unless the model finishes again, so a review turn that
  // goes wrong (limits, provider failure, silence) never loses a part that was already delivered.
  let underReview: { parts: string[]; summary: string } | null = null;
  let reviewed = false;
  const stop = (reason: StopReason, error: unknown = null): LoopResult => {
    if (underReview && reason !== "interrupted" && reason !== "cad-unavailable") {
      const note =
        reason === "finished"
          ? null
          : `the review turn ended early (${reason}${error ? `: ${errorMessage(error)}` : ""}); the first finish stands`;
      const outcome = result.review.changes > 0 ? "revised" : "accepted";
      return {
        ...result,
        finish: underReview,
        stopReason: "finished",
        error: null,
        review: { ...result.review, outcome, error: note },
      };
    }
    return { ...result, stopReason: reason, error };
  };
  const aborted = (): LoopResult => stop(o.abortedAs?.() ?? "interrupted");
  let addedChars = 0;
  let finalNoticeSent = false;
  let nudged = false;

  for (;;) {
    if (o.signal.aborted) return aborted();
    if (result.turns >= o.maxTurns) return stop("max-turns");
    // Sizing the whole conversation costs a serialisation per turn: only done when a budget needs it.
    const estimate = o.meter.enforceable
      ? o.meter.estimateNextUsd(addedChars, fixedChars + JSON.stringify(messages).length)
      : null;
    if (o.meter.wouldExceed(estimate)) return stop("budget");
    // more_tools only ever adds a family, so a longer list is the only change to look for.
    const offered = o.registry.specs();
    if (offered.length !== tools.length) {
      tools = offered;
      fixedChars = o.prompts.system.length + JSON.stringify(tools).length;
    }
    const turn = ++result.turns;
    const final = turn === o.maxTurns || o.meter.nearlyOut(estimate);
    if (final && !finalNoticeSent) {
      finalNoticeSent = true;
      messages.push({ role: "user", content: [{ type: "text", text: o.prompts.finishNow }] });
      yield { type: "notice", turn, kind: "finish-now", text: o.prompts.finishNow };
    }
    yield { type: "turn-start", turn, maxTurns: o.maxTurns, final };

    // Stream the answer. Nothing runs until a stream completes, so a retried request can never
    // execute a tool twice: a failed attempt's partial output is simply dropped.
    const request: ChatRequest = {
      model: o.model,
      system: o.prompts.system,
      messages: [...messages],
      tools,
      maxTokens: o.maxTokens,
    };
    const started = performance.now();
    let answer: TurnAnswer | undefined;
    try {
      let text = "";
      let usage: Usage | undefined;
      const retry: RetryOptions = { policy: o.retry, signal: o.signal, ...(o.sleep ? { sleep: o.sleep } : {}) };
      for await (const ev of streamWithRetry(() => o.adapter.stream(request, o.signal), retry)) {
        if (ev.type === "retry") {
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
        } else if (ev.type === "usage") usage = ev.usage;
        else if (ev.type === "finish") answer = { text, usage, finish: ev };
      }
    } catch (e) {
      result.llmMs += performance.now() - started;
      if (o.signal.aborted) return aborted();
      yield { type: "error", kind: "provider", message: errorMessage(e) };
      return stop("provider-error", e);
    }
    result.llmMs += performance.now() - started;
    if (!answer) {
      const e = new Error("the provider's stream ended without a final message");
      yield { type: "error", kind: "provider", message: e.message };
      return stop("provider-error", e);
    }

    if (answer.usage) {
      o.meter.add(answer.usage);
      yield { type: "usage", turn, usage: answer.usage, total: o.meter.usage, costUsd: o.meter.spentUsd };
    }
    const message = answer.finish.message;
    const reason: FinishReason = answer.finish.reason;
    // An empty assistant turn is rejected by some APIs when sent back; it carries nothing anyway.
    if (message.content.some((p) => p.text) || message.toolCalls.length) messages.push(message);
    if (answer.text.trim()) result.lastText = answer.text.trim();
    yield {
      type: "turn-end",
      turn,
      text: answer.text,
      toolCalls: message.toolCalls.length,
      finishReason: reason,
      ms: Math.round(performance.now() - started),
    };

    if (!message.toolCalls.length) {
      // An answer in words to the review: the reviewed finish stands.
      if (underReview) return stop("finished");
      // Talking without calling finish (or being cut off): remind once, then count it as giving up.
      if (nudged || turn >= o.maxTurns) return stop("gave-up");
      nudged = true;
      messages.push({ role: "user", content: [{ type: "text", text: o.prompts.continue }] });
      addedChars = answer.text.length + o.prompts.continue.length;
      yield { type: "notice", turn, kind: "continue", text: o.prompts.continue };
      continue;
    }

    const results: ToolResult[] = [];
    // Calls after a finish that went to review: every call needs a result, but none may run
    // once the model has been shown the design as finished.
    let afterFinish = false;
    for (const call of message.toolCalls) {
      if (afterFinish) {
        const text = JSON.stringify({
          error: `not run: '${call.name}' came after finish in the same turn`,
          hint: "read the review, then call it again if it is still needed",
        });
        results.push({ callId: call.id, name: call.name, content: [{ type: "text", text }], isError: true });
        continue;
      }
      yield {
        type: "tool-call",
        turn,
        id: call.id,
        name: call.name,
        input: call.parseError !== undefined ? (call.rawArguments ?? null) : call.arguments,
        ...(call.parseError !== undefined ? { parseError: call.parseError } : {}),
      };
      if (guard.observe(call.name, call.parseError !== undefined ? call.rawArguments : call.arguments)) {
        yield {
          type: "warning",
          message: `stopped: '${call.name}' was called ${guard.limit} times in a row with the same arguments`,
        };
        return stop("repeated-calls");
      }
      let outcome: ToolOutcome;
      try {
        outcome = await o.registry.execute(call.name, call.arguments, o.ctx, call.parseError);
      } catch (e) {
        if (o.signal.aborted) return aborted();
        if (e instanceof CadError && e.fatal) {
          yield { type: "error", kind: "cad", message: `FreeCAD unavailable: ${e.message}` };
          return stop("cad-unavailable", e);
        }
        throw e;
      }
      result.toolCalls++;
      if (!outcome.ok) result.toolErrors++;
      if (underReview && outcome.ok && outcome.mutates)
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
      if (o.signal.aborted) return aborted();
      let content = outcome.content;
      if (call.name === "finish" && outcome.ok) {
        const finish = finishOf(outcome.input);
        if (!o.review || reviewed) {
          if (underReview)
            result.review = { ...result.review, outcome: result.review.changes > 0 ? "revised" : "confirmed" };
          underReview = null;
          result.finish = finish;
          return stop("finished");
        }
        reviewed = true;
        if (turn >= o.maxTurns) {
          result.review = { ...NO_REVIEW, outcome: "no-turn-left" };
          result.finish = finish;
          return stop("finished");
        }
        try {
          const material = await o.review(finish.parts, turn);
          result.review = material.summary;
          content = [...content, ...material.content];
          underReview = finish;
          afterFinish = true;
        } catch (e) {
          if (o.signal.aborted) return aborted();
          if (e instanceof CadError && e.fatal) {
            yield { type: "error", kind: "cad", message: `FreeCAD unavailable: ${e.message}` };
            return stop("cad-unavailable", e);
          }
          result.review = { ...NO_REVIEW, outcome: "failed", turn, error: errorMessage(e) };
          result.finish = finish;
          yield { type: "review", turn, review: result.review };
          return stop("finished");
        }
        yield { type: "review", turn, review: result.review };
      }
      results.push({
        callId: call.id,
        name: call.name,
        content: o.vision === false ? withoutImages(content) : content,
        isError: !outcome.ok,
      });
    }
    messages.push({ role: "tool", results });
    addedChars = answer.text.length + JSON.stringify(message.toolCalls).length + JSON.stringify(results).length;
  }
}

function finishOf(input: unknown): { parts: string[]; summary: string } {
  const i = (input ?? {}) as { parts?: unknown; summary?: unknown };
  const parts = Array.isArray(i.parts) ? i.parts.filter((p): p is string => typeof p === "string") : [];
  return { parts, summary: typeof i.summary === "string" ? i.summary : "" };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

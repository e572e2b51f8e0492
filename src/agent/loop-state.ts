import type { ContentPart, Effort, ProtocolAdapter, Message, StreamEvent, ToolSpec, Usage } from "../llm/types.js";
import type { ToolContext } from "../tools/context.js";
import type { ToolOutcome, ToolRegistry } from "../tools/registry.js";
import type { CostMeter } from "./budget.js";
import type { StopReason } from "./events.js";
import type { AgentPrompts } from "./prompts.js";
import type { RepeatGuard } from "./repeat-guard.js";
import type { ReviewHook, ReviewSummary } from "./review.js";
import type { RetryOptions, RetryPolicy } from "./retry.js";

/** The agent loop's options, result and the state its steps (loop.ts) share. */

export interface LoopOptions {
  adapter: ProtocolAdapter;
  registry: ToolRegistry;
  /** Tool context; its signal should be `signal` so CAD calls stop on abort too. */
  ctx: ToolContext;
  model: string;
  prompts: AgentPrompts;
  brief: string;
  /** The first user message instead of the brief prompt (an edit sends the part as it stands). */
  firstMessage?: ContentPart[];
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
  /** Reasoning effort sent with every request (`--effort`); the model's default when unset. */
  effort?: Effort;
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

export interface TurnAnswer {
  text: string;
  usage: Usage | undefined;
  finish: Extract<StreamEvent, { type: "finish" }>;
}

/** Everything the loop's steps share; one per run. */
export interface LoopState {
  o: LoopOptions;
  messages: Message[];
  tools: ToolSpec[];
  fixedChars: number;
  guard: RepeatGuard;
  result: LoopResult;
  /**
   * The finish under review: it stands unless the model finishes again, so a review turn that
   * goes wrong (limits, provider failure, silence) never loses a part that was already delivered.
   */
  underReview: { parts: string[]; summary: string } | null;
  reviewed: boolean;
  /** Characters added to the conversation since the last measured prompt (budget estimate). */
  addedChars: number;
  finalNoticeSent: boolean;
  /** The one text-only turn allowed without a reminder; reset by every successful tool turn. */
  nudged: boolean;
  /** Output cap of the next request: raised once when a tool call was cut off by it. */
  maxTokens: number;
  raisedMaxTokens: boolean;
}

/** What a step decided: go on to the next turn, or end the run with this result. */
export type Ended = { done: true; result: LoopResult };
export type Next = { done: false } | Ended;
export const GO_ON: Next = { done: false };
export const end = (result: LoopResult): Ended => ({ done: true, result });

/** The run's result for a stop; a finish under review stands unless the run was interrupted. */
export function stop(st: LoopState, reason: StopReason, error: unknown = null): LoopResult {
  const { result, underReview } = st;
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
}

export function aborted(st: LoopState): LoopResult {
  return stop(st, st.o.abortedAs?.() ?? "interrupted");
}

export function finishOf(input: unknown): { parts: string[]; summary: string } {
  const i = (input ?? {}) as { parts?: unknown; summary?: unknown };
  const parts = Array.isArray(i.parts) ? i.parts.filter((p): p is string => typeof p === "string") : [];
  return { parts, summary: typeof i.summary === "string" ? i.summary : "" };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

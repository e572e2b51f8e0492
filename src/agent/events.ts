import type { FinishReason, ProviderErrorKind, Usage } from "../llm/types.js";
import type { ExportFormat } from "./outputs.js";
import type { PartSummary, RunStatus } from "./report.js";
import type { ReviewSummary } from "./review.js";
import type { RequirementResult } from "../tools/requirements.js";

/**
 * The typed events of a design run, in the order they happen. The agent emits them; only the
 * CLI turns them into terminal output (human progress on stderr, NDJSON on stdout), and the
 * transcript stores them (text deltas folded into `turn-end`).
 */

/** Why the loop stopped. */
export type StopReason =
  | "finished"
  | "gave-up"
  | "max-turns"
  | "budget"
  | "repeated-calls"
  | "deadline"
  | "interrupted"
  | "provider-error"
  | "cad-unavailable"
  /** The model declined the brief (Anthropic `refusal`). */
  | "refused"
  /** The conversation no longer fits the model's context window (or a local server's context setting). */
  | "context-full"
  /** A tool call was cut off by the output limit twice (raised once in between); it was never run. */
  | "truncated";

/** The few numbers a human wants to see for a tool result (e.g. the new solid's volume). */
export interface ToolFigures {
  name?: string;
  volume?: number;
  bbox?: { min: number[]; max: number[] };
  valid?: boolean;
  solids?: number;
  /** set_parameter: the evaluated value and unit. */
  value?: number;
  unit?: string;
  /** check_design: overall verdict. */
  ok?: boolean;
  warnings?: string[];
}

export type AgentEvent =
  | {
      type: "run-start";
      brief: string;
      provider: string;
      model: string;
      outDir: string;
      maxTurns: number;
      budgetUsd: number | null;
      timeoutMs: number | null;
      tools: string[];
    }
  | { type: "worker-ready"; freecad: string; ms: number }
  | { type: "turn-start"; turn: number; maxTurns: number; final: boolean }
  | { type: "text-delta"; turn: number; text: string }
  /** A failed attempt of a turn's request; everything streamed by that attempt is void. */
  | {
      type: "retry";
      turn: number;
      attempt: number;
      maxAttempts: number;
      delayMs: number;
      kind: ProviderErrorKind;
      status: number | null;
      retryAfterMs: number | null;
      message: string;
    }
  | { type: "turn-end"; turn: number; text: string; toolCalls: number; finishReason: FinishReason; ms: number }
  | { type: "usage"; turn: number; usage: Usage; total: Usage; costUsd: number | null }
  | {
      type: "tool-result";
      turn: number;
      id: string;
      name: string;
      ok: boolean;
      ms: number;
      figures: ToolFigures;
      error?: { message: string; hint?: string; code: string };
      result?: Record<string, unknown>;
    }
  /** A message the loop itself sent to the model (last-turn warning, nudge to continue). */
  | { type: "notice"; turn: number; kind: "finish-now" | "continue"; text: string }
  /** The self-check at the first finish: what the model is shown before it confirms or fixes. */
  | { type: "review"; turn: number; review: ReviewSummary }
  | { type: "worker-restart"; reason: string; replayed: number }
  | { type: "export"; format: ExportFormat; file?: string; error?: string }
  | { type: "warning"; message: string }
  /** The declared requirements measured on the delivered parts. */
  | { type: "requirements"; results: RequirementResult[] }
  | { type: "error"; kind: "provider" | "cad" | "internal"; message: string }
  /** Always the last event of a run. */
  | {
      type: "finish";
      status: RunStatus;
      exitCode: number;
      stopReason: StopReason;
      error: string | null;
      summary: string | null;
      outDir: string;
      files: Record<string, string>;
      parts: PartSummary[];
      usage: Usage;
      costUsd: number | null;
    };

export type AgentEventType = AgentEvent["type"];

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Pick the key figures out of a tool's JSON result (shapes per TOOLS.md "Results"). */
export function toolFigures(result: Record<string, unknown> | undefined): ToolFigures {
  if (!result) return {};
  const f: ToolFigures = {};
  if (typeof result.name === "string") f.name = result.name;
  const volume = num(result.volume);
  if (volume !== undefined) f.volume = volume;
  const bbox = result.bbox as { min?: unknown; max?: unknown } | undefined;
  if (bbox && Array.isArray(bbox.min) && Array.isArray(bbox.max))
    f.bbox = { min: bbox.min.map(Number), max: bbox.max.map(Number) };
  if (typeof result.valid === "boolean") f.valid = result.valid;
  const solids = num(result.solids);
  if (solids !== undefined) f.solids = solids;
  const value = num(result.value);
  if (value !== undefined) f.value = value;
  if (typeof result.unit === "string") f.unit = result.unit;
  if (typeof result.ok === "boolean") f.ok = result.ok;
  if (Array.isArray(result.warnings)) {
    const w = result.warnings.filter((x): x is string => typeof x === "string");
    if (w.length) f.warnings = w;
  }
  return f;
}

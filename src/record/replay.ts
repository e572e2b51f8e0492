import { expectRefs, partsHealth, prefetchMeshes, setValidityChecks } from "../cad/ops.js";
import { CadError, type GeometryHealth } from "../cad/protocol.js";
import type { JournalEntry } from "../cad/client.js";
import type { ToolContext } from "../tools/context.js";
import type { ToolRegistry } from "../tools/registry.js";
import type { DesignRecord } from "./design-record.js";

/**
 * Replays a design record's steps through the tool registry: the same zod validation and the
 * same worker ops as an LLM run, so a record that builds here builds the same part there.
 */

/** What happened during a replay, in order; `build` writes these to transcript.jsonl. */
export type ReplayEvent =
  | { type: "replay-start"; steps: number; fast?: boolean }
  /** The fast replay failed or delivered an invalid part: replaying again with per-step checks. */
  | { type: "replay-recheck"; reason: string }
  | {
      type: "step";
      /** 0-based index into `record.steps`. */
      index: number;
      tool: string;
      input: Record<string, unknown>;
      ok: boolean;
      result?: Record<string, unknown>;
      error?: { message: string; hint?: string; code: string };
      ms: number;
    }
  | { type: "replay-done"; ok: boolean; stepsRun: number; parts: GeometryHealth[] };

/** The first step that failed; replay stops there. */
export interface ReplayFailure {
  /** 0-based index into `record.steps`. */
  index: number;
  tool: string;
  message: string;
  hint?: string;
  code: string;
}

export interface ReplayResult {
  ok: boolean;
  /** Steps executed, including a failed last one. */
  stepsRun: number;
  failure: ReplayFailure | null;
  /** Health of the final parts (record.final.parts, or every visible part when final is null); empty after a failure. */
  parts: GeometryHealth[];
  /** Parameter values as the worker holds them after the replay. */
  parameters: Record<string, { value: number; unit: string }>;
  /** Warnings tools raised on the way (e.g. a cut that removed nothing), prefixed with the step. */
  warnings: string[];
}

export interface ReplayOptions {
  record: DesignRecord;
  registry: ToolRegistry;
  /** A context over a fresh CAD document (replay does not reset it). */
  ctx: ToolContext;
  onEvent?: (e: ReplayEvent) => void;
  /** Skip per-step validity checks, check the delivered parts once (see replayDesign). Default true. */
  fast?: boolean;
  /**
   * The final parts will be meshed (STL, 3MF, a preview): have the worker's mesh helper mesh
   * them on the other core while they are checked and exported (cad/ops.ts prefetchMeshes).
   */
  prefetchMeshes?: boolean;
  /**
   * The final parts will be exported to STEP: have the mesh helper write it on the other core
   * while they are checked (cad/ops.ts prefetchMeshes), for the export to take.
   */
  prefetchStep?: boolean;
}

/**
 * Every step's input checked against its tool's schema, before FreeCAD starts: a record that
 * cannot be replayed is a usage error (exit 2) at once, not a build failure halfway through.
 * Returns one line per bad step (`step 3 (fillet): radius: …`), empty when all are valid.
 */
export function checkSteps(record: DesignRecord, registry: ToolRegistry): string[] {
  const problems: string[] = [];
  for (const [i, step] of record.steps.entries()) {
    const tool = registry.get(step.tool);
    if (!tool) {
      problems.push(`step ${i + 1}: unknown tool '${step.tool}'`);
      continue;
    }
    const parsed = tool.input.safeParse(step.input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = (issue?.path ?? []).map(String).join(".") || "input";
      problems.push(`step ${i + 1} (${step.tool}): ${where}: ${issue?.message ?? "invalid input"}`);
    }
  }
  return problems;
}

/** One-line description of a failure, e.g. `step 3 (fillet): radius too large`. */
export function describeFailure(f: ReplayFailure): string {
  return `step ${f.index + 1} (${f.tool}): ${f.message}${f.hint ? ` (hint: ${f.hint})` : ""}`;
}

/**
 * Run every step in order, stopping at the first failure. Throws only what the registry throws
 * (a fatal CadError when FreeCAD is gone, or an abort); everything else is in the result.
 *
 * Fast path (default): steps run without the per-step validity check (isValid() is O(shape),
 * so per-step checks make a build O(n²)); volume and bbox are still reported, and validity is
 * checked once on the delivered parts. When a step fails or a delivered part is invalid, the
 * document is reset and the record replayed again with per-step checks, so the failure names
 * the same step with the same message as a checked replay would.
 */
export async function replayDesign(opts: ReplayOptions): Promise<ReplayResult> {
  const fast = opts.fast ?? true;
  if (!fast) return replayOnce(opts, false);
  const first = await replayOnce(opts, true);
  if (first.ok && first.parts.every((p) => p.valid)) return first;
  opts.onEvent?.({
    type: "replay-recheck",
    reason: first.failure ? describeFailure(first.failure) : "a delivered part is not a valid solid",
  });
  await opts.ctx.cad.reset();
  return replayOnce(opts, false);
}

async function replayOnce(opts: ReplayOptions, fast: boolean): Promise<ReplayResult> {
  const { record, registry, ctx } = opts;
  const call = ctx.signal ? { signal: ctx.signal } : {};
  const emit = opts.onEvent ?? (() => undefined);
  emit({ type: "replay-start", steps: record.steps.length, ...(fast ? { fast } : {}) });
  const warnings: string[] = [];
  let failure: ReplayFailure | null = null;
  let stepsRun = 0;
  if (fast) await setValidityChecks(ctx.cad, false, call);
  const prefetch = opts.prefetchMeshes === true || opts.prefetchStep === true;
  if (prefetch) await prefetchMeshes(ctx.cad, { start: true }, call);
  const ran = (index: number, tool: string, outcome: StepRun): boolean => {
    stepsRun++;
    emit({
      type: "step",
      index,
      tool,
      input: record.steps[index]?.input ?? {},
      ok: outcome.ok,
      ...(outcome.result ? { result: outcome.result } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
      ms: Math.round(outcome.ms * 10) / 10,
    });
    if (!outcome.ok) {
      const err = outcome.error ?? { message: "failed", code: "tool_failed" };
      failure = { index, tool, message: err.message, code: err.code, ...(err.hint ? { hint: err.hint } : {}) };
      return false;
    }
    for (const w of stringArray(outcome.result?.warnings)) warnings.push(`step ${index + 1} (${tool}): ${w}`);
    return true;
  };
  try {
    let index = 0;
    while (index < record.steps.length) {
      // Fast path: a run of steps that are each one worker op goes in one request.
      const batch = fast ? batchFrom(record, index, registry) : [];
      if (batch.length > 1) {
        const last = batch[batch.length - 1]!.index;
        let ok = true;
        let next = index;
        await ctx.cad.callSteps(
          batch.map((b) => b.call),
          {
            ...call,
            ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
            onStep: (k, outcome) => {
              const b = batch[k];
              // A step's refs call answers before the step; only its failure is the step's news.
              if (!b || !ok || (b.refs && outcome.ok)) return;
              ok = ran(b.index, record.steps[b.index]!.tool, outcome);
              next = b.index + 1;
            },
          },
        );
        // Every step is answered or the batch stopped at a failure; a gap would be a protocol bug.
        if (ok && next <= last)
          ok = ran(next, record.steps[next]!.tool, {
            ok: false,
            error: { code: "bad_reply", message: "the FreeCAD worker did not answer this step" },
            ms: 0,
          });
        if (!ok) break;
        index = last + 1;
        continue;
      }
      const step = record.steps[index]!;
      if (step.refs) await expectRefs(ctx.cad, step.refs, call);
      if (!ran(index, step.tool, await registry.execute(step.tool, step.input, ctx))) break;
      index++;
    }
    // Ctrl-C reaches the worker too and fails the running step: that is an interruption, not a bad step.
    if (failure && ctx.signal?.aborted) throw new CadError("aborted", "interrupted");
  } finally {
    if (fast) await setValidityChecks(ctx.cad, true, call);
  }

  let parts: GeometryHealth[] = [];
  let parameters: ReplayResult["parameters"] = {};
  if (!failure) {
    const finalNames = record.final?.parts;
    if (prefetch)
      await prefetchMeshes(
        ctx.cad,
        {
          names: finalNames,
          ...(opts.prefetchStep ? { step: true } : {}),
          ...(opts.prefetchMeshes ? {} : { mesh: false }),
        },
        call,
      );
    try {
      const reply = await partsHealth(ctx.cad, finalNames, call);
      parts = reply.parts;
      parameters = simplifyParameters(reply.parameters ?? {});
    } catch (e) {
      if (e instanceof CadError && e.fatal) throw e;
      if (ctx.signal?.aborted) throw e;
      // A final part the steps never created: the record is inconsistent, report it as the last step's failure.
      const message = `final parts ${JSON.stringify(finalNames ?? [])}: ${e instanceof Error ? e.message : String(e)}`;
      failure = { index: record.steps.length, tool: "final", message, code: "bad_final" };
    }
  }
  emit({ type: "replay-done", ok: failure === null, stepsRun, parts });
  return { ok: failure === null, stepsRun, failure, parts, parameters, warnings };
}

/** A step as `ran` reports it: a tool outcome, or a batched op's. */
interface StepRun {
  ok: boolean;
  result?: Record<string, unknown> | undefined;
  error?: { message: string; hint?: string; code: string };
  ms: number;
}

/** One worker call of a batch: a step's op, or the `expect_refs` before it (`refs`). */
interface BatchCall {
  index: number;
  call: JournalEntry;
  refs?: true;
}

/**
 * The steps from `start` on that are each exactly one worker op with valid arguments, as worker
 * calls; a step's recorded refs go first as their own call. Stops at the first other step,
 * which then runs through the registry (and fails there, with its message, if invalid).
 */
function batchFrom(record: DesignRecord, start: number, registry: ToolRegistry): BatchCall[] {
  const out: BatchCall[] = [];
  for (let index = start; index < record.steps.length; index++) {
    const step = record.steps[index]!;
    const call = registry.workerCall(step.tool, step.input);
    if (!call) break;
    if (step.refs) out.push({ index, call: { op: "expect_refs", args: { refs: step.refs } }, refs: true });
    out.push({ index, call });
  }
  return out;
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** report.json carries value and unit only. */
function simplifyParameters(p: Record<string, { value: number; unit: string }>): ReplayResult["parameters"] {
  const out: ReplayResult["parameters"] = {};
  for (const [k, v] of Object.entries(p)) out[k] = { value: v.value, unit: v.unit };
  return out;
}

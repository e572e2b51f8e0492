import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { CadClient } from "../cad/client.js";
import { packageRoot } from "../util/package-root.js";
import { modelPrice, modelVision, type Provider } from "../llm/providers.js";
import type { ContentPart, Effort, ProtocolAdapter } from "../llm/types.js";
import { createRegistry } from "../tools/catalog.js";
import type { RequirementResult } from "../tools/requirements.js";
import type { ReadableInputs, ToolContext } from "../tools/context.js";
import type { ToolRegistry } from "../tools/registry.js";
import { materialOf, type DesignRecord } from "../record/design-record.js";
import type { PreviewHook } from "./preview.js";
import { CostMeter } from "./budget.js";
import type { AgentEvent, StopReason } from "./events.js";
import { runAgentLoop, type LoopResult } from "./loop.js";
import { deliverParts, partsHealth } from "./deliver-parts.js";
import { writeDelivery } from "./deliver.js";
import type { ExportFormat } from "./outputs.js";
import { defaultPreviewHook } from "./preview.js";
import { loadPrompts, type AgentPrompts } from "./prompts.js";
import { RecordWriter } from "../record/record-writer.js";
import { Redactor } from "../util/redact.js";
import { createReviewHook, NO_REVIEW } from "./review.js";
import { partSummary, type PartSummary, type RunReport, type RunStatus } from "./report.js";
import { retryPolicyFromEnv, type RetryOptions, type RetryPolicy } from "./retry.js";
import { isCadFatal, servedModels, stopOutcome } from "./stop-outcome.js";
import { Transcript } from "./transcript.js";

/**
 * One design run from a brief, start to finish: FreeCAD is started while the first request is
 * in flight, the agent loop runs, the design record and transcript are written as it goes, and
 * at the end the final parts are exported and report.json is written (last, so its presence
 * means the folder is complete). Never writes to the terminal; used by the CLI and by batch.
 */

export interface RunDesignOptions {
  brief: string;
  provider: Provider;
  model: string;
  adapter: ProtocolAdapter;
  outDir: string;
  formats: readonly ExportFormat[];
  maxTurns: number;
  /** Output tokens per request (default 16384). */
  maxTokens?: number;
  budgetUsd?: number;
  /** Whole-run deadline. */
  timeoutMs?: number;
  allowPython?: boolean;
  /** FreeCAD binary: the run creates, starts and closes its own client. */
  freecadCmd?: string;
  /** Or a client the caller owns (started or not); the run does not close it. */
  cad?: CadClient;
  /** Per CAD call (default 120 s). */
  cadTimeoutMs?: number;
  /** Interrupt (Ctrl-C): the run stops, saves what it has, and reports `interrupted`. */
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** Test hook for retry waits. */
  sleep?: RetryOptions["sleep"];
  /** Removes the run's secrets (API key) from everything written; default redacts key shapes only. */
  redactor?: Redactor;
  onEvent?: (e: AgentEvent) => void;
  prompts?: AgentPrompts;
  /** The self-check turn at the first finish (review.ts). Default true. */
  review?: boolean;
  /** Default: defaultPreviewHook; null for no preview. */
  renderPreview?: PreviewHook | null;
  /** Reasoning effort (`--effort`); the model's default when unset. */
  effort?: Effort;
  /** Exit 1 when a declared requirement fails (`--strict`). */
  strict?: boolean;
  /** Files `import_shape` may read (`--input`). */
  inputs?: ReadableInputs;
  /** Continue from an earlier part (`cadagent edit`, agent/edit.ts). */
  edit?: RunEdit;
}

/** How an edit run differs from a fresh one: a seeded record, a prepared first message, extra report fields. */
export interface RunEdit {
  /** The parent's parameters and steps: the new record starts with them so it replays alone. */
  base: Pick<DesignRecord, "parameters" | "steps"> & { final?: DesignRecord["final"] };
  parent?: DesignRecord["parent"];
  /** Rebuilds the base in the worker and returns the first user message; throws EditBaseError when it cannot. */
  prepare(registry: ToolRegistry, ctx: ToolContext): Promise<ContentPart[]>;
  /** report.json additions (`parent`, `diff`), from the finished report and record. */
  extend(report: RunReport, record: DesignRecord): Record<string, unknown>;
}

/** The part to edit could not be rebuilt: bad input (exit 2), nothing was sent to the model. */
export class EditBaseError extends Error {
  override name = "EditBaseError";
}

const version = (JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string })
  .version;

/** Run the design. Never throws for design, provider or CAD failures: they end in a written report. */
export async function runDesign(o: RunDesignOptions): Promise<RunReport> {
  const started = performance.now();
  const outDir = path.resolve(o.outDir);
  await mkdir(outDir, { recursive: true });
  const redactor = o.redactor ?? new Redactor();
  const transcript = new Transcript(outDir, redactor);
  const emit = (e: AgentEvent): void => {
    // Serialised and redacted once, for both the transcript and the caller.
    const json = JSON.stringify(e);
    const clean = redactor.redact(json);
    transcript.writeJson(e.type, clean);
    o.onEvent?.(clean === json ? e : (JSON.parse(clean) as AgentEvent));
  };
  const record = new RecordWriter(
    outDir,
    o.brief,
    { cadagent: version, provider: o.provider.id, model: o.model, freecad: "" },
    redactor,
  );
  if (o.edit) record.seed(o.edit.base, o.edit.parent);
  await record.save();

  // Three ways a run is cut short, told apart afterwards by which signal fired.
  const interrupt = o.signal ?? new AbortController().signal;
  const deadline = o.timeoutMs ? AbortSignal.timeout(o.timeoutMs) : undefined;
  const cadFailure = new AbortController();
  const signal = AbortSignal.any([interrupt, cadFailure.signal, ...(deadline ? [deadline] : [])]);
  const abortedAs = (): StopReason =>
    interrupt.aborted ? "interrupted" : cadFailure.signal.aborted ? "cad-unavailable" : "deadline";

  const ownsCad = !o.cad;
  const cad =
    o.cad ??
    new CadClient({
      freecadCmd: o.freecadCmd ?? "freecadcmd",
      defaultTimeoutMs: o.cadTimeoutMs ?? 120_000,
      onRestart: (reason, replayed) => emit({ type: "worker-restart", reason, replayed }),
    });
  const cadCallsAtStart = cad.cadMs;
  // FreeCAD boots while the first request is in flight; a backend that cannot start ends the run
  // at once instead of after a paid response.
  let cadError: unknown = null;
  const cadStarted = performance.now();
  // Kept here: the version is gone once the worker is closed, before the report is written.
  let freecadVersion = "";
  const cadReady = cad.start().then(
    () => {
      freecadVersion = cad.freecadVersion;
      record.setFreecadVersion(cad.freecadVersion);
      emit({ type: "worker-ready", freecad: cad.freecadVersion, ms: Math.round(performance.now() - cadStarted) });
    },
    (e: unknown) => {
      cadError = e;
      cadFailure.abort(e);
    },
  );

  const registry = createRegistry({ allowPython: o.allowPython ?? false });
  const ctx: ToolContext = {
    cad,
    outDir,
    signal,
    timeoutMs: o.cadTimeoutMs ?? 120_000,
    ...(o.inputs ? { inputs: o.inputs } : {}),
  };
  const meter = new CostMeter(modelPrice(o.provider, o.model), o.budgetUsd);
  const prompts = o.prompts ?? loadPrompts();
  const vision = modelVision(o.provider, o.model);
  emit({
    type: "run-start",
    brief: o.brief,
    provider: o.provider.id,
    model: o.model,
    outDir,
    maxTurns: o.maxTurns,
    budgetUsd: o.budgetUsd ?? null,
    timeoutMs: o.timeoutMs ?? null,
    tools: registry.names(),
  });

  let loop: LoopResult | undefined;
  let files: Record<string, string> = {};
  let parts: PartSummary[] = [];
  let parameters: RunReport["parameters"] = {};
  let requirements: RequirementResult[] = [];
  let outcome: { status: RunStatus; exitCode: number; error: string | null };
  try {
    let firstMessage: ContentPart[] | undefined;
    if (o.edit) {
      // The part must exist in the worker before the model is shown it.
      await cadReady;
      if (cadError) throw cadError instanceof Error ? cadError : new Error("FreeCAD did not start");
      firstMessage = await o.edit.prepare(registry, ctx);
    }
    const gen = runAgentLoop({
      ...(firstMessage ? { firstMessage } : {}),
      adapter: o.adapter,
      registry,
      ctx,
      model: o.model,
      prompts,
      vision,
      ...(o.review === false ? {} : { review: createReviewHook({ registry, ctx, template: prompts.review, vision }) }),
      brief: o.brief,
      maxTurns: o.maxTurns,
      maxTokens: o.maxTokens ?? 16_384,
      ...(o.effort ? { effort: o.effort } : {}),
      meter,
      retry: o.retry ?? retryPolicyFromEnv(),
      signal,
      abortedAs,
      ...(o.sleep ? { sleep: o.sleep } : {}),
      onOutcome: async (outcome) => {
        if (record.note(outcome)) await record.save();
      },
    });
    for (let step = await gen.next(); ; step = await gen.next()) {
      if (step.done) {
        loop = step.value;
        break;
      }
      emit(step.value);
    }
    if (loop.stopReason === "cad-unavailable" && loop.error === null) loop = { ...loop, error: cadError };

    if (loop.stopReason === "finished" && loop.finish) {
      const delivered = await deliverParts(loop.finish.parts, {
        cad,
        registry,
        ctx,
        signal,
        formats: o.formats,
        preview: o.renderPreview === undefined ? defaultPreviewHook : o.renderPreview,
        emit,
        strict: o.strict ?? false,
        material: materialOf(record.snapshot().final),
      });
      ({ outcome, parts, parameters, files, requirements } = delivered);
    } else {
      const reason = loop.stopReason === "finished" ? "gave-up" : loop.stopReason;
      const served = await servedModels(o.adapter, loop.error, interrupt);
      outcome = stopOutcome({
        reason,
        error: loop.error,
        provider: o.provider,
        maxTurns: o.maxTurns,
        budgetUsd: o.budgetUsd,
        timeoutMs: o.timeoutMs,
        model: o.model,
        ...(served ? { served } : {}),
      });
      // What exists so far, for the report; skipped when nothing was built or the user is waiting for Ctrl-C to land.
      if (loop.toolCalls > 0 && reason !== "interrupted" && reason !== "cad-unavailable") {
        const health = await partsHealth(cad, undefined, undefined).catch(() => undefined);
        if (health) {
          parts = health.parts.map(partSummary);
          parameters = health.parameters;
        }
      }
    }
  } catch (e) {
    outcome =
      e instanceof EditBaseError
        ? { status: "failed", exitCode: 2, error: e.message }
        : unexpected(e, interrupt, cadError);
  } finally {
    // A client closed while still starting would leave the worker running: let the start settle.
    await cadReady;
    if (ownsCad) await cad.close().catch(() => undefined);
  }
  if (interrupt.aborted && outcome.status !== "success")
    outcome = { status: "interrupted", exitCode: 130, error: "interrupted" };
  if (!Object.keys(parameters).length) parameters = recordParameters(record);

  await record.save().catch(() => undefined);
  const usage = meter.usage;
  const stopReason: StopReason =
    loop?.stopReason ??
    (outcome.exitCode === 130 ? "interrupted" : outcome.exitCode === 4 ? "cad-unavailable" : "provider-error");
  const summary = loop?.finish?.summary ?? (loop?.lastText || null);
  emit({
    type: "finish",
    status: outcome.status,
    exitCode: outcome.exitCode,
    stopReason,
    error: outcome.error,
    summary,
    outDir,
    files,
    parts,
    usage,
    costUsd: meter.spentUsd,
  });

  const report: RunReport = {
    status: outcome.status,
    brief: o.brief,
    provider: o.provider.id,
    model: o.model,
    turns: loop?.turns ?? 0,
    toolCalls: loop?.toolCalls ?? 0,
    toolErrors: loop?.toolErrors ?? 0,
    usage: {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      costUsd: meter.spentUsd,
    },
    timing: {
      totalMs: Math.round(performance.now() - started),
      llmMs: Math.round(loop?.llmMs ?? 0),
      cadMs: Math.round(cad.cadMs - cadCallsAtStart),
    },
    parts,
    parameters,
    files,
    summary: summary === null ? null : redactor.redact(summary),
    error: outcome.error === null ? null : redactor.redact(outcome.error),
    exitCode: outcome.exitCode,
    stopReason,
    retries: loop?.retries ?? 0,
    steps: record.stepCount,
    cacheWriteTokens: usage.cacheWriteTokens,
    freecad: freecadVersion || cad.freecadVersion || null,
    outDir,
    review: loop?.review ?? NO_REVIEW,
    requirements,
  };
  if (o.edit) Object.assign(report, o.edit.extend(report, record.snapshot()));
  await writeDelivery(outDir, report);
  return report;
}

function recordParameters(record: RecordWriter): RunReport["parameters"] {
  const out: RunReport["parameters"] = {};
  for (const [k, v] of Object.entries(record.snapshot().parameters)) out[k] = { value: v.value, unit: v.unit ?? "mm" };
  return out;
}

/** Something threw past the loop: an abort, FreeCAD gone, or a bug (reported, not re-thrown). */
function unexpected(
  e: unknown,
  interrupt: AbortSignal,
  cadError: unknown,
): { status: RunStatus; exitCode: number; error: string } {
  if (interrupt.aborted) return { status: "interrupted", exitCode: 130, error: "interrupted" };
  if (isCadFatal(e) || cadError) {
    const err = isCadFatal(e) ? e : cadError;
    return {
      status: "error",
      exitCode: 4,
      error: `FreeCAD unavailable: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  return {
    status: "error",
    exitCode: 1,
    error: `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
  };
}

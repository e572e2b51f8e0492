import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { CadClient } from "../cad/client.js";
import { CadError } from "../cad/protocol.js";
import { prewarmRenderThread } from "../cad/render/off-thread.js";
import type { ReadableInputs, ToolContext } from "../tools/context.js";
import type { ToolRegistry } from "../tools/registry.js";
import { materialOf, writeDesignRecord, type DesignRecord, type Material } from "../record/design-record.js";
import {
  deliver,
  TRANSCRIPT_FILE_NAME,
  withDelivery,
  withMasses,
  writeDelivery,
  type DeliveryEvent,
} from "./deliver.js";
import type { RequirementResult } from "../tools/requirements.js";
import { MESH_FORMATS } from "../util/export-formats.js";
import { runOutcome, type ExportFormat } from "./outputs.js";
import { describeFailure, replayDesign, type ReplayEvent, type ReplayResult } from "../record/replay.js";
import { defaultPreviewHook, type PreviewHook } from "./preview.js";
import { partSummary, type RunReport, type RunStatus } from "./report.js";

/**
 * Builds a design record into an output folder without an LLM (`cadagent build`, and batch
 * jobs that name a record): design.cad.json, model files, transcript.jsonl and report.json,
 * report last so its presence means the folder is complete.
 */

export { TRANSCRIPT_FILE_NAME };

export type BuildEvent =
  | { type: "build-start"; source: string | null; outDir: string; formats: readonly ExportFormat[] }
  | ReplayEvent
  | DeliveryEvent
  | { type: "build-done"; status: RunStatus; exitCode: number; error: string | null };

export interface BuildDesignOptions {
  /** The record to build, overrides already applied (see applyOverrides). */
  record: DesignRecord;
  outDir: string;
  formats: readonly ExportFormat[];
  registry: ToolRegistry;
  /** A started client over an empty document. */
  cad: CadClient;
  /** The record's file, echoed into report.json as `source`. */
  source?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onEvent?: (e: BuildEvent) => void;
  /** Replay without per-step validity checks, checking the delivered parts once (record/replay.ts). Default true. */
  fastReplay?: boolean;
  /** Default: defaultPreviewHook; null for no preview. */
  renderPreview?: PreviewHook | null;
  /** Exit 1 when a declared requirement fails. */
  strict?: boolean;
  /** Files import_shape steps may read (`--input`). */
  inputs?: ReadableInputs;
  /** What the parts are made of (`--material`); default the record's `final.material`/`density`. */
  material?: Material;
}

/**
 * Build the record. Never throws for design problems: a failed step, invalid parts, a failed
 * export, FreeCAD going away (exitCode 4) or an abort (130) all end in a written report.
 */
export async function buildDesign(o: BuildDesignOptions): Promise<RunReport> {
  const started = performance.now();
  const cadMsAtStart = o.cad.cadMs;
  const outDir = path.resolve(o.outDir);
  await mkdir(outDir, { recursive: true });
  const transcript: string[] = [];
  const emit = (e: BuildEvent): void => {
    transcript.push(JSON.stringify({ ts: new Date().toISOString(), ...e }));
    o.onEvent?.(e);
  };
  const ctx: ToolContext = {
    cad: o.cad,
    outDir,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.inputs ? { inputs: o.inputs } : {}),
  };

  // A folder built into before keeps nothing of that build: models beside a failed report would
  // pass for this build's output.
  await removeStaleOutputs(outDir);
  // The record goes first so even an interrupted build leaves what it was building.
  await writeDesignRecord(outDir, o.record);
  emit({ type: "build-start", source: o.source ?? null, outDir, formats: o.formats });

  let replay: ReplayResult | undefined;
  let files: Record<string, string> = {};
  let requirements: RequirementResult[] = [];
  let masses: Record<string, number> = {};
  const material = o.material ?? materialOf(o.record.final);
  let outcome: { status: RunStatus; exitCode: number; error: string | null };
  // The preview's render thread loads and warms up on the idle core while FreeCAD replays.
  if (o.renderPreview !== null) prewarmRenderThread({ warmUp: true });
  try {
    replay = await replayDesign({
      record: o.record,
      registry: o.registry,
      ctx,
      onEvent: emit,
      ...(o.fastReplay === false ? { fast: false } : {}),
      prefetchMeshes: o.renderPreview !== null || o.formats.some((f) => MESH_FORMATS.has(f)),
      prefetchStep: o.formats.includes("step"),
    });
    const parts = replay.parts.map(partSummary);
    outcome = runOutcome(parts, replay.failure ? describeFailure(replay.failure) : null, {
      allowMultipleSolids: o.record.final?.allow_multiple_solids === true,
    });
    if (outcome.exitCode === 0) {
      const delivery = await deliver({
        registry: o.registry,
        ctx,
        parts: replay.parts.map((p) => p.name),
        formats: o.formats,
        renderPreview: o.renderPreview === undefined ? defaultPreviewHook : o.renderPreview,
        emit,
        ...(o.strict ? { strict: true } : {}),
        material,
      });
      files = delivery.files;
      masses = delivery.masses;
      requirements = delivery.requirements;
      outcome = withDelivery(outcome, delivery);
    }
  } catch (e) {
    outcome = interruption(e, o.signal);
  }
  // A step cut short by Ctrl-C / SIGTERM comes back as a failed step: the signal is the news.
  if (o.signal?.aborted && outcome.status !== "success")
    outcome = { status: "interrupted", exitCode: 130, error: "interrupted" };

  emit({ type: "build-done", status: outcome.status, exitCode: outcome.exitCode, error: outcome.error });
  const report: RunReport = {
    status: outcome.status,
    brief: o.record.brief,
    provider: null,
    model: null,
    turns: 0,
    toolCalls: replay?.stepsRun ?? 0,
    toolErrors: replay?.failure && replay.failure.tool !== "final" ? 1 : 0,
    usage: null,
    timing: {
      totalMs: Math.round(performance.now() - started),
      llmMs: 0,
      cadMs: Math.round(o.cad.cadMs - cadMsAtStart),
    },
    parts: withMasses((replay?.parts ?? []).map(partSummary), masses, material),
    parameters: replay && !replay.failure ? replay.parameters : declaredParameters(o.record),
    files,
    summary: o.record.final?.summary ?? null,
    error: outcome.error,
    exitCode: outcome.exitCode,
    source: o.source ?? null,
    outDir,
    freecad: o.cad.freecadVersion || null,
    warnings: replay?.warnings ?? [],
    requirements,
    ...(replay?.failure ? { failedStep: { step: replay.failure.index + 1, ...replay.failure } } : {}),
  };
  await writeDelivery(outDir, report, transcript);
  return report;
}

/** FreeCAD gone (4) or aborted (130) mid-build; anything else is a bug and propagates. */
function interruption(
  e: unknown,
  signal: AbortSignal | undefined,
): { status: RunStatus; exitCode: number; error: string } {
  if (signal?.aborted) return { status: "interrupted", exitCode: 130, error: "interrupted" };
  if (e instanceof CadError && e.fatal)
    return { status: "error", exitCode: 4, error: `FreeCAD unavailable: ${e.message}` };
  throw e;
}

/** What a previous build wrote: report, transcript, models and previews (never other files). */
const STALE = /^(report\.json|transcript\.jsonl|model\.[A-Za-z0-9]+|preview[\w-]*\.png|views\.png)$/;

async function removeStaleOutputs(outDir: string): Promise<void> {
  for (const entry of await readdir(outDir, { withFileTypes: true })) {
    // unlink never follows a symlink: a link named model.step is removed, not its target.
    if (!entry.isDirectory() && STALE.test(entry.name)) await rm(path.join(outDir, entry.name), { force: true });
  }
}

function declaredParameters(record: DesignRecord): RunReport["parameters"] {
  const out: RunReport["parameters"] = {};
  for (const [k, v] of Object.entries(record.parameters)) out[k] = { value: v.value, unit: v.unit ?? "mm" };
  return out;
}

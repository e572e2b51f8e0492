import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { CadClient } from "../cad/client.js";
import { CadError } from "../cad/protocol.js";
import type { ToolContext } from "../tools/context.js";
import type { ToolRegistry } from "../tools/registry.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { writeDesignRecord, type DesignRecord } from "../record/design-record.js";
import { exportParts, runOutcome, writeReport, type ExportFormat } from "./outputs.js";
import { describeFailure, replayDesign, type ReplayEvent, type ReplayResult } from "../record/replay.js";
import { defaultPreviewHook, type PreviewHook } from "./preview.js";
import { partSummary, type RunReport, type RunStatus } from "./report.js";

/**
 * Builds a design record into an output folder without an LLM (`cadagent build`, and batch
 * jobs that name a record): design.cad.json, model files, transcript.jsonl and report.json,
 * report last so its presence means the folder is complete.
 */

export const TRANSCRIPT_FILE_NAME = "transcript.jsonl";

export type BuildEvent =
  | { type: "build-start"; source: string | null; outDir: string; formats: readonly ExportFormat[] }
  | ReplayEvent
  | { type: "export"; format: ExportFormat; file?: string; error?: string }
  | { type: "preview"; file?: string; error?: string }
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
  /** Default: defaultPreviewHook; null for no preview. */
  renderPreview?: PreviewHook | null;
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
  };

  // The record goes first so even an interrupted build leaves what it was building.
  await writeDesignRecord(outDir, o.record);
  emit({ type: "build-start", source: o.source ?? null, outDir, formats: o.formats });

  let replay: ReplayResult | undefined;
  let files: Record<string, string> = {};
  let outcome: { status: RunStatus; exitCode: number; error: string | null };
  try {
    replay = await replayDesign({ record: o.record, registry: o.registry, ctx, onEvent: emit });
    const parts = replay.parts.map(partSummary);
    outcome = runOutcome(parts, replay.failure ? describeFailure(replay.failure) : null, {
      allowMultipleSolids: o.record.final?.allow_multiple_solids === true,
    });
    if (outcome.exitCode === 0) {
      const names = replay.parts.map((p) => p.name);
      const exported = await exportParts({ registry: o.registry, ctx, parts: names, formats: o.formats });
      files = { ...exported.files };
      for (const [format, file] of Object.entries(exported.files))
        emit({ type: "export", format: format as ExportFormat, file });
      for (const err of exported.errors) emit({ type: "export", format: err.format, error: err.message });
      if (exported.errors.length) {
        outcome = {
          status: "failed",
          exitCode: 1,
          error: `export failed: ${exported.errors.map((e) => `${e.format}: ${e.message}`).join("; ")}`,
        };
      }
      files = { ...files, ...(await runPreview(o, ctx, names, outDir, emit)) };
    }
  } catch (e) {
    outcome = interruption(e, o.signal);
  }

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
    parts: (replay?.parts ?? []).map(partSummary),
    parameters: replay && !replay.failure ? replay.parameters : declaredParameters(o.record),
    files,
    summary: o.record.final?.summary ?? null,
    error: outcome.error,
    exitCode: outcome.exitCode,
    source: o.source ?? null,
    warnings: replay?.warnings ?? [],
    ...(replay?.failure ? { failedStep: { step: replay.failure.index + 1, ...replay.failure } } : {}),
  };
  await writeFileAtomic(path.join(outDir, TRANSCRIPT_FILE_NAME), transcript.length ? `${transcript.join("\n")}\n` : "");
  await writeReport(outDir, report);
  return report;
}

/** A preview failure is a warning in the transcript, never a failed build. */
async function runPreview(
  o: BuildDesignOptions,
  ctx: ToolContext,
  parts: string[],
  outDir: string,
  emit: (e: BuildEvent) => void,
): Promise<Record<string, string>> {
  const hook = o.renderPreview === undefined ? defaultPreviewHook : o.renderPreview;
  if (!hook) return {};
  try {
    const files = await hook({ registry: o.registry, ctx, parts, outDir });
    for (const file of Object.values(files)) emit({ type: "preview", file });
    return files;
  } catch (e) {
    if (e instanceof CadError && e.fatal) throw e;
    emit({ type: "preview", error: e instanceof Error ? e.message : String(e) });
    return {};
  }
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

function declaredParameters(record: DesignRecord): RunReport["parameters"] {
  const out: RunReport["parameters"] = {};
  for (const [k, v] of Object.entries(record.parameters)) out[k] = { value: v.value, unit: v.unit ?? "mm" };
  return out;
}

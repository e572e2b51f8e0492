import path from "node:path";
import { partMasses } from "../cad/ops.js";
import { CadError } from "../cad/protocol.js";
import { prewarmRenderThread } from "../cad/render/off-thread.js";
import type { Material } from "../record/design-record.js";
import type { ToolContext } from "../tools/context.js";
import type { ToolRegistry } from "../tools/registry.js";
import { describeRequirement, measureRequirements, type RequirementResult } from "../tools/requirements.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { exportParts, writeReport, type ExportFormat } from "./outputs.js";
import type { PreviewHook } from "./preview.js";
import type { PartSummary, RunReport, RunStatus } from "./report.js";

/**
 * The one end-of-run step shared by design runs, builds, edits and MCP: exports, then the
 * preview, then (in `writeDelivery`) the transcript and report.json, report last so its presence
 * means the folder is complete. Callers differ only in how they reached their final parts.
 */

export const TRANSCRIPT_FILE_NAME = "transcript.jsonl";

/** What delivery tells its caller as it goes; each caller maps these to its own event stream. */
export type DeliveryEvent =
  | { type: "export"; format: ExportFormat; file?: string; error?: string }
  | { type: "preview"; file?: string; error?: string }
  | { type: "requirements"; results: RequirementResult[] }
  | { type: "warning"; message: string };

export interface Outcome {
  status: RunStatus;
  exitCode: number;
  error: string | null;
}

export interface DeliverOptions {
  registry: ToolRegistry;
  ctx: ToolContext;
  /** The final parts, already measured and found deliverable (outcome exit code 0). */
  parts: readonly string[];
  formats: readonly ExportFormat[];
  /** null for no preview. */
  renderPreview: PreviewHook | null;
  emit: (e: DeliveryEvent) => void;
  /** A failed requirement fails the delivery (`--strict`). */
  strict?: boolean;
  /** What the parts are made of: each part's mass goes into report.json. */
  material?: Material | undefined;
}

export interface Delivery {
  /** report.json `files`: format or preview kind → file name relative to the output folder. */
  files: Record<string, string>;
  /** Set when an export failed (or, strict, a requirement): the run then fails (exit 1) with this message. */
  failure: string | null;
  /** The declared requirements measured on the parts (report.json `requirements`). */
  requirements: RequirementResult[];
  /** Part name → mass in grams, when a material was given. */
  masses: Record<string, number>;
}

/**
 * Export the final parts in every format and render the preview. A failed export fails the
 * delivery; a failed preview is only reported. Throws only a fatal CadError (FreeCAD gone) or
 * an abort, which the caller turns into exit 4 or 130.
 */
export async function deliver(o: DeliverOptions): Promise<Delivery> {
  // The preview's tessellate call goes to FreeCAD first: it meshes each part once into the
  // worker's cache, which STL/OBJ/3MF then reuse (tessellation.py). The picture is drawn on a
  // render thread (off-thread.ts) while this thread keeps FreeCAD writing the model files.
  if (o.renderPreview) prewarmRenderThread();
  const [previewFiles, written] = await Promise.all([
    preview(o),
    exportParts({ registry: o.registry, ctx: o.ctx, parts: o.parts, formats: o.formats }),
  ]);
  const errors = written.errors;
  const files: Record<string, string> = {};
  for (const format of o.formats) {
    const file = written.files[format];
    if (!file) continue;
    files[format] = file;
    o.emit({ type: "export", format, file });
  }
  for (const err of errors) o.emit({ type: "export", format: err.format, error: err.message });
  let failure = errors.length ? `export failed: ${errors.map((e) => `${e.format}: ${e.message}`).join("; ")}` : null;
  const requirements = await checkRequirements(o);
  const failed = requirements.filter((r) => !r.pass);
  if (o.strict && failed.length && !failure)
    failure = `requirements failed (--strict): ${failed.map((r) => `${r.id} (${describeRequirement(r)}, measured ${JSON.stringify(r.measured)})`).join("; ")}`;
  return { files: { ...files, ...previewFiles }, failure, requirements, masses: await weigh(o) };
}

/** Each part's mass from the worker's density table (the one table, materials.py); a failure is a warning. */
async function weigh(o: DeliverOptions): Promise<Record<string, number>> {
  if (!o.material) return {};
  try {
    return await partMasses(o.ctx.cad, o.parts, o.material);
  } catch (e) {
    if ((e instanceof CadError && e.fatal) || o.ctx.signal?.aborted) throw e;
    o.emit({ type: "warning", message: `mass could not be measured: ${e instanceof Error ? e.message : String(e)}` });
    return {};
  }
}

/** report.json parts with their mass and what it was computed from, where known. */
export function withMasses(parts: PartSummary[], masses: Record<string, number>, material?: Material): PartSummary[] {
  return parts.map((p) => {
    const mass = masses[p.name];
    return mass === undefined || !material ? p : { ...p, mass_g: mass, ...material };
  });
}

/** A failed preview is only reported: the part itself is what was asked for. */
async function preview(o: DeliverOptions): Promise<Record<string, string>> {
  if (!o.renderPreview) return {};
  try {
    const written = await o.renderPreview({ registry: o.registry, ctx: o.ctx, parts: o.parts, outDir: o.ctx.outDir });
    for (const file of Object.values(written)) o.emit({ type: "preview", file });
    return written;
  } catch (e) {
    if ((e instanceof CadError && e.fatal) || o.ctx.signal?.aborted) throw e;
    o.emit({ type: "preview", error: e instanceof Error ? e.message : String(e) });
    return {};
  }
}

/** Measuring is a check, not a deliverable: a non-fatal failure leaves the table empty and says why. */
async function checkRequirements(o: DeliverOptions): Promise<RequirementResult[]> {
  try {
    const results = await measureRequirements(o.ctx, o.parts);
    if (results.length) o.emit({ type: "requirements", results });
    return results;
  } catch (e) {
    if ((e instanceof CadError && e.fatal) || o.ctx.signal?.aborted) throw e;
    o.emit({
      type: "warning",
      message: `requirements could not be measured: ${e instanceof Error ? e.message : String(e)}`,
    });
    return [];
  }
}

/** A delivery's export failure turns a successful outcome into a failed one. */
export function withDelivery(outcome: Outcome, delivery: Delivery): Outcome {
  return delivery.failure && outcome.exitCode === 0
    ? { status: "failed", exitCode: 1, error: delivery.failure }
    : outcome;
}

/**
 * The last writes of a run: the transcript when the caller buffered it (a design run streams
 * its own), then report.json.
 */
export async function writeDelivery(
  outDir: string,
  report: RunReport,
  transcriptLines?: readonly string[],
): Promise<void> {
  if (transcriptLines)
    await writeFileAtomic(
      path.join(outDir, TRANSCRIPT_FILE_NAME),
      transcriptLines.length ? `${transcriptLines.join("\n")}\n` : "",
    );
  await writeReport(outDir, report);
}

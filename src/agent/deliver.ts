import path from "node:path";
import { CadError } from "../cad/protocol.js";
import type { ToolContext } from "../tools/context.js";
import type { ToolRegistry } from "../tools/registry.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { exportParts, writeReport, type ExportFormat } from "./outputs.js";
import type { PreviewHook } from "./preview.js";
import type { RunReport, RunStatus } from "./report.js";

/**
 * The one end-of-run step shared by design runs, builds, edits and MCP: exports, then the
 * preview, then (in `writeDelivery`) the transcript and report.json, report last so its presence
 * means the folder is complete. Callers differ only in how they reached their final parts.
 */

export const TRANSCRIPT_FILE_NAME = "transcript.jsonl";

/** What delivery tells its caller as it goes; each caller maps these to its own event stream. */
export type DeliveryEvent =
  | { type: "export"; format: ExportFormat; file?: string; error?: string }
  | { type: "preview"; file?: string; error?: string };

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
}

export interface Delivery {
  /** report.json `files`: format or preview kind → file name relative to the output folder. */
  files: Record<string, string>;
  /** Set when an export failed: the run then fails (exit 1) with this message. */
  failure: string | null;
}

/**
 * Export the final parts in every format and render the preview. A failed export fails the
 * delivery; a failed preview is only reported. Throws only a fatal CadError (FreeCAD gone) or
 * an abort, which the caller turns into exit 4 or 130.
 */
export async function deliver(o: DeliverOptions): Promise<Delivery> {
  const exported = await exportParts({ registry: o.registry, ctx: o.ctx, parts: o.parts, formats: o.formats });
  const files: Record<string, string> = { ...exported.files };
  for (const [format, file] of Object.entries(exported.files))
    o.emit({ type: "export", format: format as ExportFormat, file });
  for (const err of exported.errors) o.emit({ type: "export", format: err.format, error: err.message });
  const failure = exported.errors.length
    ? `export failed: ${exported.errors.map((e) => `${e.format}: ${e.message}`).join("; ")}`
    : null;
  if (o.renderPreview) {
    try {
      const written = await o.renderPreview({ registry: o.registry, ctx: o.ctx, parts: o.parts, outDir: o.ctx.outDir });
      for (const file of Object.values(written)) o.emit({ type: "preview", file });
      Object.assign(files, written);
    } catch (e) {
      if ((e instanceof CadError && e.fatal) || o.ctx.signal?.aborted) throw e;
      o.emit({ type: "preview", error: e instanceof Error ? e.message : String(e) });
    }
  }
  return { files, failure };
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

import path from "node:path";
import type { ToolContext } from "../tools/context.js";
import type { ExportFormat } from "../util/export-formats.js";
import type { ToolRegistry } from "../tools/registry.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import type { PartSummary, RunReport, RunStatus } from "./report.js";

/**
 * What a finished run leaves in its output folder besides the design record: model files and
 * report.json (CLI.md "Output folder"). Shared by the agent loop, `build`, batch and MCP, so it
 * knows nothing about the command line.
 */

export {
  DEFAULT_FORMATS,
  EXPORT_FORMATS,
  isExportFormat,
  parseFormats,
  type ExportFormat,
} from "../util/export-formats.js";

export const REPORT_FILE_NAME = "report.json";

/** `model.<ext>`; FreeCAD's own extension is spelled FCStd. */
export function modelFileName(format: ExportFormat): string {
  return format === "fcstd" ? "model.FCStd" : `model.${format}`;
}

export interface ExportRequest {
  registry: ToolRegistry;
  ctx: ToolContext;
  /** The final parts; all of them go into each file. */
  parts: readonly string[];
  formats: readonly ExportFormat[];
}

export interface ExportError {
  format: ExportFormat;
  message: string;
}

export interface ExportResult {
  /** format → file name relative to the output folder (only formats that were written). */
  files: Partial<Record<ExportFormat, string>>;
  errors: ExportError[];
}

/**
 * Export the final parts in each format through the registry's `export` tool, so the same
 * validation and output-folder confinement apply as when the model exports. One failed format
 * does not stop the others: the caller decides whether a missing file fails the run.
 */
export async function exportParts(req: ExportRequest): Promise<ExportResult> {
  const result: ExportResult = { files: {}, errors: [] };
  for (const format of req.formats) {
    const outcome = await req.registry.execute(
      "export",
      { format, objects: [...req.parts], filename: modelFileName(format) },
      req.ctx,
    );
    if (!outcome.ok) {
      result.errors.push({ format, message: outcome.error?.message ?? "export failed" });
      continue;
    }
    const written = outcome.result?.path;
    result.files[format] = typeof written === "string" ? toRelative(req.ctx.outDir, written) : modelFileName(format);
  }
  return result;
}

/** The export tool reports paths relative to outDir; accept an absolute one too. */
function toRelative(outDir: string, p: string): string {
  return path.isAbsolute(p) ? path.relative(outDir, p) : p;
}

/** Write report.json into `outDir` atomically. Returns its path. */
export async function writeReport(outDir: string, report: RunReport): Promise<string> {
  const file = path.join(outDir, REPORT_FILE_NAME);
  await writeJsonAtomic(file, report);
  return file;
}

/** Why parts do or do not make a deliverable, empty when they do. */
export function partProblems(parts: readonly PartSummary[], opts: DeliveryOptions = {}): string[] {
  if (!parts.length) return ["no final parts"];
  const problems: string[] = [];
  for (const p of parts) {
    if (!p.valid) problems.push(`part '${p.name}' is not a valid solid`);
    else if (p.solids < 1) problems.push(`part '${p.name}' has no solid`);
    else if (!(p.volume > 0)) problems.push(`part '${p.name}' has no volume`);
    else if (p.solids > 1 && !opts.allowMultipleSolids)
      problems.push(
        `part '${p.name}' is ${p.solids} separate solids (set final.allow_multiple_solids in the record if that is intended)`,
      );
  }
  return problems;
}

/** What a delivery accepts beyond one valid solid per part. */
export interface DeliveryOptions {
  /** The record's `final.allow_multiple_solids`: separate bodies are the design's intent. */
  allowMultipleSolids?: boolean;
}

/**
 * Status and exit code of a run that got as far as final parts (CLI.md "Exit codes"):
 * 0/success with valid parts, 1/failed otherwise. A run that failed earlier (a failed replay
 * step, the model giving up) passes `failure` and is failed whatever its parts.
 */
export function runOutcome(
  parts: readonly PartSummary[],
  failure?: string | null,
  opts: DeliveryOptions = {},
): { status: RunStatus; exitCode: 0 | 1; error: string | null } {
  if (failure) return { status: "failed", exitCode: 1, error: failure };
  const problems = partProblems(parts, opts);
  return problems.length
    ? { status: "failed", exitCode: 1, error: problems.join("; ") }
    : { status: "success", exitCode: 0, error: null };
}

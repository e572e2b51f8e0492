import path from "node:path";
import type { ToolContext } from "../tools/context.js";
import { EXPORT_FORMATS, type ExportFormat } from "../tools/export.js";
import type { ToolRegistry } from "../tools/registry.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import type { PartSummary, RunReport, RunStatus } from "./report.js";

/**
 * What a finished run leaves in its output folder besides the design record: model files and
 * report.json (CLI.md "Output folder"). Shared by the agent loop, `build`, batch and MCP, so it
 * knows nothing about the command line.
 */

// The export tool owns the list of formats; re-exported so callers need one import.
export { EXPORT_FORMATS, type ExportFormat };

/** What `--formats` defaults to. */
export const DEFAULT_FORMATS: readonly ExportFormat[] = ["step", "stl", "fcstd"];

export const REPORT_FILE_NAME = "report.json";

/** `model.<ext>`; FreeCAD's own extension is spelled FCStd. */
export function modelFileName(format: ExportFormat): string {
  return format === "fcstd" ? "model.FCStd" : `model.${format}`;
}

export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}

/**
 * Parse a comma-separated format list ("step,stl"), case-insensitive, deduplicated.
 * Throws an Error naming the unknown entry and the known formats.
 */
export function parseFormats(list: string): ExportFormat[] {
  const out: ExportFormat[] = [];
  for (const raw of list.split(",")) {
    const f = raw.trim().toLowerCase();
    if (!f) continue;
    if (!isExportFormat(f)) throw new Error(`unknown format '${raw.trim()}' (known: ${EXPORT_FORMATS.join(", ")})`);
    if (!out.includes(f)) out.push(f);
  }
  if (!out.length) throw new Error(`no formats given (known: ${EXPORT_FORMATS.join(", ")})`);
  return out;
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
    const outcome = await req.registry.execute("export", { format, objects: [...req.parts], filename: modelFileName(format) }, req.ctx);
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
export function partProblems(parts: readonly PartSummary[]): string[] {
  if (!parts.length) return ["no final parts"];
  const problems: string[] = [];
  for (const p of parts) {
    if (!p.valid) problems.push(`part '${p.name}' is not a valid solid`);
    else if (p.solids < 1) problems.push(`part '${p.name}' has no solid`);
    else if (!(p.volume > 0)) problems.push(`part '${p.name}' has no volume`);
  }
  return problems;
}

/**
 * Status and exit code of a run that got as far as final parts (CLI.md "Exit codes"):
 * 0/success with valid parts, 1/failed otherwise. A run that failed earlier (a failed replay
 * step, the model giving up) passes `failure` and is failed whatever its parts.
 */
export function runOutcome(parts: readonly PartSummary[], failure?: string | null): { status: RunStatus; exitCode: 0 | 1; error: string | null } {
  if (failure) return { status: "failed", exitCode: 1, error: failure };
  const problems = partProblems(parts);
  return problems.length ? { status: "failed", exitCode: 1, error: problems.join("; ") } : { status: "success", exitCode: 0, error: null };
}

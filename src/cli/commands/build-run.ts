import { statSync } from "node:fs";
import path from "node:path";
import { buildDesign, type BuildEvent } from "../../agent/build-design.js";
import { previewHook } from "../../agent/preview.js";
import {
  applyOverrides,
  DESIGN_FILE_NAME,
  DesignRecordError,
  ParameterOverrideError,
  readDesignRecord,
  type DesignRecord,
  type StepValidator,
} from "../../record/design-record.js";
import { parseFormats, type ExportFormat } from "../../agent/outputs.js";
import type { RunReport } from "../../agent/report.js";
import type { CadClient } from "../../cad/client.js";
import { freecadInstallHint, type FreecadCommand } from "../../cad/find-freecad.js";
import type { ResolvedConfig } from "../../config/schema.js";
import { createRegistry } from "../../tools/catalog.js";
import { checkSteps } from "../../record/replay.js";
import { UserError, ExitCode } from "../../util/user-error.js";
import { failedRequirements, partLine, requirementLine } from "../render.js";
import { parseMaterial } from "../material-flag.js";
import { onInterrupt } from "../interrupt.js";
import { checkOutDir } from "../out-dir-check.js";
import { styleFor, type Style } from "../style.js";

/** `cadagent build`'s options (build.ts registers them). */
export interface BuildFlags {
  set: string[];
  out?: string;
  formats?: string;
  json?: boolean;
  views?: boolean;
  allowPython?: boolean;
  input: string[];
  strict?: boolean;
  material?: string;
}

/** FreeCAD as `build` started it before this module loaded (build.ts): its start runs meanwhile. */
export interface EarlyWorker {
  freecad: FreecadCommand | undefined;
  cad: CadClient | undefined;
  /** Settles with the start's error, or null once the worker is ready. */
  started: Promise<Error | null>;
}

/**
 * The rest of `cadagent build`: read and check the record, then replay it on the worker that is
 * already starting. A bad record is still exit 2 and a missing FreeCAD exit 4, in that order.
 */
export async function runBuild(
  design: string,
  flags: BuildFlags,
  config: ResolvedConfig,
  early: EarlyWorker,
): Promise<number> {
  const registry = createRegistry({ allowPython: flags.allowPython ?? false });
  const record = applyOverridesOrFail(loadRecord(design, registry), design, parseSets(flags.set));
  const formats = flags.formats !== undefined ? formatsOrFail(flags.formats) : config.formats;
  const material = flags.material !== undefined ? parseMaterial(flags.material) : undefined;
  const outDir = checkOutDir(
    config.out ?? defaultOutDir(design, config.outDir),
    config.out !== undefined ? "-o" : "output folder",
  );
  const bad = checkSteps(record, registry);
  if (bad.length) throw new UserError(`${design}: ${bad.slice(0, 10).join("\n")}`);
  if (flags.set.length && sameFile(design, path.join(outDir, DESIGN_FILE_NAME)))
    throw new UserError(
      `building ${design} with --set into its own folder would overwrite the record with the changed one; choose another --out`,
    );

  const { freecad, cad } = early;
  if (!freecad || !cad) throw new UserError(`FreeCAD not found: ${freecadInstallHint()}`, ExitCode.cad);
  // Ctrl-C or SIGTERM: stop, write what exists and report.json (exit 130).
  const abort = onInterrupt();
  const style = styleFor(process.stderr);
  try {
    const failed = await early.started;
    if (failed) {
      throw new UserError(
        `FreeCAD could not be started (${freecad.path}): ${failed.message}\n${freecadInstallHint()}`,
        ExitCode.cad,
      );
    }
    // stdout is for --json only; progress always goes to stderr.
    const progress = stderrProgress(record, style);
    const report = await buildDesign({
      record,
      outDir,
      formats,
      registry,
      cad,
      source: path.resolve(design),
      signal: abort.signal,
      renderPreview: previewHook({ views: flags.views ?? false }),
      inputs: { files: flags.input.map((f) => path.resolve(f)), folders: [] },
      strict: flags.strict ?? false,
      ...(material ? { material } : {}),
      ...(progress ? { onEvent: progress } : {}),
    });
    finishOutput(report, outDir, flags.json ?? false, style);
    return report.exitCode;
  } finally {
    abort.dispose();
  }
}

/** Whether two paths name the same existing file (through symlinks and hard links). */
function sameFile(a: string, b: string): boolean {
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

function loadRecord(file: string, tools: StepValidator): DesignRecord {
  try {
    return readDesignRecord(
      file,
      tools,
      "this record runs Python in FreeCAD: rebuild it with --allow-python if you trust it",
    );
  } catch (e) {
    if (e instanceof DesignRecordError) throw new UserError(e.message);
    throw e;
  }
}

/** `--set width=50` → {width: 50}; values are plain numbers in the parameter's unit. */
function parseSets(sets: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sets) {
    const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$/.exec(s);
    if (!m?.[1] || !m[2]) throw new UserError(`--set '${s}': expected name=value, e.g. --set width=50`);
    const value = Number(m[2]);
    if (!Number.isFinite(value)) throw new UserError(`--set '${s}': '${m[2]}' is not a number`);
    out[m[1]] = value;
  }
  return out;
}

function applyOverridesOrFail(record: DesignRecord, file: string, overrides: Record<string, number>): DesignRecord {
  try {
    return applyOverrides(record, overrides);
  } catch (e) {
    if (e instanceof ParameterOverrideError) throw new UserError(`${file}: --set: ${e.message}`);
    throw e;
  }
}

function formatsOrFail(list: string): ExportFormat[] {
  try {
    return parseFormats(list);
  } catch (e) {
    throw new UserError(`--formats: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `./cadagent-out/<record name>-<yyyymmdd-hhmmss>` (local time, as a user reads it). */
function defaultOutDir(design: string, root: string): string {
  const base = path.basename(design).replace(/\.cad\.json$|\.json$/i, "") || "design";
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, "0");
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return path.join(root, `${base}-${stamp}`);
}

/** Human progress, one line per step, on stderr (stdout stays for --json). */
function stderrProgress(record: DesignRecord, style: Style): (e: BuildEvent) => void {
  const total = record.steps.length;
  const write = (s: string): void => void process.stderr.write(`${s}\n`);
  return (e) => {
    if (e.type === "build-start") write(`building ${e.source ?? "design"} (${total} steps) → ${e.outDir}`);
    else if (e.type === "step" && e.ok) {
      write(`  [${e.index + 1}/${total}] ${e.tool}${healthNote(e.result)}`);
      for (const w of warningsOf(e.result)) write(`    warning: ${w}`);
    } else if (e.type === "step")
      write(
        `  ${style.fail("✗")} [${e.index + 1}/${total}] ${e.tool} FAILED: ${e.error?.message ?? "error"}${e.error?.hint ? ` (hint: ${e.error.hint})` : ""}`,
      );
    else if (e.type === "export" && e.error) write(`  export ${e.format} FAILED: ${e.error}`);
    else if (e.type === "preview" && e.error) write(style.warn(`  warning: no preview: ${e.error}`));
  };
}

function warningsOf(result: Record<string, unknown> | undefined): string[] {
  return Array.isArray(result?.warnings) ? result.warnings.filter((w): w is string => typeof w === "string") : [];
}

function healthNote(result: Record<string, unknown> | undefined): string {
  const name = typeof result?.name === "string" ? ` ${result.name}` : "";
  if (typeof result?.value === "number")
    return `${name} = ${result.value}${typeof result.unit === "string" && result.unit ? ` ${result.unit}` : ""}`;
  const volume =
    typeof result?.volume === "number" && result.volume > 0 ? `  volume ${result.volume.toFixed(2)} mm³` : "";
  return `${name}${volume}`;
}

function finishOutput(report: RunReport, outDir: string, json: boolean, style: Style): void {
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const w = (s: string): void => void process.stderr.write(`${s}\n`);
  for (const p of report.parts) w(partLine(p));
  for (const q of failedRequirements(report)) w(style.warn(`  requirement FAILED: ${requirementLine(q)}`));
  if (report.status === "success") w(`${style.ok("✓")} done: ${Object.values(report.files).join(", ")} in ${outDir}`);
  else
    w(
      `${style.fail("✗")} ${report.status}: ${report.error ?? "unknown error"}${report.exitCode === ExitCode.cad ? `\n${freecadInstallHint()}` : ""}`,
    );
}

import path from "node:path";
import type { RunReport } from "../agent/report.js";
import { previewHook } from "../agent/preview.js";
import { runDesign, type RunEdit } from "../agent/run-design.js";
import type { ReadableInputs } from "../tools/context.js";
import { Redactor } from "../util/redact.js";
import { onInterrupt } from "./interrupt.js";
import { providerAdapter } from "./provider-adapter.js";
import { formatReport, humanRenderer, ndjsonRenderer } from "./render.js";
import type { DesignFlags, ResolvedRun } from "./resolve-run.js";
import { styleFor } from "./style.js";

/** Flags of `design` and `edit`. */
export interface RunFlags extends DesignFlags {
  briefFile?: string;
  interactive?: boolean;
  /** `--input`, repeatable. */
  input?: string[];
}

export interface RunOnceOptions {
  brief: string;
  run: ResolvedRun;
  flags: RunFlags;
  /** Another output folder than the run's (a follow-up in -i). */
  outDir?: string;
  edit?: RunEdit;
  /** Files import_shape may read besides `--input` (the part being edited). */
  inputs?: ReadableInputs;
}

/**
 * One model run as the terminal shows it: progress on stderr, the closing lines, `--json` on
 * stdout. The first Ctrl-C or SIGTERM stops and saves what exists (exit 130), a second leaves at once.
 */
export async function runOnce(o: RunOnceOptions): Promise<RunReport> {
  const { run, flags } = o;
  const outDir = o.outDir ?? run.outDir;
  const redactor = new Redactor([run.key?.key]);
  const err = (s: string): void => void process.stderr.write(redactor.redact(s));
  const style = styleFor(process.stderr);
  const human = humanRenderer(err, redactor, style);
  const events = flags.events ? ndjsonRenderer((s) => void process.stdout.write(s)) : undefined;
  const inputs: ReadableInputs = o.inputs ?? {
    files: (flags.input ?? []).map((f) => path.resolve(f)),
    folders: [],
  };
  // First Ctrl-C or SIGTERM: stop and save what exists (exit 130). Second: leave at once.
  const interrupt = onInterrupt(() =>
    err("\ninterrupting: saving the design record, transcript and report (Ctrl-C again to quit now)\n"),
  );
  let report: RunReport;
  try {
    report = await runDesign({
      brief: o.brief,
      provider: run.provider,
      model: run.model,
      adapter: providerAdapter(run.provider, run.baseUrl, run.key?.key),
      outDir,
      formats: run.config.formats,
      maxTurns: run.config.maxTurns,
      ...(run.config.budgetUsd !== undefined ? { budgetUsd: run.config.budgetUsd } : {}),
      ...(run.config.effort ? { effort: run.config.effort } : {}),
      ...(run.timeoutMs !== undefined ? { timeoutMs: run.timeoutMs } : {}),
      allowPython: flags.allowPython ?? false,
      review: flags.review !== false,
      strict: flags.strict ?? false,
      inputs,
      ...(o.edit ? { edit: o.edit } : {}),
      renderPreview: previewHook({ views: flags.views ?? false }),
      freecadCmd: run.freecadCmd,
      signal: interrupt.signal,
      redactor,
      onEvent: (e) => {
        human(e);
        events?.(e);
      },
    });
  } finally {
    interrupt.dispose();
  }
  err(formatReport(report, path.resolve(outDir), style));
  if (flags.json) process.stdout.write(`${redactor.redact(JSON.stringify(report, null, 2))}\n`);
  return report;
}

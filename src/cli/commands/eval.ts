import { statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { DEFAULT_THRESHOLDS, runEval, type EvalRun, type StepImport, type Thresholds } from "../../eval/run-eval.js";
import { EvalSuiteError, loadSuite, type EvalSuite } from "../../eval/suite.js";
import { findFreecad, freecadInstallHint } from "../../cad/find-freecad.js";
import type { ExportFormat } from "../../agent/outputs.js";
import { previewHook } from "../../agent/preview.js";
import { Redactor } from "../../util/redact.js";
import { runDesign } from "../../agent/run-design.js";
import { CadClient } from "../../cad/client.js";
import { UserError, ExitCode } from "../../util/user-error.js";
import { providerAdapter } from "../provider-adapter.js";
import { onInterrupt } from "../interrupt.js";
import { resolveRun, type DesignFlags } from "../resolve-run.js";

interface EvalFlags extends DesignFlags {
  repeat?: string;
  cases?: string;
  volumeTol?: string;
  bboxTolMm?: string;
  bboxTolPct?: string;
  chamferTol?: string;
  samples?: string;
  from?: string;
}

function positive(flag: string, raw: string | undefined, fallback: number, integer = false): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0 || (integer && (!Number.isInteger(v) || v < 1)))
    throw new UserError(
      `invalid ${flag} ${JSON.stringify(raw)}: expected ${integer ? "a whole number >= 1" : "a number >= 0"}`,
      ExitCode.usage,
    );
  return v;
}

/** Registers `cadagent eval <suite>`. */
export function register(program: Command): void {
  program
    .command("eval")
    .description(
      "Run an evaluation suite: design every case with the configured provider and score it against its references",
    )
    .argument(
      "<suite>",
      "a folder of cases: each a subfolder with prompt.txt and expected.json and/or a reference .stl",
    )
    .option("--repeat <k>", "runs per case, for pass@k (default 1)")
    .option("--cases <names>", "only these cases (comma-separated folder names)")
    .option("-p, --provider <id>", "anthropic | openai | gemini | openrouter | any id in providers/*.json")
    .option("-m, --model <id>", "model id (default: the provider's default model)")
    .option("--base-url <url>", "override the provider endpoint")
    .option("--max-turns <n>", "turn limit per run (default 30)")
    .option("--timeout <seconds>", "deadline per run")
    .option("--budget <usd>", "cost limit per run")
    .option("-o, --out <dir>", "output folder (default: ./cadagent-out/eval-<yyyymmdd-hhmmss>)")
    .option(
      "--volume-tol <pct>",
      `pass: |volume error| at most this, percent (default ${DEFAULT_THRESHOLDS.volumePct})`,
    )
    .option(
      "--bbox-tol-mm <mm>",
      `pass: each bbox axis within max(this, --bbox-tol-pct) (default ${DEFAULT_THRESHOLDS.bboxMm})`,
    )
    .option("--bbox-tol-pct <pct>", `percent of the reference size (default ${DEFAULT_THRESHOLDS.bboxPct})`)
    .option("--chamfer-tol <mm>", "pass also needs Chamfer mean at most this (default: not required)")
    .option("--samples <n>", "surface points per mesh for the Chamfer distance (default 5000)")
    .option(
      "--from <folder>",
      "score the runs already in <folder>/<case>/<k>/ (as eval writes them) without a provider",
    )
    .option("--no-review", "skip the self-check turn of each design run")
    .option("--json", "print eval.json on stdout at the end")
    .addHelpText(
      "after",
      `
Each run is a normal design run in <out>/<case>/<repeat>/; eval.json and eval.html (self-contained)
go in <out>. A run passes when its part is a valid solid, its STEP re-imports with the same volume,
its volume is within --volume-tol and every bounding-box size within max(--bbox-tol-mm, --bbox-tol-pct).
Reports the validity funnel, bbox error per axis, volume error, Chamfer distance (bbox centres
aligned), pass@1 with a 95 % Wilson interval, unbiased pass@k, tokens, cost, LLM and CAD time.
Exit codes: 0 the eval ran (whatever the pass rate), 2 usage, 3 provider errors ended every run, 130 interrupted.

With --from, nothing is designed: each <folder>/<case>/<k>/ (k = 1, 2, …) holding a report.json
and the model files (model.step, model.stl) is scored again, e.g. with new thresholds, or runs
built by cadagent batch / cadagent build laid out that way; eval.json goes to -o or <folder>.

Examples:
  $ cadagent eval examples/eval -p anthropic --repeat 3
  $ cadagent eval examples/eval --from cadagent-out/eval-20261202-101500 --volume-tol 0.5`,
    )
    .action(async (suiteDir: string, flags: EvalFlags) => {
      process.exitCode = await evalCommand(suiteDir, flags);
    });
}

export async function evalCommand(suiteDir: string, flags: EvalFlags): Promise<number> {
  const repeat = positive("--repeat", flags.repeat, 1, true);
  const samples = positive("--samples", flags.samples, 5000, true);
  const thresholds: Thresholds = {
    volumePct: positive("--volume-tol", flags.volumeTol, DEFAULT_THRESHOLDS.volumePct),
    bboxMm: positive("--bbox-tol-mm", flags.bboxTolMm, DEFAULT_THRESHOLDS.bboxMm),
    bboxPct: positive("--bbox-tol-pct", flags.bboxTolPct, DEFAULT_THRESHOLDS.bboxPct),
    chamferMm: flags.chamferTol === undefined ? null : positive("--chamfer-tol", flags.chamferTol, 0),
  };
  const only = flags.cases
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  let suite;
  try {
    suite = loadSuite(suiteDir, only);
  } catch (e) {
    if (e instanceof EvalSuiteError) throw new UserError(e.message, ExitCode.usage);
    throw e;
  }
  if (flags.from !== undefined) return evalFromCommand(suite, flags.from, flags, thresholds, samples);
  // The run folder name comes from the "brief" "eval": ./cadagent-out/eval-<timestamp>.
  const run = await resolveRun("eval", { ...flags, json: false });
  const redactor = new Redactor([run.key?.key]);
  const err = (s: string): void => void process.stderr.write(redactor.redact(s));
  const formats: ExportFormat[] = [...new Set<ExportFormat>([...run.config.formats, "step", "stl"])];
  const adapter = providerAdapter(run.provider, run.baseUrl, run.key?.key);
  const checker = new CadClient({ freecadCmd: run.freecadCmd, defaultTimeoutMs: 120_000 });
  // Ctrl-C or SIGTERM (a cancelled CI job): finish the files with what exists; a second one quits.
  const interrupt = onInterrupt(() =>
    err("\ninterrupting: finishing eval.json and eval.html with the runs so far (Ctrl-C again to quit now)\n"),
  );
  err(
    `eval ${suite.dir}: ${suite.cases.length} cases × ${repeat} with ${run.provider.id}/${run.model} → ${run.outDir}\n`,
  );
  try {
    const result = await runEval({
      suite,
      outDir: run.outDir,
      repeat,
      thresholds,
      samples,
      signal: interrupt.signal,
      meta: {
        provider: run.provider.id,
        model: run.model,
        review: flags.review !== false,
        maxTurns: run.config.maxTurns,
      },
      runCase: ({ case: c, outDir }) =>
        runDesign({
          brief: c.prompt,
          provider: run.provider,
          model: run.model,
          adapter,
          outDir,
          formats,
          maxTurns: run.config.maxTurns,
          ...(run.config.budgetUsd !== undefined ? { budgetUsd: run.config.budgetUsd } : {}),
          ...(run.timeoutMs !== undefined ? { timeoutMs: run.timeoutMs } : {}),
          ...(flags.review === false ? { review: false } : {}),
          renderPreview: previewHook({ views: false }),
          freecadCmd: run.freecadCmd,
          signal: interrupt.signal,
          redactor,
        }),
      reimportStep: (file) =>
        checker
          .call<StepImport>("import_measure", { path: file }, { timeoutMs: 60_000 })
          .then((r) => ({ ...r, error: r.error ?? null })),
      onRun: (r, i, total) => err(`${progressLine(r, i, total)}\n`),
    });
    const s = result.summary;
    err(
      `pass@1 ${(s.passAt1.value * 100).toFixed(1)} % (95 % CI ${(s.passAt1.wilson95.low * 100).toFixed(1)}–${(s.passAt1.wilson95.high * 100).toFixed(1)} %), ${s.passes}/${s.runs} runs passed; ` +
        `funnel ${s.funnel.finished}/${s.funnel.shapeExists}/${s.funnel.validSolid}/${s.funnel.stepReimports} of ${s.runs}\n` +
        `eval.json and eval.html in ${path.relative(process.cwd(), run.outDir) || "."}\n`,
    );
    if (flags.json) process.stdout.write(`${redactor.redact(JSON.stringify(result, null, 2))}\n`);
    if (result.interrupted) return ExitCode.interrupted;
    if (result.runs.length > 0 && result.runs.every((r) => r.exitCode === ExitCode.provider)) return ExitCode.provider;
    return ExitCode.ok;
  } finally {
    interrupt.dispose();
    await checker.close().catch(() => undefined);
  }
}

/** `--from`: score existing run folders; no provider, no key, only FreeCAD for the STEP re-import. */
async function evalFromCommand(
  suite: EvalSuite,
  from: string,
  flags: EvalFlags,
  thresholds: Thresholds,
  samples: number,
): Promise<number> {
  const folder = path.resolve(from);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new UserError(`--from ${from}: no such folder`, ExitCode.usage);
  const freecad = findFreecad();
  if (!freecad) throw new UserError(`FreeCAD not found: ${freecadInstallHint()}`, ExitCode.cad);
  const outDir = path.resolve(flags.out ?? folder);
  const checker = new CadClient({ freecadCmd: freecad.path, defaultTimeoutMs: 120_000 });
  const err = (s: string): void => void process.stderr.write(s);
  try {
    const result = await runEval({
      suite,
      outDir,
      from: folder,
      repeat: 1,
      thresholds,
      samples,
      meta: { from: folder },
      reimportStep: (file) =>
        checker
          .call<StepImport>("import_measure", { path: file }, { timeoutMs: 60_000 })
          .then((r) => ({ ...r, error: r.error ?? null })),
      onRun: (r, i, total) => err(`${progressLine(r, i, total)}\n`),
    });
    if (!result.runs.length)
      throw new UserError(
        `--from ${from}: no runs found; expected <folder>/<case>/<k>/report.json for the suite's cases (${suite.cases.map((c) => c.name).join(", ")})`,
        ExitCode.usage,
      );
    const s = result.summary;
    err(
      `pass@1 ${(s.passAt1.value * 100).toFixed(1)} %, ${s.passes}/${s.runs} runs passed (scored from ${folder})\n` +
        `eval.json and eval.html in ${path.relative(process.cwd(), outDir) || "."}\n`,
    );
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return ExitCode.ok;
  } finally {
    await checker.close().catch(() => undefined);
  }
}

function progressLine(r: EvalRun, i: number, total: number): string {
  const bits = [`[${i}/${total}] ${r.case} #${r.repeat}`, r.pass ? "PASS" : "FAIL"];
  if (r.volumeErrorPct !== null) bits.push(`vol ${r.volumeErrorPct >= 0 ? "+" : ""}${r.volumeErrorPct.toFixed(2)} %`);
  if (r.bboxErrorMm) bits.push(`bbox ${r.bboxErrorMm.map((v) => v.toFixed(2)).join("/")} mm`);
  if (r.chamfer) bits.push(`chamfer ${r.chamfer.mean.toFixed(3)} mm`);
  bits.push(`${(r.timing.totalMs / 1000).toFixed(1)} s`);
  if (r.requirements.total) bits.push(`requirements ${r.requirements.passed}/${r.requirements.total}`);
  if (!r.pass && r.failures[0]) bits.push(`(${r.failures[0]})`);
  return bits.join("  ");
}

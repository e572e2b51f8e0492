import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RunReport } from "../agent/report.js";
import { renderEvalHtml } from "./eval-html.js";
import type { EvalCaseSummary, EvalResult, EvalRun, Funnel } from "./eval-result.js";
import { bboxError, boxSize, chamferDistance, unionBox, volumeErrorPct, type ChamferResult } from "./metrics.js";
import { passAtK, wilsonInterval } from "./pass-at-k.js";
import { readStl } from "./stl.js";
import { existingRuns, readRunReport } from "./from-folder.js";
import type { EvalCase, EvalSuite } from "./suite.js";
import type { Thresholds } from "./thresholds.js";

export { DEFAULT_THRESHOLDS, type Thresholds } from "./thresholds.js";
export type { EvalCaseSummary, EvalResult, EvalRun, Funnel } from "./eval-result.js";

/**
 * `cadagent eval`: every case run `repeat` times through an injected design runner, each run
 * measured against the case's references, then eval.json and eval.html written. Never writes to
 * the terminal: progress goes to `onRun`.
 */

export interface StepImport {
  ok: boolean;
  valid: boolean;
  solids: number;
  volume: number;
  error: string | null;
}

export interface RunCaseRequest {
  case: EvalCase;
  /** 1-based. */
  repeat: number;
  outDir: string;
}

export interface EvalOptions {
  suite: EvalSuite;
  outDir: string;
  repeat: number;
  thresholds: Thresholds;
  /** Points per surface for Chamfer (default 5000). */
  samples?: number;
  /** Designs one case; not called with `from`. */
  runCase?: (req: RunCaseRequest) => Promise<RunReport>;
  /** Score the runs already in this folder (`<from>/<case>/<k>/report.json`) instead of running cases. */
  from?: string;
  reimportStep: (file: string) => Promise<StepImport>;
  onRun?: (run: EvalRun, index: number, total: number) => void;
  signal?: AbortSignal;
  meta?: Record<string, unknown>;
}

export function passDefinition(t: Thresholds): string {
  return `valid solid and STEP re-imports, and |volume error| <= ${t.volumePct} %, and every bbox axis within max(${t.bboxMm} mm, ${t.bboxPct} % of the reference size)${t.chamferMm !== null ? `, and Chamfer mean <= ${t.chamferMm} mm` : ""} (metrics a case has no reference for are skipped)`;
}

export async function runEval(o: EvalOptions): Promise<EvalResult> {
  const outDir = path.resolve(o.outDir);
  await mkdir(outDir, { recursive: true });
  const runs: EvalRun[] = [];
  const planned = o.from
    ? existingRuns(o.from, o.suite.cases)
    : o.suite.cases.flatMap((c) =>
        Array.from({ length: o.repeat }, (_, i) => ({
          case: c,
          repeat: i + 1,
          dir: path.join(outDir, c.name, String(i + 1)),
        })),
      );
  let interrupted = false;
  for (const p of planned) {
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    const report = o.from
      ? readRunReport(p.dir)
      : await (o.runCase ?? noRunner)({ case: p.case, repeat: p.repeat, outDir: p.dir });
    const run = await measureRun(p.case, p.repeat, p.dir, report, o);
    runs.push(run);
    o.onRun?.(run, runs.length, planned.length);
  }
  if (o.signal?.aborted) interrupted = true;
  const result = summarise(o, runs, interrupted);
  await writeFile(path.join(outDir, "eval.json"), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(path.join(outDir, "eval.html"), renderEvalHtml(result, outDir));
  return result;
}

async function measureRun(
  c: EvalCase,
  repeat: number,
  dir: string,
  report: RunReport,
  o: EvalOptions,
): Promise<EvalRun> {
  const t0 = performance.now();
  const t = o.thresholds;
  const parts = report.parts;
  const volume = parts.length ? parts.reduce((s, p) => s + p.volume, 0) : null;
  const box = unionBox(parts.map((p) => p.bbox));
  const funnel: Funnel = {
    finished: report.stopReason === "finished",
    shapeExists: parts.some((p) => p.solids > 0 && p.volume > 0),
    validSolid: false,
    stepReimports: false,
  };
  funnel.validSolid = funnel.shapeExists && report.status === "success" && parts.every((p) => p.valid && p.solids >= 1);
  const failures: string[] = [];
  let stepVolume: number | null = null;
  const stepFile = report.files.step ? path.join(dir, report.files.step) : null;
  if (funnel.validSolid && stepFile && existsSync(stepFile)) {
    const imp = await o.reimportStep(stepFile).catch((e: unknown): StepImport => ({
      ok: false,
      valid: false,
      solids: 0,
      volume: 0,
      error: e instanceof Error ? e.message : String(e),
    }));
    stepVolume = imp.volume;
    // Same volume to 0.1 %: a STEP that reads back as something else is not the part.
    funnel.stepReimports =
      imp.ok &&
      imp.valid &&
      imp.solids >= 1 &&
      volume !== null &&
      Math.abs(imp.volume - volume) <= 1e-3 * Math.max(volume, 1e-9);
    if (!funnel.stepReimports)
      failures.push(
        `STEP re-import: ${imp.error ?? `valid=${imp.valid}, solids=${imp.solids}, volume ${imp.volume} vs ${volume}`}`,
      );
  }
  if (!funnel.finished)
    failures.push(`run did not finish (${typeof report.stopReason === "string" ? report.stopReason : report.status})`);
  else if (!funnel.shapeExists) failures.push("no solid shape");
  else if (!funnel.validSolid) failures.push("parts are not valid solids");
  else if (!stepFile) failures.push("no STEP file");

  const volErr = volume !== null && c.volume !== null ? volumeErrorPct(volume, c.volume) : null;
  if (volErr !== null && Math.abs(volErr) > t.volumePct)
    failures.push(`volume error ${volErr.toFixed(2)} % > ${t.volumePct} %`);
  const bboxErr = box && c.bbox ? bboxError(box, c.bbox) : null;
  if (bboxErr && c.bbox) {
    const ref = boxSize(c.bbox);
    bboxErr.forEach((e, a) => {
      const tol = Math.max(t.bboxMm, (t.bboxPct / 100) * ref[a]!);
      if (e > tol) failures.push(`bbox ${"xyz"[a]} error ${e.toFixed(3)} mm > ${tol.toFixed(3)} mm`);
    });
  }
  let chamfer: ChamferResult | null = null;
  const stl = report.files.stl ? path.join(dir, report.files.stl) : null;
  if (c.reference && stl && existsSync(stl) && funnel.shapeExists) {
    try {
      chamfer = chamferDistance(readStl(stl), c.reference, o.samples !== undefined ? { samples: o.samples } : {});
    } catch (e) {
      failures.push(`Chamfer distance: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (t.chamferMm !== null && c.reference && (!chamfer || chamfer.mean > t.chamferMm))
    failures.push(chamfer ? `Chamfer mean ${chamfer.mean.toFixed(3)} mm > ${t.chamferMm} mm` : "no Chamfer distance");
  const pass = funnel.validSolid && funnel.stepReimports && failures.length === 0;
  const u = report.usage;
  return {
    case: c.name,
    repeat,
    outDir: dir,
    status: report.status,
    exitCode: report.exitCode,
    error: report.error,
    funnel,
    volume,
    volumeErrorPct: volErr,
    size: box ? boxSize(box) : null,
    bboxErrorMm: bboxErr,
    chamfer,
    stepVolume,
    pass,
    failures,
    tokens: { input: u?.inputTokens ?? 0, output: u?.outputTokens ?? 0, cacheRead: u?.cacheReadTokens ?? 0 },
    costUsd: u?.costUsd ?? null,
    timing: {
      totalMs: report.timing.totalMs,
      llmMs: report.timing.llmMs,
      cadMs: report.timing.cadMs,
      metricsMs: Math.round(performance.now() - t0),
    },
    turns: report.turns,
    toolCalls: report.toolCalls,
    toolErrors: report.toolErrors,
    requirements: requirementCounts(report),
  };
}

function requirementCounts(report: RunReport): { passed: number; total: number } {
  const list = Array.isArray(report.requirements) ? (report.requirements as Array<{ pass?: unknown }>) : [];
  return { passed: list.filter((r) => r.pass === true).length, total: list.length };
}

function noRunner(): never {
  throw new Error("runEval needs runCase or from");
}

function requirementRate(runs: EvalRun[]): number | null {
  const total = runs.reduce((s, r) => s + r.requirements.total, 0);
  return total ? runs.reduce((s, r) => s + r.requirements.passed, 0) / total : null;
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : null);
const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function summarise(o: EvalOptions, runs: EvalRun[], interrupted: boolean): EvalResult {
  const cases: EvalCaseSummary[] = o.suite.cases.map((c) => {
    const mine = runs.filter((r) => r.case === c.name);
    const passes = mine.filter((r) => r.pass).length;
    const pk: Record<string, number> = {};
    for (let k = 1; k <= mine.length; k++) pk[String(k)] = passAtK(mine.length, passes, k);
    return {
      case: c.name,
      prompt: c.prompt,
      expected: {
        bbox: c.bbox,
        volume: c.volume,
        referenceStl: c.referenceStl ? path.relative(o.suite.dir, c.referenceStl) : null,
        notes: c.notes,
      },
      runs: mine.length,
      passes,
      passAtK: pk,
      requirementPassRate: requirementRate(mine),
    };
  });
  const ran = cases.filter((c) => c.runs > 0);
  const minRuns = ran.length ? Math.min(...ran.map((c) => c.runs)) : 0;
  const passAtKAll: Record<string, number> = {};
  for (let k = 1; k <= minRuns; k++) passAtKAll[String(k)] = mean(ran.map((c) => passAtK(c.runs, c.passes, k))) ?? 0;
  const passes = runs.filter((r) => r.pass).length;
  const count = (f: keyof Funnel): number => runs.filter((r) => r.funnel[f]).length;
  const bboxErrs = runs.map((r) => r.bboxErrorMm).filter((b): b is [number, number, number] => b !== null);
  const costs = runs.map((r) => r.costUsd);
  const sum = (f: (r: EvalRun) => number): number => runs.reduce((s, r) => s + f(r), 0);
  return {
    suite: o.suite.dir,
    createdAt: new Date().toISOString(),
    repeat: o.repeat,
    thresholds: o.thresholds,
    passDefinition: passDefinition(o.thresholds),
    meta: o.meta ?? {},
    interrupted,
    summary: {
      cases: ran.length,
      runs: runs.length,
      funnel: {
        runs: runs.length,
        finished: count("finished"),
        shapeExists: count("shapeExists"),
        validSolid: count("validSolid"),
        stepReimports: count("stepReimports"),
      },
      passes,
      passAt1: { value: runs.length ? passes / runs.length : 0, wilson95: wilsonInterval(passes, runs.length) },
      passAtK: passAtKAll,
      meanVolumeErrorPct: mean(
        runs
          .map((r) => r.volumeErrorPct)
          .filter((v): v is number => v !== null)
          .map(Math.abs),
      ),
      meanBboxErrorMm: bboxErrs.length
        ? ([0, 1, 2].map((a) => mean(bboxErrs.map((b) => b[a]!)) ?? 0) as [number, number, number])
        : null,
      chamferMeanMm: mean(runs.flatMap((r) => (r.chamfer ? [r.chamfer.mean] : []))),
      chamferMedianMm: median(runs.flatMap((r) => (r.chamfer ? [r.chamfer.median] : []))),
      tokens: {
        input: sum((r) => r.tokens.input),
        output: sum((r) => r.tokens.output),
        cacheRead: sum((r) => r.tokens.cacheRead),
      },
      costUsd: costs.some((c) => c === null) ? null : costs.reduce<number>((s, c) => s + (c ?? 0), 0),
      timing: {
        llmMs: sum((r) => r.timing.llmMs),
        cadMs: sum((r) => r.timing.cadMs),
        totalMs: sum((r) => r.timing.totalMs),
      },
    },
    cases,
    runs,
  };
}

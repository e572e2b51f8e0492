import type { RunReport } from "../agent/report.js";
import type { ChamferResult } from "./metrics.js";
import type { Box3 } from "./stl.js";
import type { Thresholds } from "./thresholds.js";

/** What an evaluation produced: per run, per case and for the suite (eval.json). */

export interface Funnel {
  finished: boolean;
  shapeExists: boolean;
  validSolid: boolean;
  stepReimports: boolean;
}

export interface EvalRun {
  case: string;
  repeat: number;
  outDir: string;
  status: RunReport["status"];
  exitCode: number;
  error: string | null;
  funnel: Funnel;
  volume: number | null;
  volumeErrorPct: number | null;
  size: [number, number, number] | null;
  bboxErrorMm: [number, number, number] | null;
  chamfer: ChamferResult | null;
  stepVolume: number | null;
  pass: boolean;
  /** Why it did not pass (empty when it passed). */
  failures: string[];
  tokens: { input: number; output: number; cacheRead: number };
  costUsd: number | null;
  timing: { totalMs: number; llmMs: number; cadMs: number; metricsMs: number };
  turns: number;
  toolCalls: number;
  toolErrors: number;
  /** The requirements the model declared, measured on the delivered part (report.json `requirements`). */
  requirements: { passed: number; total: number };
}

export interface EvalCaseSummary {
  case: string;
  prompt: string;
  expected: { bbox: Box3 | null; volume: number | null; referenceStl: string | null; notes: string | null };
  runs: number;
  passes: number;
  passAtK: Record<string, number>;
  /** Passed over declared requirements across the case's runs; null when no run declared any. */
  requirementPassRate: number | null;
}

export interface EvalResult {
  suite: string;
  createdAt: string;
  repeat: number;
  thresholds: Thresholds;
  passDefinition: string;
  meta: Record<string, unknown>;
  interrupted: boolean;
  summary: {
    cases: number;
    runs: number;
    funnel: { runs: number; finished: number; shapeExists: number; validSolid: number; stepReimports: number };
    passes: number;
    passAt1: { value: number; wilson95: { low: number; high: number } };
    /** Unbiased estimator averaged over cases, for k = 1..repeat. */
    passAtK: Record<string, number>;
    meanVolumeErrorPct: number | null;
    meanBboxErrorMm: [number, number, number] | null;
    chamferMeanMm: number | null;
    chamferMedianMm: number | null;
    tokens: { input: number; output: number; cacheRead: number };
    costUsd: number | null;
    timing: { llmMs: number; cadMs: number; totalMs: number };
  };
  cases: EvalCaseSummary[];
  runs: EvalRun[];
}

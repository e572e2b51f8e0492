import type { RunReport } from "../agent/report.js";
import { describeRequirement, type RequirementResult } from "../tools/requirements.js";

/** A job's status in summary.json: its report's, or `not-run` when the batch stopped before it. */
export type JobStatus = RunReport["status"] | "not-run";

/** One job's line in summary.json. */
export interface JobSummary {
  id: string;
  kind: "brief" | "design";
  status: JobStatus;
  exitCode: number;
  /** True when --resume found the job complete and kept its earlier result. */
  resumed: boolean;
  /** The job's folder relative to the batch folder (links in index.html are relative to it). */
  dir: string;
  brief: string | null;
  provider: string | null;
  model: string | null;
  turns: number;
  tokens: { input: number; output: number } | null;
  costUsd: number | null;
  ms: number;
  parts: RunReport["parts"];
  parameters: RunReport["parameters"];
  /** format → file name relative to `dir`. */
  files: Record<string, string>;
  error: string | null;
  /** Declared requirements the delivered part missed, one line each (absent when none failed). */
  failedRequirements?: string[];
  /** A design job's `set`: the values that differ from the record's brief. */
  overrides?: Record<string, number>;
  /** Warnings the tools raised on the way (report.json `warnings`), shown on the card and the job line. */
  warnings: string[];
}

export interface BatchSummary {
  format: "cadagent.batch/1";
  startedAt: string;
  totalMs: number;
  concurrency: number;
  shard: string | null;
  /** True when the batch was stopped (Ctrl-C) before every job ran. */
  interrupted: boolean;
  counts: { total: number; success: number; failed: number; interrupted: number; notRun: number; resumed: number };
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null };
  jobs: JobSummary[];
  /** Only in the summary `cadagent batch merge` writes. */
  merge?: MergeInfo;
}

/** Where a merged summary came from, and what did not add up (`cadagent batch merge`). */
export interface MergeInfo {
  /** The merged folders, relative to the merged folder. */
  sources: { dir: string; shard: string | null; jobs: number; totalMs: number; interrupted: boolean }[];
  /** True when job folders were copied into the merged folder; otherwise `dir` links into the sources. */
  copied: boolean;
  /** Ids found in more than one folder (one result is kept). */
  duplicates: { id: string; dirs: string[] }[];
  /** Ids of the jobs file (`--jobs`) that no folder has; they appear as not-run. */
  missing: string[];
  /** Ids no line of the jobs file has (only with `--jobs`). */
  unexpected?: string[];
  /** `i/n` shards that no folder ran, and shards run by more than one folder. */
  missingShards: string[];
  repeatedShards: string[];
}

export function jobSummary(
  id: string,
  kind: JobSummary["kind"],
  dir: string,
  r: RunReport,
  resumed = false,
): JobSummary {
  return {
    id,
    kind,
    status: r.status,
    exitCode: r.exitCode,
    resumed,
    dir,
    brief: r.brief || null,
    provider: r.provider,
    model: r.model,
    turns: r.turns,
    tokens: r.usage ? { input: r.usage.inputTokens, output: r.usage.outputTokens } : null,
    costUsd: r.usage?.costUsd ?? null,
    ms: r.timing.totalMs,
    parts: r.parts,
    parameters: r.parameters,
    files: r.files,
    error: r.error,
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w): w is string => typeof w === "string") : [],
    ...failedRequirements(r),
  };
}

function failedRequirements(r: RunReport): { failedRequirements?: string[] } {
  const failed = Array.isArray(r.requirements) ? (r.requirements as RequirementResult[]).filter((q) => !q.pass) : [];
  if (!failed.length) return {};
  return {
    failedRequirements: failed.map(
      (q) =>
        `${q.id}: ${describeRequirement(q)}, measured ${Array.isArray(q.measured) ? q.measured.join("×") : q.measured}`,
    ),
  };
}

/** A job the batch never started (it was interrupted first). */
export function notRunSummary(
  id: string,
  kind: JobSummary["kind"],
  dir: string,
  brief: string | undefined,
): JobSummary {
  return {
    id,
    kind,
    status: "not-run",
    exitCode: 130,
    resumed: false,
    dir,
    brief: brief ?? null,
    provider: null,
    model: null,
    turns: 0,
    tokens: null,
    costUsd: null,
    ms: 0,
    parts: [],
    parameters: {},
    files: {},
    error: "not run: the batch was interrupted first",
    warnings: [],
  };
}

/**
 * Totals. Cost is null as soon as one brief job's cost is unknown (never a partial guess);
 * design-record jobs cost nothing. `failed` counts `failed` and `error` reports.
 */
export function totals(jobs: readonly JobSummary[]): Pick<BatchSummary, "counts" | "usage"> {
  let cost: number | null = 0;
  let input = 0;
  let output = 0;
  for (const j of jobs) {
    input += j.tokens?.input ?? 0;
    output += j.tokens?.output ?? 0;
    if (j.kind === "brief" && j.status !== "not-run")
      cost = cost === null || j.costUsd === null ? null : cost + j.costUsd;
  }
  const count = (p: (j: JobSummary) => boolean): number => jobs.filter(p).length;
  return {
    counts: {
      total: jobs.length,
      success: count((j) => j.status === "success"),
      failed: count((j) => j.status === "failed" || j.status === "error"),
      interrupted: count((j) => j.status === "interrupted"),
      notRun: count((j) => j.status === "not-run"),
      resumed: count((j) => j.resumed),
    },
    usage: { inputTokens: input, outputTokens: output, costUsd: cost },
  };
}

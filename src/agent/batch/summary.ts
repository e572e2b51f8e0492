import type { RunReport } from "../report.js";

/** One job's line in summary.json. */
export interface JobSummary {
  id: string;
  kind: "brief" | "design";
  status: RunReport["status"] | "skipped";
  exitCode: number;
  dir: string;
  brief: string | null;
  turns: number;
  tokens: { input: number; output: number } | null;
  costUsd: number | null;
  ms: number;
  parts: RunReport["parts"];
  files: Record<string, string>;
  error: string | null;
}

export interface BatchSummary {
  format: "cadagent.batch/1";
  startedAt: string;
  totalMs: number;
  concurrency: number;
  shard: string | null;
  counts: { total: number; success: number; failed: number; skipped: number };
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null };
  jobs: JobSummary[];
}

export function jobSummary(id: string, kind: JobSummary["kind"], dir: string, r: RunReport, skipped = false): JobSummary {
  return {
    id,
    kind,
    status: skipped ? "skipped" : r.status,
    exitCode: r.exitCode,
    dir,
    brief: r.brief || null,
    turns: r.turns,
    tokens: r.usage ? { input: r.usage.inputTokens, output: r.usage.outputTokens } : null,
    costUsd: r.usage?.costUsd ?? null,
    ms: r.timing.totalMs,
    parts: r.parts,
    files: r.files,
    error: r.error,
  };
}

/** Totals; cost is null as soon as one job's cost is unknown (never a partial guess). */
export function totals(jobs: JobSummary[]): Pick<BatchSummary, "counts" | "usage"> {
  let cost: number | null = 0;
  let input = 0;
  let output = 0;
  for (const j of jobs) {
    input += j.tokens?.input ?? 0;
    output += j.tokens?.output ?? 0;
    if (j.kind === "brief") cost = cost === null || j.costUsd === null ? null : cost + j.costUsd;
  }
  const ok = (j: JobSummary): boolean => j.status === "success" || (j.status === "skipped" && j.exitCode === 0);
  return {
    counts: {
      total: jobs.length,
      success: jobs.filter(ok).length,
      failed: jobs.filter((j) => !ok(j)).length,
      skipped: jobs.filter((j) => j.status === "skipped").length,
    },
    usage: { inputTokens: input, outputTokens: output, costUsd: cost },
  };
}

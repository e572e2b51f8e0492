import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { CadClient } from "../../cad/client.js";
import { writeFileAtomic, writeJsonAtomic } from "../../util/atomic-write.js";
import type { RunReport } from "../report.js";
import { renderIndexHtml } from "./index-html.js";
import type { BatchJob } from "./jobs.js";
import { jobSummary, totals, type BatchSummary, type JobSummary } from "./summary.js";
import type { WorkerPool } from "./worker-pool.js";

/** Runs one job into its folder with a borrowed FreeCAD client; never writes to the terminal. */
export type JobRunner = (job: BatchJob, ctx: { dir: string; cad: CadClient; signal: AbortSignal }) => Promise<RunReport>;

export type BatchEvent =
  | { type: "batch-start"; total: number; skipped: number; concurrency: number }
  | { type: "job-start"; id: string }
  | { type: "job-skip"; id: string; status: string }
  | { type: "job-done"; job: JobSummary }
  | { type: "batch-done"; summary: BatchSummary };

export interface BatchOptions {
  jobs: BatchJob[];
  outDir: string;
  concurrency: number;
  resume: boolean;
  shard: string | null;
  pool: WorkerPool;
  runJob: JobRunner;
  signal: AbortSignal;
  onEvent: (e: BatchEvent) => void;
}

/** Statuses of a job that ran to completion; anything else is re-run by --resume. */
const COMPLETE = new Set(["success", "failed"]);

/** The job's folder: `<out>/<id>`, or its own `out` inside the batch folder. */
export function jobDir(outDir: string, job: BatchJob): string {
  const dir = path.resolve(outDir, job.out ?? job.id);
  const rel = path.relative(path.resolve(outDir), dir);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) throw new Error(`job '${job.id}': out '${job.out}' must be a folder inside the batch output folder`);
  return dir;
}

/**
 * A completed job's report, or undefined. report.json is written last and atomically by every
 * run, so its presence with a final status means the job's files are complete.
 */
export function completedReport(dir: string): RunReport | undefined {
  try {
    const r = JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as RunReport;
    return COMPLETE.has(r.status) ? r : undefined;
  } catch {
    return undefined;
  }
}

function errorReport(job: BatchJob, e: unknown, ms: number): RunReport {
  return {
    status: "error",
    brief: job.brief ?? "",
    provider: job.provider ?? null,
    model: job.model ?? null,
    turns: 0,
    toolCalls: 0,
    toolErrors: 0,
    usage: null,
    timing: { totalMs: ms, llmMs: 0, cadMs: 0 },
    parts: [],
    parameters: {},
    files: {},
    summary: null,
    error: e instanceof Error ? e.message : String(e),
    exitCode: 1,
  };
}

/** Run jobs with a bounded pool; one failing job never stops the others. */
export async function runBatch(o: BatchOptions): Promise<BatchSummary> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const results = new Map<string, JobSummary>();
  const todo: BatchJob[] = [];
  for (const job of o.jobs) {
    const dir = jobDir(o.outDir, job);
    const done = o.resume ? completedReport(dir) : undefined;
    if (done) {
      results.set(job.id, jobSummary(job.id, job.kind, path.relative(o.outDir, dir), done, true));
      o.onEvent({ type: "job-skip", id: job.id, status: done.status });
    } else {
      todo.push(job);
    }
  }
  o.onEvent({ type: "batch-start", total: o.jobs.length, skipped: o.jobs.length - todo.length, concurrency: o.concurrency });

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length && !o.signal.aborted) {
      const job = todo[next++] as BatchJob;
      const dir = jobDir(o.outDir, job);
      // A half-written folder from a killed run must not be mistaken for output.
      rmSync(dir, { recursive: true, force: true });
      o.onEvent({ type: "job-start", id: job.id });
      const t0 = Date.now();
      let report: RunReport;
      let cad: CadClient | undefined;
      try {
        cad = await o.pool.acquire();
        report = await o.runJob(job, { dir, cad, signal: o.signal });
      } catch (e) {
        report = errorReport(job, e, Date.now() - t0);
      } finally {
        if (cad) await o.pool.release(cad);
      }
      const s = jobSummary(job.id, job.kind, path.relative(o.outDir, dir), report);
      results.set(job.id, s);
      o.onEvent({ type: "job-done", job: s });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, todo.length)) }, worker));

  const jobs = o.jobs.map((j) => results.get(j.id)).filter((s): s is JobSummary => s !== undefined);
  const summary: BatchSummary = {
    format: "cadagent.batch/1",
    startedAt,
    totalMs: Date.now() - started,
    concurrency: o.concurrency,
    shard: o.shard,
    ...totals(jobs),
    jobs,
  };
  await writeJsonAtomic(path.join(o.outDir, "summary.json"), summary);
  await writeFileAtomic(path.join(o.outDir, "index.html"), renderIndexHtml(summary));
  o.onEvent({ type: "batch-done", summary });
  return summary;
}

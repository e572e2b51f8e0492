import { lstatSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { CadClient } from "../cad/client.js";
import { CadError } from "../cad/protocol.js";
import { writeFileAtomic, writeFileAtomicSync, writeJsonAtomic } from "../util/atomic-write.js";
import { REPORT_FILE_NAME } from "../agent/outputs.js";
import type { RunReport } from "../agent/report.js";
import { renderIndexHtml } from "./index-html.js";
import { JOB_HASH_FIELD, jobHash } from "./job-hash.js";
import { JobFileError, type BatchJob } from "./jobs.js";
import { jobSummary, notRunSummary, totals, type BatchSummary, type JobSummary } from "./summary.js";
import type { WorkerPool } from "./worker-pool.js";

/** Tokens and cost of a running job so far (cumulative). */
export interface JobUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

export interface JobContext {
  dir: string;
  /**
   * A client over an empty document, borrowed from the pool for this job; possibly still
   * starting (await `cad.start()` before using it directly; runDesign does so itself).
   */
  cad: CadClient;
  signal: AbortSignal;
  onUsage: (u: JobUsage) => void;
}

/** Runs one job into its folder; never writes to the terminal, never throws for a failed design. */
export type JobRunner = (job: BatchJob, ctx: JobContext) => Promise<RunReport>;

export type BatchEvent =
  | { type: "batch-start"; outDir: string; total: number; toRun: number; resumed: number; concurrency: number }
  | { type: "job-skip"; id: string; status: string }
  | { type: "job-start"; id: string; kind: BatchJob["kind"]; dir: string }
  | ({ type: "job-usage"; id: string } & JobUsage)
  | { type: "job-done"; job: JobSummary }
  | { type: "batch-done"; summary: BatchSummary };

export interface BatchOptions {
  jobs: readonly BatchJob[];
  outDir: string;
  concurrency: number;
  resume: boolean;
  /** With resume: also re-run jobs whose report says `failed`. */
  retryFailed?: boolean;
  shard: string | null;
  pool: WorkerPool;
  runJob: JobRunner;
  /** Ctrl-C: no new job starts; running jobs stop and save what they have. */
  signal: AbortSignal;
  onEvent: (e: BatchEvent) => void;
}

/** Statuses of a job that ran to completion; anything else is re-run by --resume. */
const COMPLETE = new Set(["success", "failed"]);

/** The job's folder: `<out>/<id>`, or its own `out` inside the batch folder. */
export function jobDir(outDir: string, job: Pick<BatchJob, "id" | "out">): string {
  const dir = path.resolve(outDir, job.out ?? job.id);
  const rel = path.relative(path.resolve(outDir), dir);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel))
    throw new Error(`job '${job.id}': out '${job.out}' must be a folder inside the batch output folder`);
  return dir;
}

/** Names the batch itself writes into its folder: no job may own them. */
const BATCH_FILES = new Set(["summary.json", "index.html"]);

/**
 * Every job gets a folder of its own inside the batch folder, and none nests inside another
 * (deleting one job's leftovers before it runs must never touch another job's output).
 */
export function checkJobDirs(outDir: string, jobs: readonly BatchJob[]): void {
  const problems: string[] = [];
  const owner = new Map<string, BatchJob>();
  for (const job of jobs) {
    let dir: string;
    try {
      dir = jobDir(outDir, job);
    } catch (e) {
      problems.push(`${job.where}: ${(e as Error).message}`);
      continue;
    }
    const rel = path.relative(path.resolve(outDir), dir);
    if (BATCH_FILES.has(rel.toLowerCase()))
      problems.push(`${job.where}: job '${job.id}': '${rel}' is a file the batch writes; choose another id or out`);
    const other = owner.get(dir);
    if (other)
      problems.push(
        `${job.where}: job '${job.id}' has the same output folder as job '${other.id}' (${other.where}); give each job its own out`,
      );
    else owner.set(dir, job);
  }
  const root = path.resolve(outDir);
  for (const [dir, job] of owner) {
    for (let up = path.dirname(dir); up !== root && up.length > root.length; up = path.dirname(up)) {
      const parent = owner.get(up);
      if (parent)
        problems.push(
          `${job.where}: job '${job.id}' would write inside the folder of job '${parent.id}' (${parent.where}); give each job its own out`,
        );
    }
  }
  for (const [dir, job] of owner) {
    const problem = jobDirProblem(root, dir);
    if (problem) problems.push(`${job.where}: job '${job.id}': ${problem}`);
  }
  if (problems.length) throw new JobFileError(problems.slice(0, 20).join("\n"));
}

/** Files cadagent itself writes into a job folder (a run killed before its report leaves some of these). */
const OWN_FILES =
  /^(design\.cad\.json|transcript\.jsonl|report\.json|model\.[A-Za-z0-9]+|preview[\w-]*\.png|views|\..*\.tmp)$/;

/** A report.json that reads as one cadagent wrote (RunReport's own fields), not any JSON file of that name. */
function isCadagentReport(file: string): boolean {
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as Partial<RunReport> | null;
    return (
      typeof r === "object" &&
      r !== null &&
      typeof r.status === "string" &&
      typeof r.exitCode === "number" &&
      typeof r.timing === "object" &&
      Array.isArray(r.parts) &&
      typeof r.files === "object"
    );
  } catch {
    return false;
  }
}

/**
 * Why the batch may not use (and later empty) a job's folder, or null. The batch deletes a
 * job's folder before running it, so it must be one cadagent made: reached without passing a
 * symlink (a job `out` of `link/victim` would delete outside the batch folder), and either
 * missing, empty, holding a cadagent report.json, or holding only files cadagent writes.
 */
export function jobDirProblem(root: string, dir: string): string | null {
  const rel = path.relative(root, dir);
  let at = root;
  for (const part of rel.split(path.sep)) {
    at = path.join(at, part);
    const st = lstatSync(at, { throwIfNoEntry: false });
    if (!st) return null;
    if (st.isSymbolicLink())
      return `'${path.relative(root, at)}' is a symlink; the batch never writes or deletes through one`;
    if (!st.isDirectory()) return `'${path.relative(root, at)}' exists and is not a folder`;
  }
  const entries = readdirSync(dir);
  if (entries.length === 0) return null;
  if (entries.includes(REPORT_FILE_NAME) && isCadagentReport(path.join(dir, REPORT_FILE_NAME))) return null;
  if (entries.every((e) => OWN_FILES.test(e))) return null;
  return `the folder ${dir} exists and was not written by cadagent (no cadagent report.json); move it away or choose another out`;
}

/**
 * A completed job's report, or undefined. runDesign and buildDesign write report.json last and
 * atomically (temp file + rename), and the batch deletes a job's folder before running it, so
 * a report with a final status means every other file of that job is complete.
 */
export function completedReport(dir: string, retryFailed = false, hash?: string): RunReport | undefined {
  try {
    const r = JSON.parse(readFileSync(path.join(dir, REPORT_FILE_NAME), "utf8")) as RunReport;
    if (!COMPLETE.has(r.status) || (retryFailed && r.status === "failed")) return undefined;
    // A job whose definition changed since it ran is not done (reports from before hashes are kept).
    const stored = r[JOB_HASH_FIELD];
    if (hash !== undefined && typeof stored === "string" && stored !== hash) return undefined;
    return r;
  } catch {
    return undefined;
  }
}

function errorReport(job: BatchJob, e: unknown, ms: number): RunReport {
  const cad = e instanceof CadError;
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
    error: cad ? `FreeCAD unavailable: ${e.message}` : e instanceof Error ? e.message : String(e),
    exitCode: cad ? 4 : 1,
  };
}

/**
 * Adds the job's hash to the report.json it wrote, so a later --resume can tell whether the job
 * changed. The hash is taken before the run: it describes the definition that was built.
 */
async function stampJobHash(dir: string, hash: string): Promise<void> {
  const file = path.join(dir, REPORT_FILE_NAME);
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return; // no report (a job that failed before writing one is re-run by --resume anyway)
  }
  await writeJsonAtomic(file, { ...report, [JOB_HASH_FIELD]: hash });
}

/** The job's `set`, shown beside the record's original brief (the brief alone would mislead). */
function withOverrides(s: JobSummary, job: BatchJob): JobSummary {
  return job.set && Object.keys(job.set).length ? { ...s, overrides: job.set } : s;
}

/** summary.json and index.html; the sync variant is for a second Ctrl-C, when awaiting is not possible. */
export async function writeBatchFiles(outDir: string, summary: BatchSummary): Promise<void> {
  await writeJsonAtomic(path.join(outDir, "summary.json"), summary);
  await writeFileAtomic(path.join(outDir, "index.html"), renderIndexHtml(summary));
}

export function writeBatchFilesSync(outDir: string, summary: BatchSummary): void {
  writeFileAtomicSync(path.join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileAtomicSync(path.join(outDir, "index.html"), renderIndexHtml(summary));
}

/**
 * A batch in progress. `summary()` can be taken at any time (jobs not finished yet appear as
 * not-run), which is what a second Ctrl-C writes before leaving.
 */
export class BatchRun {
  private readonly results = new Map<string, JobSummary>();
  private readonly started = Date.now();
  private interrupted = false;

  constructor(private readonly o: BatchOptions) {}

  summary(): BatchSummary {
    const jobs = this.o.jobs.map((j) =>
      withOverrides(this.results.get(j.id) ?? notRunSummary(j.id, j.kind, this.rel(j), j.brief), j),
    );
    return {
      format: "cadagent.batch/1",
      startedAt: new Date(this.started).toISOString(),
      totalMs: Date.now() - this.started,
      concurrency: this.o.concurrency,
      shard: this.o.shard,
      interrupted: this.interrupted || this.o.signal.aborted,
      ...totals(jobs),
      jobs,
    };
  }

  /** Run every job not already complete (with resume) through a pool of `concurrency` lanes. */
  async run(): Promise<BatchSummary> {
    const o = this.o;
    const todo: BatchJob[] = [];
    for (const job of o.jobs) {
      const done = o.resume ? completedReport(jobDir(o.outDir, job), o.retryFailed, jobHash(job)) : undefined;
      if (done) {
        this.results.set(job.id, jobSummary(job.id, job.kind, this.rel(job), done, true));
        o.onEvent({ type: "job-skip", id: job.id, status: done.status });
      } else {
        todo.push(job);
      }
    }
    const lanes = Math.max(1, Math.min(o.concurrency, todo.length));
    o.onEvent({
      type: "batch-start",
      outDir: o.outDir,
      total: o.jobs.length,
      toRun: todo.length,
      resumed: o.jobs.length - todo.length,
      concurrency: lanes,
    });

    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < todo.length && !o.signal.aborted) {
        const job = todo[next++] as BatchJob;
        this.results.set(job.id, await this.runOne(job));
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    this.interrupted = o.signal.aborted;

    const summary = this.summary();
    await writeBatchFiles(o.outDir, summary);
    o.onEvent({ type: "batch-done", summary });
    return summary;
  }

  private rel(job: BatchJob): string {
    return path.relative(this.o.outDir, jobDir(this.o.outDir, job)).split(path.sep).join("/");
  }

  private async runOne(job: BatchJob): Promise<JobSummary> {
    const o = this.o;
    const dir = jobDir(o.outDir, job);
    // Checked again right before deleting: the folder may have changed since the batch started.
    const problem = jobDirProblem(path.resolve(o.outDir), dir);
    if (problem) {
      const s = jobSummary(job.id, job.kind, this.rel(job), errorReport(job, new Error(problem), 0));
      o.onEvent({ type: "job-done", job: s });
      return s;
    }
    // Leftovers of a killed run must never be mistaken for output (or be resumed as complete).
    rmSync(dir, { recursive: true, force: true });
    const hash = jobHash(job);
    o.onEvent({ type: "job-start", id: job.id, kind: job.kind, dir });
    const t0 = Date.now();
    let report: RunReport;
    let cad: CadClient | undefined;
    try {
      cad = await o.pool.acquire({ started: false });
      const onUsage = (u: JobUsage): void => o.onEvent({ type: "job-usage", id: job.id, ...u });
      report = await o.runJob(job, { dir, cad, signal: o.signal, onUsage });
    } catch (e) {
      report = errorReport(job, e, Date.now() - t0);
    } finally {
      if (cad) await o.pool.release(cad);
    }
    await stampJobHash(dir, hash);
    const s = jobSummary(job.id, job.kind, this.rel(job), report);
    o.onEvent({ type: "job-done", job: s });
    return s;
  }
}

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { JobFileError, loadJobs, type BatchJob } from "./jobs.js";
import { jobDirProblem, writeBatchFiles } from "./run-batch.js";
import { notRunSummary, totals, type BatchSummary, type JobSummary, type MergeInfo } from "./summary.js";

export interface MergeOptions {
  /** Batch output folders (one per shard), each with its summary.json. */
  dirs: readonly string[];
  /** Where the merged summary.json and index.html go. */
  outDir: string;
  /** Copy each job's folder into outDir instead of linking into the shard folders. */
  copy: boolean;
  /** The jobs file (or folder) the shards came from: its ids are checked for missing jobs. */
  jobs?: string;
}

/** Which result of a job that appears in two shard folders is kept: the most complete one. */
const RANK: Record<string, number> = { success: 4, failed: 3, error: 3, interrupted: 2, "not-run": 1 };

const posix = (p: string): string => p.split(path.sep).join("/");

function readShardSummary(dir: string): BatchSummary {
  const file = path.join(dir, "summary.json");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new JobFileError(
      code === "ENOENT"
        ? `${dir}: no summary.json (is it the -o folder of a cadagent batch?)`
        : `${file}: unreadable (${code ?? (e as Error).message})`,
    );
  }
  const s = raw as Partial<BatchSummary> | null;
  if (s?.format !== "cadagent.batch/1" || !Array.isArray(s.jobs))
    throw new JobFileError(`${file}: not a cadagent batch summary (format cadagent.batch/1 expected)`);
  return s as BatchSummary;
}

/** True when one of a and b is the other or lies inside it. */
function overlaps(a: string, b: string): boolean {
  const rel = path.relative(a, b);
  const back = path.relative(b, a);
  return (
    rel === "" || !(rel.startsWith("..") || path.isAbsolute(rel)) || !(back.startsWith("..") || path.isAbsolute(back))
  );
}

/** Shards named in the summaries (`i/n`) that no folder has, and shards that two folders have. */
function shardCoverage(summaries: readonly BatchSummary[]): Pick<MergeInfo, "missingShards" | "repeatedShards"> {
  const seen = new Map<string, number>();
  const counts = new Set<number>();
  for (const s of summaries) {
    const m = s.shard ? /^(\d+)\/(\d+)$/.exec(s.shard) : null;
    if (!m) continue;
    seen.set(`${m[1]}/${m[2]}`, (seen.get(`${m[1]}/${m[2]}`) ?? 0) + 1);
    counts.add(Number(m[2]));
  }
  const missingShards: string[] = [];
  for (const n of counts) for (let i = 1; i <= n; i++) if (!seen.has(`${i}/${n}`)) missingShards.push(`${i}/${n}`);
  const repeatedShards = [...seen].filter(([, c]) => c > 1).map(([k]) => k);
  return { missingShards, repeatedShards };
}

/**
 * Merge several batch folders (the shards of one jobs file) into one summary.json and index.html
 * in `outDir`. Job links point into the shard folders (relative, so the tree can be moved or
 * unzipped as a whole), or at copies with `copy`. A job id found in two folders is kept once (the
 * most complete result) and reported; with `jobs`, ids no folder has are added as not-run.
 * Unreadable folders and an output folder that overlaps a shard folder (with `copy`) are
 * JobFileErrors (exit 2).
 */
export async function mergeBatches(o: MergeOptions): Promise<BatchSummary> {
  if (o.dirs.length === 0) throw new JobFileError("batch merge: name at least one batch folder");
  const outDir = path.resolve(o.outDir);
  const dirs = o.dirs.map((d) => path.resolve(d));
  for (const d of dirs) {
    if (d === outDir)
      throw new JobFileError(`batch merge: -o ${o.outDir} is one of the folders being merged; choose another folder`);
    if (o.copy && overlaps(d, outDir))
      throw new JobFileError(
        `batch merge --copy: -o ${o.outDir} and ${d} contain one another; copy into a folder beside the shard folders`,
      );
  }
  const summaries = dirs.map(readShardSummary);
  const expected: BatchJob[] | undefined = o.jobs === undefined ? undefined : loadJobs(o.jobs);

  const kept = new Map<string, { job: JobSummary; from: string }>();
  const sources = new Map<string, string[]>();
  summaries.forEach((s, k) => {
    const from = dirs[k] as string;
    for (const job of s.jobs) {
      sources.set(job.id, [...(sources.get(job.id) ?? []), from]);
      const prev = kept.get(job.id);
      if (!prev || (RANK[job.status] ?? 0) > (RANK[prev.job.status] ?? 0)) kept.set(job.id, { job, from });
    }
  });
  const duplicates = [...sources]
    .filter(([, from]) => from.length > 1)
    .map(([id, from]) => ({ id, dirs: from.map((d) => posix(path.relative(outDir, d)) || ".") }));

  const order = expected ? expected.map((j) => j.id) : [...kept.keys()];
  const missing = expected ? expected.filter((j) => !kept.has(j.id)) : [];
  const extra = expected ? [...kept.keys()].filter((id) => !expected.some((j) => j.id === id)) : [];
  if (expected) order.push(...extra);

  const taken = new Map<string, string>();
  const copies: { src: string; dest: string }[] = [];
  const jobs: JobSummary[] = [];
  for (const id of order) {
    const k = kept.get(id);
    if (!k) continue;
    const src = path.join(k.from, k.job.dir);
    let dir = posix(path.relative(outDir, src));
    if (o.copy) {
      const owner = taken.get(k.job.dir);
      if (owner !== undefined)
        throw new JobFileError(`batch merge --copy: jobs '${owner}' and '${id}' both have the folder '${k.job.dir}'`);
      taken.set(k.job.dir, id);
      const dest = path.join(outDir, k.job.dir);
      // The copy replaces the folder, so it must be one cadagent wrote (the batch's own rule);
      // every folder is checked before anything is copied.
      const problem = jobDirProblem(outDir, dest);
      if (problem) throw new JobFileError(`batch merge --copy: job '${id}': ${problem}`);
      copies.push({ src, dest });
      dir = k.job.dir;
    }
    jobs.push({ ...k.job, dir });
  }
  if (copies.length) mkdirSync(outDir, { recursive: true });
  for (const { src, dest } of copies) {
    rmSync(dest, { recursive: true, force: true });
    if (existsSync(src)) cpSync(src, dest, { recursive: true });
  }
  for (const j of missing) {
    const s = notRunSummary(j.id, j.kind, j.out ?? j.id, j.brief);
    jobs.push({ ...s, exitCode: 1, error: "missing: none of the merged folders has this job" });
  }

  const merge: MergeInfo = {
    sources: summaries.map((s, k) => ({
      dir: posix(path.relative(outDir, dirs[k] as string)) || ".",
      shard: s.shard,
      jobs: s.jobs.length,
      totalMs: s.totalMs,
      interrupted: s.interrupted,
    })),
    copied: o.copy,
    duplicates,
    missing: missing.map((j) => j.id),
    ...(expected ? { unexpected: extra } : {}),
    ...shardCoverage(summaries),
  };
  const started = summaries.map((s) => Date.parse(s.startedAt)).filter(Number.isFinite);
  const summary: BatchSummary = {
    format: "cadagent.batch/1",
    startedAt: new Date(started.length ? Math.min(...started) : Date.now()).toISOString(),
    // Shards run side by side: the merged batch took as long as its slowest shard.
    totalMs: Math.max(...summaries.map((s) => s.totalMs)),
    concurrency: Math.max(...summaries.map((s) => s.concurrency)),
    shard: null,
    interrupted: summaries.some((s) => s.interrupted),
    ...totals(jobs),
    jobs,
    merge,
  };
  mkdirSync(outDir, { recursive: true });
  await writeBatchFiles(outDir, summary);
  return summary;
}

/** Anything in a merge that a user must look at: duplicates, missing jobs or shards. */
export function mergeProblems(m: MergeInfo): string[] {
  const out: string[] = [];
  const list = (xs: readonly string[]): string =>
    xs.slice(0, 10).join(", ") + (xs.length > 10 ? ` … (${xs.length - 10} more)` : "");
  if (m.duplicates.length)
    out.push(
      `${m.duplicates.length} job id(s) in more than one folder (kept the most complete result): ${list(m.duplicates.map((d) => `${d.id} (${d.dirs.join(", ")})`))}`,
    );
  if (m.missing.length) out.push(`${m.missing.length} job(s) of the jobs file in no folder: ${list(m.missing)}`);
  if (m.unexpected?.length) out.push(`${m.unexpected.length} job(s) not in the jobs file: ${list(m.unexpected)}`);
  if (m.missingShards.length) out.push(`shard(s) with no folder: ${list(m.missingShards)}`);
  if (m.repeatedShards.length) out.push(`shard(s) in more than one folder: ${list(m.repeatedShards)}`);
  return out;
}

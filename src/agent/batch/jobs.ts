import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** One line of jobs.jsonl (CLI.md "Batch jobs"). */
const JobLineSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "ids are file-name safe: letters, digits, . _ -"),
    brief: z.string().min(1).optional(),
    design: z.string().min(1).optional(),
    set: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    provider: z.string().optional(),
    model: z.string().optional(),
    out: z.string().optional(),
  })
  .strict()
  .refine((j) => (j.brief === undefined) !== (j.design === undefined), { message: "a job has exactly one of brief or design" });

export type BatchJob = z.infer<typeof JobLineSchema> & { kind: "brief" | "design" };

export class JobFileError extends Error {}

/**
 * Jobs from a jobs.jsonl file, or one design job per `*.cad.json` in a folder (id = file stem).
 * Design paths in a jobs file are relative to that file. Errors name the file and line.
 */
export function loadJobs(source: string): BatchJob[] {
  let st;
  try {
    st = statSync(source);
  } catch {
    throw new JobFileError(`${source}: no such file or folder`);
  }
  if (st.isDirectory()) {
    const files = readdirSync(source).filter((f) => f.endsWith(".cad.json")).sort();
    if (files.length === 0) throw new JobFileError(`${source}: no *.cad.json design records in this folder`);
    return files.map((f) => ({ id: f.replace(/\.cad\.json$/, ""), design: path.resolve(source, f), kind: "design" as const }));
  }
  const jobs: BatchJob[] = [];
  const seen = new Set<string>();
  readFileSync(source, "utf8")
    .split(/\r?\n/)
    .forEach((line, i) => {
      const where = `${source}:${i + 1}`;
      if (!line.trim() || line.trim().startsWith("#")) return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        throw new JobFileError(`${where}: not valid JSON (${(e as Error).message})`);
      }
      const parsed = JobLineSchema.safeParse(raw);
      if (!parsed.success) {
        throw new JobFileError(`${where}: ${parsed.error.issues.map((x) => `${x.path.join(".") || "job"}: ${x.message}`).join("; ")}`);
      }
      const j = parsed.data;
      if (seen.has(j.id)) throw new JobFileError(`${where}: duplicate job id '${j.id}'`);
      seen.add(j.id);
      jobs.push({
        ...j,
        ...(j.design ? { design: path.resolve(path.dirname(source), j.design) } : {}),
        kind: j.brief !== undefined ? "brief" : "design",
      });
    });
  if (jobs.length === 0) throw new JobFileError(`${source}: no jobs`);
  return jobs;
}

/** Parse `--shard i/n` (1-based). */
export function parseShard(spec: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new JobFileError(`--shard must be i/n with 1 ≤ i ≤ n (got '${spec}')`);
  return { index, count };
}

/**
 * The jobs of shard i of n. Assignment hashes the job id (FNV-1a), so it is deterministic
 * across machines and stable when jobs are added or reordered.
 */
export function shardJobs(jobs: BatchJob[], shard: { index: number; count: number }): BatchJob[] {
  return jobs.filter((j) => fnv1a(j.id) % shard.count === shard.index - 1);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

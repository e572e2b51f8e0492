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
    provider: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    out: z.string().min(1).optional(),
  })
  .strict()
  .refine((j) => (j.brief === undefined) !== (j.design === undefined), {
    message: "a job has exactly one of brief or design",
  })
  .refine((j) => j.set === undefined || j.design !== undefined, {
    message: "set overrides parameters of a design record: only a design job takes it",
  });

export interface BatchJob {
  id: string;
  kind: "brief" | "design";
  brief?: string;
  /** Absolute path of the design record. */
  design?: string;
  /** Parameter overrides for a design record, plain numbers in each parameter's unit. */
  set?: Record<string, number>;
  provider?: string;
  model?: string;
  /** Output folder inside the batch folder (default: the id). */
  out?: string;
  /** Where the job was declared, for error messages: `jobs.jsonl:3`, or the record's path. */
  where: string;
}

export class JobFileError extends Error {}

/** `{"width": 50, "length": "120"}` → numbers; anything not a plain number is an error. */
function numericSet(set: Record<string, number | string>, where: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(set)) {
    const n = typeof v === "number" ? v : v.trim() === "" ? NaN : Number(v);
    if (!Number.isFinite(n))
      throw new JobFileError(
        `${where}: set.${k}: ${JSON.stringify(v)} is not a number (values are plain numbers in the parameter's unit, e.g. {"${k}": 50})`,
      );
    out[k] = n;
  }
  return out;
}

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
    const files = readdirSync(source)
      .filter((f) => f.endsWith(".cad.json"))
      .sort();
    if (files.length === 0) throw new JobFileError(`${source}: no *.cad.json design records in this folder`);
    return files.map((f) => {
      const id = f.replace(/\.cad\.json$/, "");
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id))
        throw new JobFileError(
          `${path.join(source, f)}: the file name makes job id '${id}', which is not file-name safe (letters, digits, . _ -): rename the file`,
        );
      const design = path.resolve(source, f);
      return { id, design, kind: "design" as const, where: design };
    });
  }
  let text: string;
  try {
    text = readFileSync(source, "utf8");
  } catch (e) {
    throw new JobFileError(`${source}: cannot read the jobs file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const jobs: BatchJob[] = [];
  const seen = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const where = `${source}:${i + 1}`;
    const trimmed = line.replace(/^\uFEFF/, "").trim();
    if (!trimmed || trimmed.startsWith("#")) return;
    let raw: unknown;
    try {
      raw = JSON.parse(trimmed);
    } catch (e) {
      throw new JobFileError(`${where}: not valid JSON (${(e as Error).message})`);
    }
    const parsed = JobLineSchema.safeParse(raw);
    if (!parsed.success) {
      throw new JobFileError(
        `${where}: ${parsed.error.issues.map((x) => `${x.path.join(".") || "job"}: ${x.message}`).join("; ")}`,
      );
    }
    const j = parsed.data;
    const first = seen.get(j.id);
    if (first) throw new JobFileError(`${where}: duplicate job id '${j.id}' (first at ${first})`);
    seen.set(j.id, where);
    const job: BatchJob = { id: j.id, kind: j.brief !== undefined ? "brief" : "design", where };
    if (j.brief !== undefined) job.brief = j.brief;
    if (j.design !== undefined) job.design = path.resolve(path.dirname(source), j.design);
    if (j.set !== undefined) job.set = numericSet(j.set, where);
    if (j.provider !== undefined) job.provider = j.provider;
    if (j.model !== undefined) job.model = j.model;
    if (j.out !== undefined) job.out = j.out;
    jobs.push(job);
  });
  if (jobs.length === 0)
    throw new JobFileError(
      `${source}: no jobs (one JSON object a line, e.g. {"id": "plate", "brief": "a 60x40x5 mm plate"})`,
    );
  return jobs;
}

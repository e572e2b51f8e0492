import { canonical } from "../util/canonical-json.js";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { BatchJob } from "./jobs.js";

/** The report.json field that holds `jobHash(job)` for the job that wrote it. */
export const JOB_HASH_FIELD = "jobHash";

/**
 * What a job is: its definition (brief or record path, `set`, provider, model, out) and, for a
 * record, the record's bytes. `--resume` keeps an earlier result only when this is unchanged, so
 * editing a job's `set` or its record re-runs it. Where the line sits in the file does not count.
 */
export function jobHash(job: BatchJob): string {
  const hash = createHash("sha256");
  hash.update(canonical({ ...job, where: undefined }));
  if (job.design !== undefined) {
    hash.update("\0record\0");
    try {
      hash.update(readFileSync(job.design));
    } catch {
      hash.update("unreadable");
    }
  }
  return `sha256:${hash.digest("hex")}`;
}

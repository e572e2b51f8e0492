import {
  applyOverrides,
  DesignRecordError,
  ParameterOverrideError,
  readDesignRecord,
  type StepValidator,
  type DesignRecord,
} from "../record/design-record.js";
import { JobFileError, type BatchJob } from "./jobs.js";

/** A design job's record, parsed, checked against the tool catalog and with its `set` applied. */
export interface LoadedRecord {
  record: DesignRecord;
  /** Absolute path of the record file (report.json `source`). */
  source: string;
}

/**
 * Read every design job's record before anything starts, so a typo in job 57 is a usage error
 * now, not a failed job an hour in. All problems are reported at once, each naming the job's
 * line in the jobs file and the record's own file:line.
 */
export function loadRecords(
  jobs: readonly BatchJob[],
  tools: readonly string[] | StepValidator,
): Map<string, LoadedRecord> {
  const out = new Map<string, LoadedRecord>();
  const problems: string[] = [];
  const parsed = new Map<string, DesignRecord | Error>();
  for (const job of jobs) {
    if (job.kind !== "design" || job.design === undefined) continue;
    const file = job.design;
    const label = job.where === file ? file : `${job.where}: job '${job.id}'`;
    let record = parsed.get(file);
    if (record === undefined) {
      record = readRecord(file, tools);
      parsed.set(file, record);
    }
    if (record instanceof Error) {
      problems.push(label === file ? record.message : `${label}: ${record.message}`);
      continue;
    }
    try {
      out.set(job.id, { record: applyOverrides(record, job.set ?? {}), source: file });
    } catch (e) {
      if (!(e instanceof ParameterOverrideError)) throw e;
      problems.push(`${label}: set: ${e.message}`);
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    throw new JobFileError(shown.join("\n"));
  }
  return out;
}

function readRecord(file: string, tools: readonly string[] | StepValidator): DesignRecord | Error {
  try {
    return readDesignRecord(
      file,
      tools,
      "this record runs Python in FreeCAD: run the batch with --allow-python if you trust it",
    );
  } catch (e) {
    if (e instanceof DesignRecordError) return e;
    throw e;
  }
}

import type { BatchEvent, JobUsage } from "./run-batch.js";

/** What a status line shows, at one moment. */
export interface ProgressSnapshot {
  /** Jobs this run executes (resumed ones excluded). */
  toRun: number;
  done: number;
  failed: number;
  running: number;
  resumed: number;
  elapsedMs: number;
  /** Undefined until the first job has finished. */
  etaMs: number | undefined;
  inputTokens: number;
  outputTokens: number;
  /** Null once any brief job's cost is unknown (unpriced model). */
  costUsd: number | null;
}

/**
 * Running totals of a batch, fed with its events: finished jobs' figures plus the live usage of
 * the jobs still running, and an ETA from the throughput so far (jobs overlap, so the mean job
 * time alone would overestimate by the concurrency).
 */
export class BatchProgress {
  private toRun = 0;
  private resumed = 0;
  private done = 0;
  private failed = 0;
  private started: number;
  private readonly running = new Map<string, JobUsage>();
  private finished: JobUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

  constructor(private readonly now: () => number = Date.now) {
    this.started = now();
  }

  update(e: BatchEvent): void {
    switch (e.type) {
      case "batch-start":
        this.toRun = e.toRun;
        this.resumed = e.resumed;
        this.started = this.now();
        break;
      case "job-start":
        this.running.set(e.id, { inputTokens: 0, outputTokens: 0, costUsd: 0 });
        break;
      case "job-usage":
        this.running.set(e.id, { inputTokens: e.inputTokens, outputTokens: e.outputTokens, costUsd: e.costUsd });
        break;
      case "job-done": {
        this.running.delete(e.job.id);
        this.done++;
        if (e.job.status !== "success") this.failed++;
        const cost = e.job.kind === "design" ? 0 : e.job.costUsd;
        this.finished = add(this.finished, {
          inputTokens: e.job.tokens?.input ?? 0,
          outputTokens: e.job.tokens?.output ?? 0,
          costUsd: cost,
        });
        break;
      }
      default:
        break;
    }
  }

  snapshot(): ProgressSnapshot {
    const elapsedMs = this.now() - this.started;
    let live = this.finished;
    for (const u of this.running.values()) live = add(live, u);
    const remaining = this.toRun - this.done;
    return {
      toRun: this.toRun,
      done: this.done,
      failed: this.failed,
      running: this.running.size,
      resumed: this.resumed,
      elapsedMs,
      etaMs: this.done > 0 ? Math.round((elapsedMs / this.done) * remaining) : undefined,
      inputTokens: live.inputTokens,
      outputTokens: live.outputTokens,
      costUsd: live.costUsd,
    };
  }
}

function add(a: JobUsage, b: JobUsage): JobUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: a.costUsd === null || b.costUsd === null ? null : a.costUsd + b.costUsd,
  };
}

import { BatchProgress, type ProgressSnapshot } from "../batch/progress.js";
import type { BatchEvent } from "../batch/run-batch.js";
import type { BatchSummary, JobSummary } from "../batch/summary.js";

/**
 * Batch progress on stderr. On a terminal: one status line (done / failed / running, ETA,
 * tokens and cost so far) redrawn in place with \r, and a permanent line per finished job
 * above it. Elsewhere (CI logs, pipes): plain lines per job start and finish, nothing redrawn.
 */

export type Write = (text: string) => void;

export interface BatchProgressRenderer {
  onEvent(e: BatchEvent): void;
  /** Print a line without breaking the status line (e.g. the Ctrl-C notice). */
  note(text: string): void;
  /** Stop redrawing and leave the status line cleared. */
  stop(): void;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

const tokens = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1000)}k` : String(n);
const cost = (c: number | null): string => (c === null ? "cost unknown" : `$${c.toFixed(c < 1 ? 4 : 2)}`);

export function statusLine(s: ProgressSnapshot): string {
  const bits = [
    `${s.done}/${s.toRun} done`,
    ...(s.failed ? [`${s.failed} failed`] : []),
    `${s.running} running`,
    ...(s.resumed ? [`${s.resumed} resumed`] : []),
    duration(s.elapsedMs),
    s.etaMs === undefined ? "ETA –" : `ETA ${duration(s.etaMs)}`,
    // Record-only batches have no LLM figures to show.
    ...(s.inputTokens || s.outputTokens || s.costUsd !== 0
      ? [`${tokens(s.inputTokens)} in / ${tokens(s.outputTokens)} out tokens`, cost(s.costUsd)]
      : []),
  ];
  return `batch: ${bits.join(" · ")}`;
}

/** "✓ plate-a  success  4 turns  12.3 s  $0.0123  → plate-a/" */
export function jobLine(j: JobSummary): string {
  const mark = j.status === "success" ? "✓" : j.status === "interrupted" ? "■" : "✗";
  const bits = [`${mark} ${j.id}`, j.status];
  if (j.kind === "brief") bits.push(`${j.turns} turns`);
  bits.push(duration(j.ms));
  if (j.kind === "brief" && j.costUsd !== null) bits.push(cost(j.costUsd));
  const part = j.parts[0];
  if (j.status === "success" && part) bits.push(`volume ${part.volume.toFixed(2)} mm³`);
  if (j.failedRequirements?.length) bits.push(`requirements FAILED: ${j.failedRequirements.join("; ")}`);
  const line = bits.join("  ");
  const warned = j.warnings.length
    ? `\n    warning${j.warnings.length > 1 ? `s (${j.warnings.length})` : ""}: ${j.warnings.join("; ")}`
    : "";
  return (j.error && j.status !== "success" ? `${line}: ${j.error.split("\n")[0]}` : `${line}  → ${j.dir}/`) + warned;
}

export function batchProgress(
  write: Write,
  opts: { tty: boolean; width?: () => number; now?: () => number; redrawMs?: number },
): BatchProgressRenderer {
  const progress = new BatchProgress(opts.now);
  let drawn = false;
  let timer: NodeJS.Timeout | undefined;
  const width = (): number => Math.max(20, (opts.width?.() ?? 100) - 1);
  const clear = (): void => {
    if (drawn) write("\r\x1b[2K");
    drawn = false;
  };
  const draw = (): void => {
    if (!opts.tty) return;
    const line = statusLine(progress.snapshot());
    write(`\r\x1b[2K${line.length > width() ? `${line.slice(0, width() - 1)}…` : line}`);
    drawn = true;
  };
  const println = (s: string): void => {
    clear();
    write(`${s}\n`);
    draw();
  };
  let started = 0;
  let outDir: string | undefined;
  return {
    onEvent(e) {
      progress.update(e);
      switch (e.type) {
        case "batch-start":
          outDir = e.outDir;
          println(
            `batch: ${e.toRun} job${e.toRun === 1 ? "" : "s"} to run${e.resumed ? ` (${e.resumed} already complete, kept)` : ""}, concurrency ${e.concurrency} → ${e.outDir}`,
          );
          if (opts.tty && !timer) {
            // ETA and elapsed time move even when no job event arrives.
            timer = setInterval(draw, opts.redrawMs ?? 1000);
            timer.unref();
          }
          break;
        case "job-start":
          started++;
          if (!opts.tty)
            println(
              `start ${e.id} (${e.kind === "brief" ? "brief" : "design record"}, ${started} of ${progress.snapshot().toRun})`,
            );
          else draw();
          break;
        case "job-usage":
          draw();
          break;
        case "job-done":
          println(
            opts.tty ? jobLine(e.job) : `[${progress.snapshot().done}/${progress.snapshot().toRun}] ${jobLine(e.job)}`,
          );
          break;
        case "batch-done":
          if (timer) clearInterval(timer);
          timer = undefined;
          clear();
          write(finalLines(e.summary, outDir));
          break;
        default:
          break;
      }
    },
    note(text) {
      println(text);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      clear();
    },
  };
}

/** The closing lines: counts, the failed jobs, time, tokens, cost, where index.html is. */
export function finalLines(s: BatchSummary, outDir?: string): string {
  const c = s.counts;
  const head = [`${c.success}/${c.total} succeeded`];
  if (c.failed) head.push(`${c.failed} failed`);
  if (c.interrupted) head.push(`${c.interrupted} interrupted`);
  if (c.notRun) head.push(`${c.notRun} not run`);
  if (c.resumed) head.push(`${c.resumed} kept from the earlier run`);
  const llm = s.jobs.some((j) => j.kind === "brief")
    ? ` · ${tokens(s.usage.inputTokens)} in / ${tokens(s.usage.outputTokens)} out tokens · ${cost(s.usage.costUsd)}`
    : "";
  const lines = [`batch ${s.interrupted ? "interrupted" : "done"}: ${head.join(", ")} · ${duration(s.totalMs)}${llm}`];
  const bad = s.jobs.filter((j) => j.status !== "success");
  for (const j of bad.slice(0, 20))
    lines.push(`  ${j.status}: ${j.id}${j.error ? ` — ${j.error.split("\n")[0]}` : ""}`);
  if (bad.length > 20) lines.push(`  … and ${bad.length - 20} more (see summary.json)`);
  if (outDir !== undefined) lines.push(`summary: ${outDir}/summary.json · page: ${outDir}/index.html`);
  return `${lines.join("\n")}\n`;
}

import { mkdirSync } from "node:fs";
import type { Command } from "commander";
import { gatedAdapter } from "../../batch/gated-adapter.js";
import { createJobRunner, type BriefTarget } from "../../batch/job-runner.js";
import { JobFileError, loadJobs, type BatchJob } from "../../batch/jobs.js";
import { parseShard, shardFromEnv, shardJobs, type Shard } from "../../batch/shard.js";
import { loadRecords, type LoadedRecord } from "../../batch/records.js";
import { BatchRun, checkJobDirs, writeBatchFilesSync } from "../../batch/run-batch.js";
import { defaultConcurrency, WorkerPool } from "../../batch/worker-pool.js";
import { DEFAULT_FORMATS } from "../../agent/outputs.js";
import { ProviderGate } from "../../agent/provider-gate.js";
import { Redactor } from "../../util/redact.js";
import { retryPolicyFromEnv } from "../../agent/retry.js";
import { CadClient } from "../../cad/client.js";
import { freecadInstallHint } from "../../cad/find-freecad.js";
import type { ProtocolAdapter } from "../../llm/types.js";
import { createRegistry } from "../../tools/catalog.js";
import { batchProgress } from "../batch-progress.js";
import { refuseRecordAsJobs } from "../batch-source-check.js";
import { registerMerge } from "./batch-merge.js";
import { UserError, ExitCode } from "../../util/user-error.js";
import { providerAdapter } from "../provider-adapter.js";
import { resolveBatch, type BatchFlags } from "../resolve-batch.js";

const MAX_CONCURRENCY = 64;
/**
 * The batch's FreeCAD workers run at nice 10: six of them starting at once on two cores held
 * up the CLI's own thread, and with it every job's first provider request, by ~1 s
 * (bench/batch.mjs: 24 briefs at concurrency 6 went from 1.26–1.31× to 1.21–1.28× of ideal).
 */
const BATCH_WORKER_NICENESS = 10;

interface BatchCommandFlags extends BatchFlags {
  concurrency?: string;
  shard?: string;
  resume?: boolean;
  retryFailed?: boolean;
  allowPython?: boolean;
  views?: boolean;
  /** false with --no-review. */
  review?: boolean;
  json?: boolean;
}

const HELP = `
Jobs file (JSON Lines, one job a line; # comments and blank lines are ignored):
  {"id": "plate", "brief": "a 60x40x5 mm mounting plate with four M4 holes 5 mm from the corners"}
  {"id": "bracket-wide", "design": "examples/l-bracket.cad.json", "set": {"width": 60}}
  {"id": "bushing", "brief": "a flanged bushing, 20 mm bore", "provider": "openai", "model": "gpt-5.6-luna"}
Per job: exactly one of "brief" (designed by the LLM) or "design" (a design record, rebuilt
without an LLM, path relative to the jobs file; "set" overrides its parameters), and optional
"provider", "model" (override -p/-m) and "out" (folder inside the batch folder; default the id).
A folder instead of a file runs every *.cad.json in it.

Output: <out>/<id>/ per job (design.cad.json, model.*, preview.png, report.json, transcript.jsonl),
plus <out>/summary.json and <out>/index.html (previews and figures; opens from disk).

Exit codes: 0 every job succeeded · 1 some job failed · 2 bad flags, jobs file or design record,
or a missing key (nothing runs) · 4 FreeCAD unavailable · 130 interrupted (Ctrl-C; what exists is
saved, and summary.json and index.html are still written).

Shards: jobs are sorted by a hash of their id and dealt round-robin, so shard sizes differ by at
most one and a jobs file splits the same way on every machine. --shard auto takes the shard from
the environment: CADAGENT_SHARD=i/n; Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX, 0-based) or
AWS Batch arrays (AWS_BATCH_JOB_ARRAY_INDEX, 0-based) with CADAGENT_SHARD_COUNT=n; GitLab
(CI_NODE_INDEX, 1-based, and CI_NODE_TOTAL); CircleCI (CIRCLE_NODE_INDEX, 0-based, and
CIRCLE_NODE_TOTAL). Missing or contradictory values are exit 2, naming what was found.

Examples:
  $ cadagent batch jobs.jsonl --concurrency 4 -o out/parts
  $ cadagent batch jobs.jsonl -o out/parts --resume          # after a crash or Ctrl-C: run only what is missing
  $ cadagent batch designs/ --shard 2/4 -o out/shard-2       # CI matrix: this machine runs a quarter of the jobs
  $ cadagent batch jobs.jsonl --shard auto -o /results/shard-$JOB_COMPLETION_INDEX --resume   # a Kubernetes pod
  $ cadagent batch merge out/shard-* -o out/all              # one summary.json and index.html for every shard
`;

/** Registers `cadagent batch <jobs.jsonl | folder>`. */
export function register(program: Command): void {
  const batch = program
    .command("batch")
    // Options after `merge` belong to merge (its -o is not the batch's -o).
    .enablePositionalOptions()
    .description(
      "Run many briefs and/or design records with a pool of FreeCAD workers; writes summary.json and index.html",
    )
    .argument("<jobs>", "a jobs.jsonl file, or a folder of *.cad.json design records")
    .option(
      "--concurrency <n>",
      "jobs at a time (default: from cores and memory; more when there are briefs, which mostly wait on the provider)",
    )
    .option(
      "--shard <i/n|auto>",
      "run only shard i of n (balanced: sizes differ by at most one; stable for a jobs file); auto: from the environment (see below)",
    )
    .option("--resume", "skip jobs whose report.json is complete in the output folder (needs -o)")
    .option("--retry-failed", "with --resume: also re-run jobs that failed")
    .option("-o, --out <dir>", "batch output folder (default: ./cadagent-out/batch-<yyyymmdd-hhmmss>)")
    .option("--formats <list>", `exports per job (default ${DEFAULT_FORMATS.join(",")})`)
    .option("-p, --provider <id>", "provider of brief jobs that name none")
    .option("-m, --model <id>", "model of brief jobs that name none (default: the provider's default model)")
    .option("--base-url <url>", "override the endpoint of the -p provider")
    .option("--max-turns <n>", "turn limit per brief job (default 30)")
    .option("--budget <usd>", "cost limit per brief job")
    .option("--timeout <seconds>", "deadline per brief job")
    .option("--allow-python", "offer run_python to briefs and allow it in design records")
    .option("--views", "also write views.png per job: the top, front and right views beside the iso view")
    .option("--no-review", "skip the self-review turn after a brief job's finish")
    .option("--json", "print summary.json on stdout at the end")
    .addHelpText("after", HELP)
    .action(async (source: string, flags: BatchCommandFlags) => {
      process.exitCode = await batchCommand(source, flags);
    });
  registerMerge(batch);
}

function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof JobFileError) throw new UserError(e.message, ExitCode.usage);
    throw e;
  }
}

function parseConcurrency(raw: string | undefined, jobs: readonly BatchJob[]): number {
  if (raw === undefined) return defaultConcurrency(jobs.some((j) => j.kind === "brief"));
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY)
    throw new UserError(
      `invalid --concurrency '${raw}': must be a whole number from 1 to ${MAX_CONCURRENCY}`,
      ExitCode.usage,
    );
  return n;
}

/** `--shard i/n`, or `--shard auto` from the environment (exit 2 with what was found when it cannot). */
function resolveShard(spec: string | undefined): Shard | undefined {
  if (spec === undefined) return undefined;
  return usage(() => (spec.trim() === "auto" ? shardFromEnv(process.env) : parseShard(spec)));
}

/** Run a batch from the command line; returns the exit code (CLI.md "Exit codes"). */
export async function batchCommand(source: string, flags: BatchCommandFlags): Promise<number> {
  const shard = resolveShard(flags.shard);
  if (flags.resume && flags.out === undefined)
    throw new UserError("--resume needs -o <the batch folder to resume>", ExitCode.usage);
  if (flags.retryFailed && !flags.resume)
    throw new UserError("--retry-failed only makes sense with --resume", ExitCode.usage);
  refuseRecordAsJobs(source);
  const all = usage(() => loadJobs(source));
  const jobs = shard ? shardJobs(all, shard) : all;
  const concurrency = parseConcurrency(flags.concurrency, jobs);
  const allowPython = flags.allowPython ?? false;
  const records: Map<string, LoadedRecord> = usage(() => loadRecords(jobs, createRegistry({ allowPython })));
  const run = await resolveBatch(jobs, flags);
  usage(() => checkJobDirs(run.outDir, jobs));

  const keys = [...run.providers.values()].map((p) => p.key?.key);
  const redactor = new Redactor(keys);
  const policy = retryPolicyFromEnv();
  const gate = new ProviderGate();
  const adapters = new Map<string, ProtocolAdapter>();
  for (const [id, use] of run.providers) {
    const raw = providerAdapter(use.provider, use.baseUrl, use.key?.key);
    adapters.set(id, gatedAdapter(raw, gate, id, { policy }));
  }
  const targets = new Map<string, BriefTarget>();
  for (const [jobId, b] of run.briefs) {
    const use = run.providers.get(b.provider);
    const adapter = adapters.get(b.provider);
    if (use && adapter) targets.set(jobId, { provider: use.provider, model: b.model, adapter });
  }

  mkdirSync(run.outDir, { recursive: true });
  const pool = new WorkerPool(
    concurrency,
    () => new CadClient({ freecadCmd: run.freecadCmd, defaultTimeoutMs: 120_000, niceness: BATCH_WORKER_NICENESS }),
  );
  const err = (s: string): void => void process.stderr.write(redactor.redact(s));
  const progress = batchProgress(err, {
    tty: process.stderr.isTTY === true,
    width: () => process.stderr.columns || 100,
  });

  const interrupt = new AbortController();
  const batch = new BatchRun({
    jobs,
    outDir: run.outDir,
    concurrency,
    resume: flags.resume ?? false,
    retryFailed: flags.retryFailed ?? false,
    shard: shard ? `${shard.index}/${shard.count}` : null,
    pool,
    runJob: createJobRunner({
      targets,
      records,
      formats: run.config.formats,
      maxTurns: run.config.maxTurns,
      ...(run.config.budgetUsd !== undefined ? { budgetUsd: run.config.budgetUsd } : {}),
      ...(run.timeoutMs !== undefined ? { timeoutMs: run.timeoutMs } : {}),
      allowPython,
      views: flags.views ?? false,
      ...(flags.review === false ? { review: false } : {}),
      redactor,
      retry: policy,
    }),
    signal: interrupt.signal,
    onEvent: (e) => progress.onEvent(e),
  });

  // First Ctrl-C (or SIGTERM from a CI runner): no new jobs, running ones save what they have,
  // summary.json and index.html are written. Second: write them from what is known and leave.
  const onSignal = (): void => {
    if (interrupt.signal.aborted) {
      progress.stop();
      try {
        writeBatchFilesSync(run.outDir, batch.summary());
      } finally {
        process.exit(ExitCode.interrupted);
      }
    }
    interrupt.abort();
    progress.note(
      "interrupting: running jobs save their design record, transcript and report; summary.json and index.html follow (Ctrl-C again to quit now)",
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // One worker is started as a probe, alongside the first jobs rather than before them: if
  // FreeCAD cannot start at all, the batch stops with one clear error instead of N failed jobs.
  let cadError: unknown;
  const probe = pool.acquire().then(
    (c) => pool.release(c),
    (e: unknown) => {
      cadError = e;
      interrupt.abort();
    },
  );
  try {
    const summary = await batch.run();
    await probe;
    if (cadError !== undefined) {
      throw new UserError(
        `FreeCAD could not be started (${run.freecadCmd}): ${cadError instanceof Error ? cadError.message : JSON.stringify(cadError)}\n${freecadInstallHint()}`,
        ExitCode.cad,
      );
    }
    if (flags.json) process.stdout.write(`${redactor.redact(JSON.stringify(summary, null, 2))}\n`);
    if (summary.interrupted) return ExitCode.interrupted;
    return summary.counts.success === summary.counts.total ? ExitCode.ok : ExitCode.designFailed;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    progress.stop();
    await pool.close();
  }
}

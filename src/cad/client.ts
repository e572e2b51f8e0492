import {
  CadError,
  noAnswer,
  STEPS_OP,
  type CadErrorCode,
  type StepReply,
  type WorkerErrorBody,
  type WorkerReply,
} from "./protocol.js";
import { WorkerProcess, type WorkerProcessOptions } from "./worker-process.js";

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface JournalEntry {
  op: string;
  args: Record<string, unknown>;
}

/** One op of `callSteps`: its result, or why it failed (a worker error or a client-side one). */
export type StepOutcome =
  | { ok: true; result: Record<string, unknown>; ms: number }
  | { ok: false; error: { code: CadErrorCode; message: string; hint?: string }; ms: number };

/** Options of `callSteps`: those of `call`, and who hears each op as it finishes. */
export type StepsOptions = CallOptions & { onStep?: (index: number, outcome: StepOutcome) => void };

/** A worker error body or a CadError, as a failed op of `callSteps`. */
function failed(error: WorkerErrorBody | CadError, ms: number): StepOutcome {
  return {
    ok: false,
    error: { code: error.code ?? "op_error", message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
    ms,
  };
}

function asCadError(e: unknown): CadError {
  return e instanceof CadError ? e : new CadError("crashed", String(e));
}

/** A request cut short by the client (timeout, abort, an unreadable reply): restart, no retry. */
function cutShort(err: CadError): boolean {
  return err.code === "timeout" || err.code === "aborted" || err.code === "bad_reply";
}

/** The error of an op cut short, once the worker was restarted and the journal replayed. */
function restored(err: CadError): CadError {
  return new CadError(
    err.code,
    err.message,
    "the design was restored to the state before this call; try a simpler operation",
  );
}

/** The error of an op that killed the worker twice, once it was restarted and the journal replayed. */
function crashedTwice(op: string, why: string): CadError {
  return new CadError(
    "crashed",
    `FreeCAD crashed while running '${op}' (${why})`,
    "the design was restored to the state before this call; this operation crashes FreeCAD, try different arguments",
  );
}

export interface CadClientOptions extends WorkerProcessOptions {
  /** Default per-call timeout (ms). */
  defaultTimeoutMs?: number;
  /** Restarts allowed within `restartWindowMs` before the backend counts as unrecoverable. */
  maxRestarts?: number;
  /** How far back restarts count against `maxRestarts` (default 10 minutes): a long session
   * with an occasional crash is fine, a worker that dies on every call is not. */
  restartWindowMs?: number;
  /** Told about restarts so the agent can emit an event. */
  onRestart?: (reason: string, replayed: number) => void;
}

/**
 * RPC over a persistent FreeCAD worker. Journals every successful mutating call, so a
 * crashed, hung or killed worker is restarted and the document rebuilt transparently.
 */
export class CadClient {
  private worker: WorkerProcess | undefined;
  private starting: Promise<WorkerProcess> | undefined;
  private readonly journal: JournalEntry[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private restarts = 0;
  private readonly recentRestarts: number[] = [];
  /** Set when a replay failed: the document no longer matches the journal, so no call may go on. */
  private broken: CadError | undefined;
  /** Total milliseconds spent in calls, as measured on the Node side. */
  cadMs = 0;

  constructor(private readonly opts: CadClientOptions) {}

  /** Start the worker now (e.g. while the first LLM request is in flight). Idempotent. */
  start(): Promise<WorkerProcess> {
    if (this.worker?.alive) return Promise.resolve(this.worker);
    if (!this.starting) {
      this.starting = this.startWorker().then(
        (w) => {
          this.worker = w;
          this.starting = undefined;
          return w;
        },
        (e: unknown) => {
          this.starting = undefined;
          throw e instanceof CadError && e.code === "unavailable"
            ? e
            : new CadError("unavailable", e instanceof Error ? e.message : String(e));
        },
      );
    }
    return this.starting;
  }

  /** A worker that dies while starting (a transient crash, memory pressure) gets one more try;
   * a program that cannot be run at all (`unavailable`) does not. */
  private async startWorker(): Promise<WorkerProcess> {
    for (let attempt = 1; ; attempt++) {
      const w = new WorkerProcess(this.opts);
      try {
        await w.start();
        return w;
      } catch (e) {
        await w.stop(200).catch(() => undefined);
        if (attempt >= 2 || !(e instanceof CadError) || e.code !== "crashed") throw e;
      }
    }
  }

  get freecadVersion(): string {
    return this.worker?.freecadVersion ?? "";
  }

  get pid(): number | undefined {
    return this.worker?.pid;
  }

  get restartCount(): number {
    return this.restarts;
  }

  /** The successful mutating calls so far, in order (what a design record's steps come from). */
  entries(): readonly JournalEntry[] {
    return this.journal;
  }

  /**
   * Call one op. Resolves with the op's result; rejects with CadError (code op_error etc. for
   * model-recoverable failures, `unavailable` when FreeCAD cannot be run at all).
   */
  call<T = Record<string, unknown>>(
    op: string,
    args: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<T> {
    const run = this.queue.then(() => this.callNow(op, args, options));
    this.queue = run.catch(() => undefined);
    return run as Promise<T>;
  }

  private async callNow(
    op: string,
    args: Record<string, unknown>,
    options: CallOptions,
  ): Promise<Record<string, unknown>> {
    // Cancelled while queued: the worker never saw this call, so there is nothing to interrupt.
    if (options.signal?.aborted) throw new CadError("aborted", `'${op}' was cancelled before it started`);
    if (this.broken) throw this.broken;
    const timeoutMs = options.timeoutMs ?? this.opts.defaultTimeoutMs ?? 60_000;
    let worker = await this.ensureWorker();
    const started = performance.now();
    let reply: WorkerReply;
    try {
      reply = await worker.request(op, args, timeoutMs, options.signal);
    } catch (e) {
      const err = asCadError(e);
      if (cutShort(err)) {
        await this.recover(`${op} ${err.code}`);
        throw restored(err);
      }
      // The worker died under us (OOM, external kill, FreeCAD crash): rebuild and try once more.
      await this.recover(`worker died during ${op}`);
      worker = await this.ensureWorker();
      try {
        reply = await worker.request(op, args, timeoutMs, options.signal);
      } catch (e2) {
        await this.recover(`worker died again during ${op}`);
        throw crashedTwice(op, e2 instanceof Error ? e2.message : String(e2));
      }
    } finally {
      this.cadMs += performance.now() - started;
    }
    if (!reply.ok) throw new CadError(reply.error.code ?? "op_error", reply.error.message, reply.error.hint);
    if (worker.ops[op]) this.journal.push({ op, args });
    return reply.result;
  }

  /**
   * Run several ops in one request (a record replay's steps): no round trip between them. The
   * ops run in order and stop at the first that fails; the answer holds one outcome per op run,
   * the last one the failure, if any. `onStep` hears each as it finishes. A timeout applies to
   * each op, as it would to separate calls.
   *
   * What `call` would do for a single op holds for each: successful mutating ops are journaled
   * (as each finishes), and a worker that crashes is restarted with the document rebuilt, and
   * the op it died in is tried once more before it counts as failed. A timeout or an abort is
   * the failure of the op it interrupted. Throws only when FreeCAD is gone (`unavailable`).
   */
  callSteps(steps: readonly JournalEntry[], options: StepsOptions = {}): Promise<StepOutcome[]> {
    const run = this.queue.then(() => this.callStepsNow(steps, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async callStepsNow(steps: readonly JournalEntry[], options: StepsOptions): Promise<StepOutcome[]> {
    const outcomes: StepOutcome[] = [];
    // onStep runs inside the reply reader: what it throws is kept and thrown from here.
    let thrown: { error: unknown } | undefined;
    const settle = (outcome: StepOutcome): StepOutcome[] => {
      outcomes.push(outcome);
      try {
        if (!thrown) options.onStep?.(outcomes.length - 1, outcome);
      } catch (e) {
        thrown = { error: e };
      }
      return outcomes;
    };
    const result = await this.runSteps(steps, options, outcomes, settle);
    if (thrown) throw thrown.error;
    return result;
  }

  private async runSteps(
    steps: readonly JournalEntry[],
    options: CallOptions,
    outcomes: StepOutcome[],
    settle: (outcome: StepOutcome) => StepOutcome[],
  ): Promise<StepOutcome[]> {
    const timeoutMs = options.timeoutMs ?? this.opts.defaultTimeoutMs ?? 60_000;
    let crashedAt = -1;
    while (outcomes.length < steps.length) {
      // Cancelled before this op was sent: the worker never saw it, so there is nothing to interrupt.
      if (options.signal?.aborted)
        return settle(
          failed(new CadError("aborted", `'${steps[outcomes.length]?.op}' was cancelled before it started`), 0),
        );
      if (this.broken) throw this.broken;
      const worker = await this.ensureWorker();
      const offset = outcomes.length;
      const started = performance.now();
      let reply: WorkerReply;
      try {
        reply = await worker.request(
          STEPS_OP,
          { steps: steps.slice(offset) },
          timeoutMs,
          options.signal,
          (r: StepReply) => {
            const entry = steps[offset + r.step];
            if (!entry || offset + r.step !== outcomes.length) return;
            if (r.ok && worker.ops[entry.op]) this.journal.push(entry);
            settle(r.ok ? { ok: true, result: r.result, ms: r.ms } : failed(r.error, r.ms));
          },
        );
      } catch (e) {
        const op = steps[outcomes.length]?.op ?? STEPS_OP;
        // The worker process timed out the whole request: name the op it was in, as a lone call would.
        const caught = asCadError(e);
        const err = caught.code === "timeout" ? new CadError("timeout", noAnswer(op, timeoutMs)) : caught;
        if (cutShort(err)) {
          await this.recover(`${op} ${err.code}`);
          return settle(failed(restored(err), 0));
        }
        // Died under us: the journal rebuilds the ops done so far; the one it died in gets one more try.
        await this.recover(`worker died during ${op}`);
        if (crashedAt === outcomes.length) return settle(failed(crashedTwice(op, err.message), 0));
        crashedAt = outcomes.length;
        continue;
      } finally {
        this.cadMs += performance.now() - started;
      }
      // Refused as a whole (malformed), or interrupted inside an op: that op failed.
      if (!reply.ok) return settle(failed(reply.error, reply.ms));
      break;
    }
    return outcomes;
  }

  private async ensureWorker(): Promise<WorkerProcess> {
    if (this.worker?.alive) return this.worker;
    if (this.worker) await this.recover("worker not running");
    return this.start();
  }

  /**
   * Restart the worker and replay the journal so the document is as it was. A replay that
   * fails leaves a document that does not match the journal: the client is then broken for
   * good, and this and every later call fail with the reason rather than build on it.
   */
  private async recover(reason: string): Promise<void> {
    if (this.broken) throw this.broken;
    this.restarts++;
    const now = performance.now();
    const windowMs = this.opts.restartWindowMs ?? 600_000;
    this.recentRestarts.push(now);
    while (this.recentRestarts.length > 0 && (this.recentRestarts[0] ?? now) < now - windowMs)
      this.recentRestarts.shift();
    const max = this.opts.maxRestarts ?? 5;
    if (this.recentRestarts.length > max) {
      throw new CadError(
        "unavailable",
        `FreeCAD worker restarted ${this.recentRestarts.length - 1} times in ${Math.round(windowMs / 1000)} s; giving up (${reason})`,
      );
    }
    this.worker?.kill();
    await this.worker?.stop(500);
    this.worker = undefined;
    const w = await this.start();
    for (const [i, entry] of this.journal.entries()) {
      let r: WorkerReply;
      try {
        r = await w.request(entry.op, entry.args, this.opts.defaultTimeoutMs ?? 60_000);
      } catch (e) {
        r = { id: null, ok: false, error: { message: e instanceof Error ? e.message : String(e) }, ms: 0 };
      }
      if (!r.ok) {
        this.broken = new CadError(
          "unavailable",
          `the design could not be rebuilt after a FreeCAD restart: replay of call ${i + 1} '${entry.op}' failed (${r.error.message})`,
          "start a new session; the calls so far are in the design log",
        );
        w.kill();
        await w.stop(500);
        this.worker = undefined;
        throw this.broken;
      }
    }
    this.opts.onRestart?.(reason, this.journal.length);
  }

  /** Forget everything: new empty document and journal. */
  async reset(): Promise<void> {
    await this.call("reset", {});
    this.journal.length = 0;
  }

  /**
   * Stop the worker once the queued calls are done. `now`: kill it rather than let it exit
   * (its mesh helper dies with it); only for a worker whose results are all written, since
   * whatever it holds is lost.
   */
  async close(opts: { now?: boolean } = {}): Promise<void> {
    await this.queue;
    await this.worker?.stop(opts.now ? 0 : undefined);
    this.worker = undefined;
  }

  /** Test hook: kill the worker process as the OOM killer would. */
  killWorkerForTest(): void {
    this.worker?.kill();
  }
}

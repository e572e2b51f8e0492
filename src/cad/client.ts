import { CadError, type WorkerReply } from "./protocol.js";
import { WorkerProcess, type WorkerProcessOptions } from "./worker-process.js";

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface JournalEntry {
  op: string;
  args: Record<string, unknown>;
}

export interface CadClientOptions extends WorkerProcessOptions {
  /** Default per-call timeout (ms). */
  defaultTimeoutMs?: number;
  /** Restarts allowed over the client's life before the backend counts as unrecoverable. */
  maxRestarts?: number;
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
  /** Total milliseconds spent in calls, as measured on the Node side. */
  cadMs = 0;

  constructor(private readonly opts: CadClientOptions) {}

  /** Start the worker now (e.g. while the first LLM request is in flight). Idempotent. */
  start(): Promise<WorkerProcess> {
    if (this.worker?.alive) return Promise.resolve(this.worker);
    if (!this.starting) {
      const w = new WorkerProcess(this.opts);
      this.starting = w.start().then(
        () => {
          this.worker = w;
          this.starting = undefined;
          return w;
        },
        (e: unknown) => {
          this.starting = undefined;
          throw e instanceof CadError ? e : new CadError("unavailable", String(e));
        },
      );
    }
    return this.starting;
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
    const timeoutMs = options.timeoutMs ?? this.opts.defaultTimeoutMs ?? 60_000;
    let worker = await this.ensureWorker();
    const started = performance.now();
    let reply: WorkerReply;
    try {
      reply = await worker.request(op, args, timeoutMs, options.signal);
    } catch (e) {
      const err = e instanceof CadError ? e : new CadError("crashed", String(e));
      if (err.code === "timeout" || err.code === "aborted") {
        await this.recover(`${op} ${err.code}`);
        throw new CadError(
          err.code,
          err.message,
          "the design was restored to the state before this call; try a simpler operation",
        );
      }
      // The worker died under us (OOM, external kill, FreeCAD crash): rebuild and try once more.
      await this.recover(`worker died during ${op}`);
      worker = await this.ensureWorker();
      try {
        reply = await worker.request(op, args, timeoutMs, options.signal);
      } catch (e2) {
        await this.recover(`worker died again during ${op}`);
        const why = e2 instanceof Error ? e2.message : String(e2);
        throw new CadError(
          "crashed",
          `FreeCAD crashed while running '${op}' (${why})`,
          "the design was restored to the state before this call; this operation crashes FreeCAD, try different arguments",
        );
      }
    } finally {
      this.cadMs += performance.now() - started;
    }
    if (!reply.ok) throw new CadError(reply.error.code ?? "op_error", reply.error.message, reply.error.hint);
    if (worker.ops[op]) this.journal.push({ op, args });
    return reply.result;
  }

  private async ensureWorker(): Promise<WorkerProcess> {
    if (this.worker?.alive) return this.worker;
    if (this.worker) await this.recover("worker not running");
    return this.start();
  }

  /** Restart the worker and replay the journal so the document is as it was. */
  private async recover(reason: string): Promise<void> {
    this.restarts++;
    if (this.restarts > (this.opts.maxRestarts ?? 5)) {
      throw new CadError("unavailable", `FreeCAD worker restarted ${this.restarts - 1} times; giving up (${reason})`);
    }
    this.worker?.kill();
    await this.worker?.stop(500);
    this.worker = undefined;
    const w = await this.start();
    for (const entry of this.journal) {
      const r = await w.request(entry.op, entry.args, this.opts.defaultTimeoutMs ?? 60_000);
      if (!r.ok) throw new CadError("unavailable", `replay of '${entry.op}' failed after restart: ${r.error.message}`);
    }
    this.opts.onRestart?.(reason, this.journal.length);
  }

  /** Forget everything: new empty document and journal. */
  async reset(): Promise<void> {
    await this.call("reset", {});
    this.journal.length = 0;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.worker?.stop();
    this.worker = undefined;
  }

  /** Test hook: kill the worker process as the OOM killer would. */
  killWorkerForTest(): void {
    this.worker?.kill();
  }
}

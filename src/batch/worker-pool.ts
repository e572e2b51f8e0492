import os from "node:os";
import type { CadClient } from "../cad/client.js";

/**
 * FreeCAD workers reused across batch jobs: a job borrows a client, and on release the
 * document is reset (milliseconds) instead of paying a new process start (~200 ms, ~100 MB).
 */
export class WorkerPool {
  private readonly idle: CadClient[] = [];
  private readonly all = new Set<CadClient>();
  private readonly waiters: { resolve: (c: CadClient) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    private readonly capacity: number,
    private readonly create: () => CadClient,
  ) {}

  /**
   * Borrow a client. With `started: false` a new worker is only set starting, not awaited: a
   * design run starts it itself while its first LLM request is in flight, which hides the
   * start-up instead of queueing it before the request (a job that needs it started awaits
   * `start()`, which is idempotent).
   */
  async acquire(opts: { started?: boolean } = {}): Promise<CadClient> {
    const c = this.idle.pop();
    if (c) return c;
    if (this.all.size < this.capacity) {
      const fresh = this.create();
      this.all.add(fresh);
      if (opts.started === false) {
        // The job sees the failure through its own start(); this only keeps it from being unhandled.
        fresh.start().catch(() => undefined);
        return fresh;
      }
      try {
        await fresh.start();
      } catch (e) {
        this.all.delete(fresh);
        throw e;
      }
      return fresh;
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Return a client; it is reset for the next job. A client whose worker had to be restarted
   * during the job is replaced instead: restarts count against the client's lifetime limit, and
   * one job's crashes must not use up the next job's allowance.
   */
  async release(c: CadClient): Promise<void> {
    let reusable = c.restartCount === 0;
    if (reusable) {
      try {
        await c.reset();
      } catch {
        reusable = false;
      }
    }
    if (!reusable) {
      this.all.delete(c);
      await c.close().catch(() => undefined);
      const w = this.waiters.shift();
      if (w) this.acquire().then(w.resolve, w.reject);
      return;
    }
    const w = this.waiters.shift();
    if (w) w.resolve(c);
    else this.idle.push(c);
  }

  /** Clients alive now (started or starting). */
  get size(): number {
    return this.all.size;
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((c) => c.close().catch(() => undefined)));
    this.all.clear();
    this.idle.length = 0;
  }
}

/**
 * Default concurrency. Brief jobs mostly wait on the provider, so they overlap well beyond the
 * core count; record replays are CPU-bound in FreeCAD. Each worker is ~100 MB: leave headroom.
 */
export function defaultConcurrency(hasBriefs: boolean): number {
  const cores = Math.max(1, os.availableParallelism());
  const byMemory = Math.max(1, Math.floor(os.totalmem() / (400 * 1024 * 1024)));
  return Math.max(1, Math.min(hasBriefs ? Math.max(4, cores * 3) : cores, byMemory, 16));
}

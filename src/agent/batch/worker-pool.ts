import os from "node:os";
import type { CadClient } from "../../cad/client.js";

/**
 * FreeCAD workers reused across batch jobs: a job borrows a client, and on release the
 * document is reset (milliseconds) instead of paying a new process start (~200 ms, ~100 MB).
 */
export class WorkerPool {
  private readonly idle: CadClient[] = [];
  private readonly all = new Set<CadClient>();
  private readonly waiters: ((c: CadClient) => void)[] = [];

  constructor(
    private readonly size: number,
    private readonly create: () => CadClient,
  ) {}

  async acquire(): Promise<CadClient> {
    const c = this.idle.pop();
    if (c) return c;
    if (this.all.size < this.size) {
      const fresh = this.create();
      this.all.add(fresh);
      try {
        await fresh.start();
      } catch (e) {
        this.all.delete(fresh);
        throw e;
      }
      return fresh;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Return a client; it is reset for the next job, or dropped if the reset fails. */
  async release(c: CadClient): Promise<void> {
    try {
      await c.reset();
    } catch {
      this.all.delete(c);
      await c.close().catch(() => undefined);
      const w = this.waiters.shift();
      if (w) void this.acquire().then(w);
      return;
    }
    const w = this.waiters.shift();
    if (w) w(c);
    else this.idle.push(c);
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

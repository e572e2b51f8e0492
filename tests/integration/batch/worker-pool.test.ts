import { describe, expect, it } from "vitest";
import { WorkerPool } from "../../../src/batch/worker-pool.js";
import { CadClient } from "../../../src/cad/client.js";
import { freecadCmd } from "../../helpers/cad.js";

/** The batch's FreeCAD workers, real ones: reused across jobs, emptied between them. */

const visibleParts = async (c: CadClient): Promise<number> =>
  (await c.call<{ parts: unknown[] }>("parts_health", {})).parts.length;

describe("WorkerPool", () => {
  it("lends the same worker to the next job with an empty document, waits when all are busy, and replaces a worker that had to restart", async () => {
    let created = 0;
    const pool = new WorkerPool(2, () => {
      created++;
      return new CadClient({ freecadCmd: freecadCmd(), defaultTimeoutMs: 30_000 });
    });
    try {
      const a = await pool.acquire();
      const b = await pool.acquire();
      expect(created).toBe(2);
      await a.call("create_box", { name: "box", length: 10, width: 10, height: 10 });
      expect(await visibleParts(a)).toBe(1);
      const pidA = a.pid;

      // Both busy: the third borrower waits for a release.
      let third: CadClient | undefined;
      const waiting = pool.acquire().then((c) => (third = c));
      await new Promise((r) => setTimeout(r, 50));
      expect(third).toBeUndefined();
      await pool.release(a);
      await waiting;
      expect(third).toBe(a);
      expect(third?.pid).toBe(pidA);
      expect(await visibleParts(a)).toBe(0);
      expect(created).toBe(2);

      // A worker that crashed during a job is not lent again: its restarts belong to that job.
      b.killWorkerForTest();
      await b.call("create_box", { name: "box", length: 1, width: 1, height: 1 });
      expect(b.restartCount).toBe(1);
      await pool.release(b);
      const c = await pool.acquire();
      expect(c).not.toBe(b);
      expect(created).toBe(3);
      expect(await visibleParts(c)).toBe(0);
      await pool.release(c);
      await pool.release(a);
    } finally {
      await pool.close();
    }
  });
});

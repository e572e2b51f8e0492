import { existsSync, readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CadClient } from "../../../src/cad/client.js";
import { CadError, type WorkerReply } from "../../../src/cad/protocol.js";
import { WorkerProcess } from "../../../src/cad/worker-process.js";
import { type CadHarness, freecadCmd, near, startCad } from "../../helpers/cad.js";

/** Hangs, kills, crashes and malformed requests: the worker recovers and the design survives. */

const PI = Math.PI;
const EXPECTED = 100 * 60 * 5 - 6 * PI * 4 * 5;

/** The design, step by step; `between` runs after each step (to kill or crash the worker). */
async function design(
  h: CadHarness,
  between: (step: number) => Promise<void> = async () => undefined,
): Promise<number> {
  const steps: [string, Record<string, unknown>][] = [
    ["set_parameter", { name: "width", value: 60 }],
    ["create_box", { name: "plate", length: 100, width: "width", height: 5 }],
    ["create_cylinder", { name: "hole", radius: 2, height: 9, position: [50, "width/2 + 20", -2] }],
    ["polar_pattern", { name: "holes", object: "hole", axis: "Z", center: [50, "width/2", 0], count: 6 }],
    ["boolean", { name: "part", op: "cut", base: "plate", tools: ["holes"] }],
    ["transform", { object: "part", translate: [0, 0, 10] }],
  ];
  for (const [i, [tool, input]] of steps.entries()) {
    await h.tool(tool, input);
    await between(i);
  }
  return (await h.tool("measure", { object: "part" })).volume as number;
}

describe("worker recovery", () => {
  let h: CadHarness;
  beforeAll(async () => {
    h = await startCad({ allowPython: true });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(async () => {
    await h.cad.reset();
  });

  it("the uninterrupted design has the hand-computed volume", async () => {
    expect(near(await design(h), EXPECTED)).toBe(true);
  });

  it("a hung Python op is interrupted by the timeout and the same worker carries on", async () => {
    const pid = h.cad.pid;
    await h.tool("create_box", { name: "keep", length: 1, width: 2, height: 3 });
    const started = Date.now();
    const err = await h.cad.call("sleep", { seconds: 300 }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CadError);
    expect((err as CadError).code).toBe("interrupted");
    // Interrupted, not slept through (a generous bound: the op would take 5 minutes).
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(h.cad.pid).toBe(pid);
    expect((await h.tool("measure", { object: "keep" })).volume).toBe(6);
  });

  it("a hung run_python is interrupted and what it created is rolled back", async () => {
    h.ctx.timeoutMs = 500;
    try {
      const r = await h.tryTool("run_python", { code: "doc.addObject('Part::Box', 'spin')\nwhile True:\n    pass" });
      expect(r.ok).toBe(false);
      expect(["interrupted", "timeout"]).toContain(r.error?.code);
    } finally {
      delete h.ctx.timeoutMs;
    }
    const names = ((await h.tool("list_objects", {})).objects as { name: string }[]).map((o) => o.name);
    expect(names).not.toContain("spin");
  });

  it("a killed worker is restarted, the journal replayed, and the design ends with the same volume", async () => {
    const restarts = h.cad.restartCount;
    const pids = new Set<number | undefined>([h.cad.pid]);
    const volume = await design(h, async (step) => {
      if (step === 2 || step === 5) {
        h.cad.killWorkerForTest();
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    pids.add(h.cad.pid);
    expect(near(volume, EXPECTED)).toBe(true);
    expect(h.cad.restartCount).toBe(restarts + 2);
    expect(pids.size).toBe(2);
    expect((await h.tool("list_objects", {})).parts).toEqual(["part"]);
  });

  it("a worker killed while a call is in flight: the call is retried on a fresh worker", async () => {
    await h.tool("create_box", { name: "b", length: 2, width: 2, height: 2 });
    const pending = h.cad.call("sleep", { seconds: 0.5 });
    await new Promise((r) => setTimeout(r, 100));
    h.cad.killWorkerForTest();
    expect(await pending).toEqual({ slept: true });
    expect((await h.tool("measure", { object: "b" })).volume).toBe(8);
  });

  it("a crash op mid-design is reported as a crash, and the design completes with the same volume", async () => {
    // Its own client: the crash costs two restarts (the call is retried once), and restarts
    // are budgeted per client.
    const own = await startCad();
    try {
      const volume = await design(own, async (step) => {
        if (step !== 3) return;
        const err = await own.cad.call("crash", {}).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CadError);
        expect((err as CadError).code).toBe("crashed");
        expect((err as CadError).hint).toContain("restored");
      });
      expect(near(volume, EXPECTED)).toBe(true);
      expect(own.cad.restartCount).toBe(2);
    } finally {
      await own.close();
    }
  });
});

describe("malformed requests", () => {
  let w: WorkerProcess;
  beforeAll(async () => {
    w = new WorkerProcess({ freecadCmd: freecadCmd() });
    await w.start();
  });
  afterAll(async () => {
    await w.stop();
  });

  async function ping(): Promise<WorkerReply> {
    return w.request("ping", {}, 10_000);
  }

  it("a bad JSON line, a non-object request or one without id never take the worker down", async () => {
    for (const line of ["{not json", "[1, 2, 3]", "42", '"just a string"', '{"op": "ping"}', "", "   "]) {
      w.writeRawForTest(line);
    }
    // Replies to the raw lines carry no usable id; let them drain before the next request.
    await new Promise((r) => setTimeout(r, 300));
    const r = await ping();
    expect(r.ok).toBe(true);
    expect(w.alive).toBe(true);
  });

  it("an unknown op is an error listing the known ops", async () => {
    const r = await w.request("no_such_op", {}, 10_000);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("unknown_op");
      expect(r.error.hint).toContain("create_box");
    }
    expect((await ping()).ok).toBe(true);
  });

  it("non-object args are a bad_request error", async () => {
    for (const args of [[1, 2], "text", 7]) {
      const r = await w.request("create_box", args as unknown as Record<string, unknown>, 10_000);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe("bad_request");
    }
    expect((await ping()).ok).toBe(true);
  });

  it("through the client, errors are CadErrors and the client stays usable", async () => {
    const cad = new CadClient({ freecadCmd: freecadCmd() });
    try {
      const err = await cad.call("no_such_op").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CadError);
      expect((err as CadError).code).toBe("unknown_op");
      const bad = await cad.call("create_box", { length: "1 +", width: 1, height: 1 }).catch((e: unknown) => e);
      expect((bad as CadError).code).toBe("bad_expression");
      expect(cad.entries()).toEqual([]);
      expect(await cad.call("ping")).toMatchObject({ pong: true });
    } finally {
      await cad.close();
    }
  });
});

describe("the worker's allocator", () => {
  it.runIf(process.platform === "linux")("asks glibc for transparent huge pages (worker-env.ts)", async () => {
    const w = new WorkerProcess({ freecadCmd: freecadCmd() });
    await w.start();
    try {
      const environ = readFileSync(`/proc/${w.pid}/environ`, "utf8").split("\0");
      expect(environ).toContain("GLIBC_TUNABLES=glibc.malloc.hugetlb=1");
      expect((await w.request("ping", {}, 10_000)).ok).toBe(true);
    } finally {
      await w.stop();
    }
  });
});

describe("closing a worker at once (the end of a build)", () => {
  /** Gone, or a zombie nobody has reaped yet: either way it runs no more. */
  const gone = (pid: number): boolean => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") ?? true;
    } catch {
      return true;
    }
  };

  it.runIf(process.platform === "linux")(
    "close({ now: true }) kills the worker and its mesh helper and removes its private home",
    async () => {
      const cad = new CadClient({ freecadCmd: freecadCmd() });
      await cad.start();
      const pid = cad.pid!;
      const home = readFileSync(`/proc/${pid}/environ`, "utf8")
        .split("\0")
        .find((v) => v.startsWith("HOME="))!
        .slice("HOME=".length);
      await cad.call("create_box", { name: "b", length: 1, width: 1, height: 1 });
      const { helper } = await cad.call<{ helper: number }>("prefetch_meshes", { start: true });
      expect(helper).toBeGreaterThan(0);
      expect(existsSync(home)).toBe(true);
      // Queued before the close: it is answered first, as with a graceful close.
      const last = cad.call("ping");
      await cad.close({ now: true });
      expect(await last).toMatchObject({ pong: true });
      expect(gone(pid)).toBe(true);
      expect(existsSync(home)).toBe(false);
      // The helper dies with the worker (PR_SET_PDEATHSIG): allow the kernel a moment to deliver it.
      for (let i = 0; i < 100 && !gone(helper); i++) await new Promise((r) => setTimeout(r, 50));
      expect(gone(helper)).toBe(true);
    },
  );
});

describe("a lowered priority (batch workers)", () => {
  it.runIf(process.platform === "linux")("the worker runs at the niceness it was given, and works", async () => {
    const w = new WorkerProcess({ freecadCmd: freecadCmd(), niceness: 7 });
    await w.start();
    try {
      // /proc/<pid>/stat: the 19th field is the nice value (fields counted after the ")" of the name).
      const stat = readFileSync(`/proc/${w.pid}/stat`, "utf8");
      const nice = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      expect(nice).toBe(7);
      expect((await w.request("ping", {}, 10_000)).ok).toBe(true);
    } finally {
      await w.stop();
    }
  });
});

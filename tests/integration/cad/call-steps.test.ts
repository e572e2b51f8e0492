import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CadClient, StepOutcome } from "../../../src/cad/client.js";
import { CadError } from "../../../src/cad/protocol.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/**
 * Several ops in one request (issue #15: a record replay sends its steps at once instead of
 * waiting a round trip for each). Each op must come out as it would from a call of its own:
 * the same result or error, journaled when it mutates, its own timeout, a crash survived.
 */

let h: CadHarness;
let cad: CadClient;
beforeAll(async () => {
  h = await startCad();
  cad = h.cad;
});
afterAll(async () => {
  await h.close();
});

const box = (name: string, size: number) => ({
  op: "create_box",
  args: { name, length: size, width: size, height: size },
});

async function volume(name: string): Promise<number> {
  return (await cad.call<{ volume: number }>("measure", { object: name })).volume;
}

describe("callSteps", () => {
  it("runs the ops in order, answers each as it finishes and journals the ones that change the design", async () => {
    await cad.reset();
    const heard: number[] = [];
    const outcomes = await cad.callSteps(
      [
        box("plate", 10),
        { op: "create_cylinder", args: { name: "hole", radius: 2, height: 10, position: [5, 5, 0] } },
        { op: "boolean", args: { name: "cut", op: "cut", base: "plate", tools: ["hole"] } },
        { op: "measure", args: { object: "cut" } },
      ],
      { onStep: (i) => heard.push(i) },
    );
    expect(heard).toEqual([0, 1, 2, 3]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true]);
    const expected = 1000 - Math.PI * 4 * 10;
    expect(near(Number(outcomes[2]?.ok && outcomes[2].result.volume), expected)).toBe(true);
    expect(near(Number(outcomes[3]?.ok && outcomes[3].result.volume), expected)).toBe(true);
    // measure changes nothing, so it is not part of what a restart must rebuild.
    expect(cad.entries().map((e) => e.op)).toEqual(["create_box", "create_cylinder", "boolean"]);
  });

  it("stops at the first failing op, with the error a call of its own gets, and keeps the ops before it", async () => {
    // The same failing op, called alone on the same document (its hint lists the objects).
    await cad.reset();
    await cad.call("create_box", box("a", 2).args);
    const alone = await cad.call("boolean", { name: "c", op: "cut", base: "nothing", tools: ["a"] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(alone).toBeInstanceOf(CadError);
    await cad.reset();
    const outcomes = await cad.callSteps([
      box("a", 2),
      { op: "boolean", args: { name: "c", op: "cut", base: "nothing", tools: ["a"] } },
      box("b", 3),
    ]);
    expect(outcomes).toHaveLength(2);
    const failure = outcomes[1] as Extract<StepOutcome, { ok: false }>;
    expect(failure.ok).toBe(false);
    const err = alone as CadError;
    expect(failure.error).toEqual({ code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    expect(await volume("a")).toBeCloseTo(8, 9);
    await expect(volume("b")).rejects.toMatchObject({ code: "unknown_object" });
    expect(cad.entries().map((e) => e.args.name)).toEqual(["a"]);
  });

  it("gives each op the whole timeout; an op that overruns it fails alone and the worker goes on", async () => {
    await cad.reset();
    // Three 0.4 s ops under a 1 s timeout: 1.2 s in all, but no op is late.
    const slow = { op: "sleep", args: { seconds: 0.4 } };
    const ok = await cad.callSteps([slow, slow, slow], { timeoutMs: 1000 });
    expect(ok.map((o) => o.ok)).toEqual([true, true, true]);

    const pid = cad.pid;
    const outcomes = await cad.callSteps([box("kept", 2), { op: "sleep", args: { seconds: 20 } }, box("never", 1)], {
      timeoutMs: 500,
    });
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    const code = outcomes[1]?.ok === false ? outcomes[1].error.code : "";
    expect(["interrupted", "timeout"]).toContain(code);
    expect(cad.pid).toBe(pid); // SIGINT stopped the Python-level wait: no restart was needed
    expect(await volume("kept")).toBeCloseTo(8, 9);
    await expect(volume("never")).rejects.toMatchObject({ code: "unknown_object" });
  });

  it("restarts a worker that dies mid-batch, rebuilds the ops done before it, and fails the op that kills it twice", async () => {
    await cad.reset();
    const restarts = cad.restartCount;
    const outcomes = await cad.callSteps([box("before", 2), { op: "crash", args: {} }, box("after", 3)]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    expect(outcomes[1]?.ok === false && outcomes[1].error.code).toBe("crashed");
    expect(cad.restartCount - restarts).toBe(2);
    // The box made before the crash is in the rebuilt document; the op after it never ran.
    expect(await volume("before")).toBeCloseTo(8, 9);
    await expect(volume("after")).rejects.toMatchObject({ code: "unknown_object" });
  });

  it("an abort fails the op it interrupts and nothing after it runs", async () => {
    await cad.reset();
    const ac = new AbortController();
    const outcomes = await cad.callSteps([box("first", 2), { op: "sleep", args: { seconds: 20 } }, box("second", 1)], {
      signal: ac.signal,
      onStep: (i) => {
        if (i === 0) setTimeout(() => ac.abort(), 100);
      },
    });
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    expect(await volume("first")).toBeCloseTo(8, 9);
    await expect(volume("second")).rejects.toMatchObject({ code: "unknown_object" });
  });
});

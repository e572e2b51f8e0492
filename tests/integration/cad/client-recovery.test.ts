import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CadClient } from "../../../src/cad/client.js";
import { CadError } from "../../../src/cad/protocol.js";
import { freecadCmd } from "../../helpers/cad.js";

/** Issue #13 item 2 and 3 on the CAD client: cancels, interrupts, restart budget, start retry, bad replies, failed replays. */

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-client-rec-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function codeOf(e: unknown): string {
  return e instanceof CadError ? e.code : `not a CadError: ${String(e)}`;
}

/** A stand-in for freecadcmd: a script that ignores `-c <boot>` and does what `body` says. */
function fakeFreecad(name: string, body: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("cancels and interrupts", () => {
  let cad: CadClient;
  beforeAll(async () => {
    cad = new CadClient({ freecadCmd: freecadCmd(), defaultTimeoutMs: 30_000 });
    await cad.start();
  });
  afterAll(async () => {
    await cad.close();
  });

  it("three calls cancelled while queued never reach the worker; the next call succeeds on the same worker", async () => {
    await cad.call("create_box", { name: "keep", length: 1, width: 2, height: 3 });
    const pid = cad.pid;
    const busy = cad.call("sleep", { seconds: 0.5 });
    const cancelled = [1, 2, 3].map((i) => {
      const ac = new AbortController();
      const p = cad.call("create_box", { name: `c${i}`, length: 1, width: 1, height: 1 }, { signal: ac.signal });
      ac.abort();
      return p.then(
        () => "ran",
        (e: unknown) => codeOf(e),
      );
    });
    expect(await Promise.all(cancelled)).toEqual(["aborted", "aborted", "aborted"]);
    await busy;
    expect(cad.pid).toBe(pid);
    expect(cad.restartCount).toBe(0);
    const m = await cad.call<{ volume: number }>("measure", { object: "keep" });
    expect(m.volume).toBeCloseTo(6, 9);
    expect(cad.entries().map((e) => e.args.name)).toEqual(["keep"]);
  });

  it("a SIGINT that reaches an idle worker does not end it", async () => {
    const pid = cad.pid ?? 0;
    process.kill(pid, "SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    await cad.call("ping", {});
    expect(cad.pid).toBe(pid);
    expect(cad.restartCount).toBe(0);
  });
});

describe("restarts", () => {
  it("the budget counts recent restarts: old ones age out, a burst gives up", async () => {
    const lenient = new CadClient({ freecadCmd: freecadCmd(), maxRestarts: 2, restartWindowMs: 1 });
    try {
      await lenient.call("create_box", { name: "b", length: 1, width: 1, height: 5 });
      for (let i = 0; i < 4; i++) {
        lenient.killWorkerForTest();
        await new Promise((r) => setTimeout(r, 20));
        expect((await lenient.call<{ volume: number }>("measure", { object: "b" })).volume).toBeCloseTo(5, 9);
      }
      expect(lenient.restartCount).toBe(4);
    } finally {
      await lenient.close();
    }
    const strict = new CadClient({ freecadCmd: freecadCmd(), maxRestarts: 2, restartWindowMs: 600_000 });
    try {
      await strict.call("ping", {});
      const codes: string[] = [];
      for (let i = 0; i < 3; i++) {
        strict.killWorkerForTest();
        await new Promise((r) => setTimeout(r, 20));
        codes.push(await strict.call("ping", {}).then(() => "ok", codeOf));
      }
      expect(codes).toEqual(["ok", "ok", "unavailable"]);
    } finally {
      await strict.close();
    }
  });

  it("a worker that dies while starting is tried once more", async () => {
    const marker = path.join(tmp, "started-once");
    const flaky = fakeFreecad(
      "flaky-freecad",
      `if [ ! -e ${marker} ]; then touch ${marker}; exit 1; fi\nexec ${freecadCmd()} "$@"`,
    );
    const cad = new CadClient({ freecadCmd: flaky });
    try {
      await cad.start();
      expect(existsSync(marker)).toBe(true);
      expect(await cad.call("ping", {})).toMatchObject({ pong: true });
    } finally {
      await cad.close();
    }
    const dead = fakeFreecad("dead-freecad", "exit 1");
    const err = await new CadClient({ freecadCmd: dead }).start().catch((e: unknown) => e);
    expect(codeOf(err)).toBe("unavailable");
  });

  it("a failed replay is an error the caller sees, on that call and every later one", async () => {
    const flag = path.join(tmp, "replay-breaks");
    const cad = new CadClient({ freecadCmd: freecadCmd(), defaultTimeoutMs: 30_000 });
    try {
      // Succeeds now; fails when replayed after the flag file appears.
      const code = [
        "import os, Part",
        `if os.path.exists(${JSON.stringify(flag)}): raise RuntimeError("different on replay")`,
        'b = doc.addObject("Part::Box", "made")',
      ].join("\n");
      await cad.call("run_python", { code });
      writeFileSync(flag, "x");
      cad.killWorkerForTest();
      await new Promise((r) => setTimeout(r, 20));
      const first = await cad.call("ping", {}).catch((e: unknown) => e);
      expect(codeOf(first)).toBe("unavailable");
      expect(String((first as Error).message)).toMatch(/could not be rebuilt.*run_python/);
      const second = await cad.call("ping", {}).catch((e: unknown) => e);
      expect(codeOf(second)).toBe("unavailable");
    } finally {
      await cad.close();
    }
  });
});

describe("replies", () => {
  it("an unparseable reply is an error at once, not a call that waits for its timeout", async () => {
    const ready = JSON.stringify({ id: 0, ok: true, result: { ready: true, freecad: "0.0.0", ops: { ping: false } } });
    const garbage = fakeFreecad(
      "garbage-freecad",
      `echo '${ready}' >&3\nwhile read line; do echo 'Infinity' >&3; done`,
    );
    const cad = new CadClient({ freecadCmd: garbage, defaultTimeoutMs: 60_000 });
    try {
      const started = performance.now();
      const err = await cad.call("ping", {}).catch((e: unknown) => e);
      expect(codeOf(err)).toBe("bad_reply");
      expect(performance.now() - started).toBeLessThan(30_000);
    } finally {
      await cad.close();
    }
  });
});

describe("bounded work and test-only ops", () => {
  it("check_design over 80 parts finds exactly the one overlap, with its hand-computed volume", async () => {
    const cad = new CadClient({ freecadCmd: freecadCmd(), defaultTimeoutMs: 30_000 });
    try {
      for (let i = 0; i < 80; i++)
        await cad.call("create_box", { name: `b${i}`, length: 10, width: 10, height: 10, position: [i * 20, 0, 0] });
      await cad.call("create_box", { name: "o", length: 10, width: 10, height: 10, position: [5, 5, 0] });
      const r = await cad.call<{ ok: boolean; interferences: { a: string; b: string; volume: number }[] }>(
        "check_design",
        {},
      );
      expect(r.ok).toBe(false);
      expect(r.interferences.map((x) => [x.a, x.b])).toEqual([["b0", "o"]]);
      expect(r.interferences[0]?.volume).toBeCloseTo(5 * 5 * 10, 6);
    } finally {
      await cad.close();
    }
  });

  it("sleep and crash exist only when the test harness sets CADAGENT_TEST_OPS", async () => {
    const saved = process.env.CADAGENT_TEST_OPS;
    delete process.env.CADAGENT_TEST_OPS;
    const cad = new CadClient({ freecadCmd: freecadCmd() });
    try {
      await cad.start();
      expect(codeOf(await cad.call("crash", {}).catch((e: unknown) => e))).toBe("unknown_op");
      expect(codeOf(await cad.call("sleep", { seconds: 5 }).catch((e: unknown) => e))).toBe("unknown_op");
      expect(cad.restartCount).toBe(0);
    } finally {
      process.env.CADAGENT_TEST_OPS = saved;
      await cad.close();
    }
  });
});

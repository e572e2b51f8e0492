import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";

/**
 * `cadagent build` lowers its own priority once its FreeCAD worker is spawned (yield-to-freecad.ts).
 * Runs in a child process: the priority is the calling thread's and cannot be raised again.
 */

interface Seen {
  lowered: boolean;
  again: boolean;
  self: number;
  before: number;
  after: number;
}

function run(): Seen {
  const mod = path.join(path.dirname(inject("cliMain")), "yield-to-freecad.js");
  // A process started before the call keeps its priority; one started after inherits the lower one.
  const script = `
    import { spawn } from "node:child_process";
    import os from "node:os";
    const { yieldToFreecad, BUILD_NICENESS } = await import(process.argv[1]);
    const before = spawn("sleep", ["30"]);
    const lowered = yieldToFreecad();
    const again = yieldToFreecad(BUILD_NICENESS - 5);
    const after = spawn("sleep", ["30"]);
    const seen = { lowered, again, self: os.getPriority(), before: os.getPriority(before.pid), after: os.getPriority(after.pid) };
    before.kill();
    after.kill();
    console.log(JSON.stringify(seen));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, mod], { encoding: "utf8" });
  return JSON.parse(out) as Seen;
}

describe("yieldToFreecad", () => {
  it("lowers the calling thread to nice 10 after the worker started, and never raises it", () => {
    const base = os.getPriority();
    const target = Math.max(base, 10);
    expect(run()).toEqual({ lowered: base < 10, again: false, self: target, before: base, after: target });
  });
});

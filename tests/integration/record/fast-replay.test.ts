import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DesignRecord } from "../../../src/record/design-record.js";
import { replayDesign, type ReplayEvent } from "../../../src/record/replay.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/**
 * The replay fast path (issue #15): steps run without per-step validity checks and the
 * delivered parts are checked once; a failure re-runs with checks so it names the same step
 * with the same message as a checked replay.
 */

let h: CadHarness;
beforeAll(async () => {
  h = await startCad({ allowPython: true });
});
afterAll(async () => {
  await h.close();
});

function record(steps: DesignRecord["steps"], final: DesignRecord["final"] = null): DesignRecord {
  return {
    format: "cadagent.design/1",
    brief: "test",
    createdWith: { cadagent: "test", provider: null, model: null, freecad: "0.20.2" },
    parameters: {},
    steps,
    final,
  };
}

const plateSteps: DesignRecord["steps"] = [
  { tool: "create_box", input: { name: "plate", length: 40, width: 30, height: 5 } },
  { tool: "create_cylinder", input: { name: "h1", radius: 3, height: 5, position: [10, 10, 0] } },
  { tool: "boolean", input: { name: "p1", op: "cut", base: "plate", tools: ["h1"] } },
  { tool: "create_cylinder", input: { name: "h2", radius: 3, height: 5, position: [30, 20, 0] } },
  { tool: "boolean", input: { name: "p2", op: "cut", base: "p1", tools: ["h2"] } },
];

// Step 6 leaves a hidden solid whose shell is one open face (isValid() is false); step 7 copies
// it into a visible part: a checked replay fails there.
const invalidAt7 = record([
  ...plateSteps,
  {
    tool: "run_python",
    input: {
      code: "bad = doc.addObject('Part::Feature', 'bad')\nbad.Shape = Part.Solid(Part.Shell([Part.makePlane(10, 10)]))\nbad.Visibility = False",
    },
  },
  { tool: "copy", input: { name: "bad2", object: "bad", translate: [0, 0, 20] } },
  { tool: "create_box", input: { name: "spacer", length: 5, width: 5, height: 5, position: [50, 0, 0] } },
]);

async function replay(
  r: DesignRecord,
  fast: boolean,
): Promise<{ result: Awaited<ReturnType<typeof replayDesign>>; events: ReplayEvent[] }> {
  await h.cad.reset();
  const events: ReplayEvent[] = [];
  const result = await replayDesign({
    record: r,
    registry: h.registry,
    ctx: h.ctx,
    fast,
    onEvent: (e) => events.push(e),
  });
  return { result, events };
}

describe("replay fast path", () => {
  it("a record whose step 7 makes an invalid solid fails at step 7 with the checked replay's message", async () => {
    const checked = await replay(invalidAt7, false);
    expect(checked.result.failure).toMatchObject({ index: 6, tool: "copy", code: "invalid_shape" });
    const fast = await replay(invalidAt7, true);
    expect(fast.result.failure).toEqual(checked.result.failure);
    expect(fast.result.stepsRun).toBe(7);
    expect(fast.events.some((e) => e.type === "replay-recheck")).toBe(true);
  });

  it("skips per-step validity (valid: null) but checks the delivered parts: 40·30·5 − 2·π·3²·5", async () => {
    const { result, events } = await replay(record(plateSteps, { parts: ["p2"], summary: "plate" }), true);
    expect(result.ok).toBe(true);
    const steps = events.filter((e) => e.type === "step");
    expect(steps.map((e) => (e.type === "step" ? e.result?.valid : undefined))).toEqual([null, null, null, null, null]);
    expect(result.parts[0]?.valid).toBe(true);
    expect(near(result.parts[0]?.volume ?? 0, 6000 - 2 * Math.PI * 9 * 5)).toBe(true);
    expect(events.some((e) => e.type === "replay-recheck")).toBe(false);
    // Checks are back on for whatever the session does next.
    const after = await h.tool("create_box", { name: "later", length: 1, width: 1, height: 1 });
    expect(after.valid).toBe(true);
  });

  it("sends a run of steps that are each one worker op in one request, with each step's figures", async () => {
    const batches = vi.spyOn(h.cad, "callSteps");
    try {
      const fast = await replay(record(plateSteps, { parts: ["p2"], summary: "plate" }), true);
      expect(batches.mock.calls.map(([steps]) => steps.length)).toEqual([plateSteps.length]);
      const checked = await replay(record(plateSteps, { parts: ["p2"], summary: "plate" }), false);
      expect(batches).toHaveBeenCalledTimes(1); // the checked replay goes step by step
      const figures = (events: ReplayEvent[]) =>
        events.flatMap((e) =>
          e.type === "step" ? [{ index: e.index, ok: e.ok, name: e.result?.name, volume: e.result?.volume }] : [],
        );
      expect(figures(fast.events)).toEqual(figures(checked.events));
      expect(fast.result.parts).toEqual(checked.result.parts);
    } finally {
      batches.mockRestore();
    }
  });

  it("a step the registry refuses ends the batch and fails as it does in a checked replay", async () => {
    const r = record([
      ...plateSteps.slice(0, 2),
      { tool: "create_box", input: { name: "bad", length: 1, width: 1, height: 1, colour: "red" } },
      ...plateSteps.slice(2),
    ]);
    const checked = await replay(r, false);
    const fast = await replay(r, true);
    expect(checked.result.failure).toMatchObject({ index: 2, code: "bad_arguments" });
    expect(fast.result.failure).toEqual(checked.result.failure);
  });

  it("a step that raises is re-run with checks and named the same way", async () => {
    const r = record([...plateSteps, { tool: "fillet", input: { object: "p2", radius: 50, edges: ">Z" } }]);
    const checked = await replay(r, false);
    const fast = await replay(r, true);
    expect(checked.result.failure?.index).toBe(5);
    expect(fast.result.failure).toEqual(checked.result.failure);
  });
});

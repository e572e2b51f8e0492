import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DesignLog } from "../../../src/record/design-log.js";
import type { DesignRecord } from "../../../src/record/design-record.js";
import { replayDesign } from "../../../src/record/replay.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/**
 * Known answers for the FreeCAD 0.20 / 1.0 differences (issue #18). Each fails on 1.0 without
 * its fix: Part::MultiCommon with base + 2 or more tools means base ∩ (t1 ∪ t2 …) there; an
 * over-thick Part::Thickness returns the solid unchanged; edges of a filleted box are numbered
 * differently (0.20 calls the top edge at x = 30 Edge7, 1.0 Edge9; 1.0's Edge7 is the 28 mm
 * edge along y = 0).
 */

const PI = Math.PI;
let h: CadHarness;
beforeAll(async () => {
  h = await startCad();
});
afterAll(async () => {
  await h.close();
});

async function objectNames(): Promise<string[]> {
  const r = await h.cad.call<{ objects: { name: string }[] }>("list_objects", {});
  return r.objects.map((o) => o.name);
}

describe("boolean intersect with three tools", () => {
  it("is base ∩ t1 ∩ t2 ∩ t3: three 10 mm cubes offset by 5 along x, y, z leave a 5 mm cube", async () => {
    await h.tool("create_box", { name: "ib", length: 10, width: 10, height: 10 });
    await h.tool("create_box", { name: "ix", length: 10, width: 10, height: 10, position: [5, 0, 0] });
    await h.tool("create_box", { name: "iy", length: 10, width: 10, height: 10, position: [0, 5, 0] });
    await h.tool("create_box", { name: "iz", length: 10, width: 10, height: 10, position: [0, 0, 5] });
    const r = await h.tool("boolean", { name: "inter", op: "intersect", base: "ib", tools: ["ix", "iy", "iz"] });
    // base ∩ (t1 ∪ t2 ∪ t3) would be 1000 − 125 = 875.
    expect(near(r.volume as number, 125)).toBe(true);
    expect(r.bbox).toEqual({ min: [5, 5, 5], max: [10, 10, 10] });
    expect((await h.cad.call<{ parts: { name: string }[] }>("parts_health", {})).parts.map((p) => p.name)).toEqual([
      "inter",
    ]);
    // The chained commons are plumbing of `inter`: deleting it takes them along.
    await h.tool("delete_object", { name: "inter" });
    expect((await objectNames()).filter((n) => n.startsWith("inter"))).toEqual([]);
  });
});

describe("shell too thick for its solid", () => {
  it("6 mm walls in a 10 mm cube fail (1.0 returns the cube unchanged) and leave nothing behind", async () => {
    await h.tool("create_box", { name: "tc", length: 10, width: 10, height: 10, position: [100, 0, 0] });
    const before = await objectNames();
    const r = await h.tryTool("shell", { name: "thick", object: "tc", thickness: 6, open_faces: ">Z" });
    expect(r.ok).toBe(false);
    expect(await objectNames()).toEqual(before);
  });
});

/** A box, two vertical edges filleted, then one edge named explicitly as the given version numbers it. */
function edgeRecord(name: string, freecad: string): DesignRecord {
  return {
    format: "cadagent.design/1",
    brief: "fillet an explicitly named edge of a filleted box",
    createdWith: { cadagent: "test", provider: null, model: null, freecad },
    parameters: {},
    steps: [
      { tool: "create_box", input: { name: "blk", length: 30, width: 20, height: 10 } },
      { tool: "fillet", input: { name: "f1", object: "blk", radius: 2, edges: "Edge1,Edge3" } },
      {
        tool: "fillet",
        input: { name: "f2", object: "f1", radius: 1, edges: name },
        refs: { [name]: { type: "LINE", center: [30, 10, 10], length: 20 } },
      },
    ],
    final: { parts: ["f2"], summary: "block" },
  };
}

describe("an explicit edge name replayed after a fillet", () => {
  // Two 10 mm vertical edges at r = 2, then the 20 mm top edge at x = 30 (its ends meet unrounded
  // corners) at r = 1: each removes (1 − π/4)·r²·L.
  const expected = 6000 - (1 - PI / 4) * (2 * 4 * 10 + 1 * 20);

  for (const [name, version] of [
    ["Edge7", "0.20.2"],
    ["Edge9", "1.0.0"],
  ] as const) {
    it(`a record made on ${version} naming ${name} rebuilds to the same volume here`, async () => {
      await h.cad.reset();
      const r = await replayDesign({ record: edgeRecord(name, version), registry: h.registry, ctx: h.ctx });
      expect(r.failure).toBeNull();
      expect(near(r.parts[0]?.volume ?? 0, expected)).toBe(true);
    });
  }

  it("the fillet reports the signature of each explicit name, and the record keeps it beside the step", async () => {
    await h.cad.reset();
    await h.tool("create_box", { name: "blk", length: 30, width: 20, height: 10 });
    const o = await h.tryTool("fillet", { name: "f1", object: "blk", radius: 2, edges: "Edge1 or >Z" });
    expect(o.result?.refs).toEqual({ Edge1: { type: "LINE", center: [0, 0, 5], length: 10 } });
    const log = new DesignLog("b", { cadagent: "t", provider: null, model: null, freecad: "x" });
    log.note(o);
    expect(log.toRecord().steps[0]?.refs).toEqual({ Edge1: { type: "LINE", center: [0, 0, 5], length: 10 } });
    const bySelector = await h.tryTool("fillet", { name: "f3", object: "f1", radius: 0.5, edges: ">X" });
    expect(bySelector.result?.refs).toBeUndefined();
  });
});

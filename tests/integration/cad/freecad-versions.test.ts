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

/**
 * A record whose hole names its face explicitly: the signature was taken where that face was
 * Face6 (the top of a 30 × 20 × 10 box). Replayed where the name points at another face (here
 * the record says Face5, the bottom, as a renumbered FreeCAD would), the signature re-matches the
 * top, so the counterbores still open upward.
 */
function holeRecord(name: string): DesignRecord {
  return {
    format: "cadagent.design/1",
    brief: "counterbored holes into an explicitly named face",
    createdWith: { cadagent: "test", provider: null, model: null, freecad: "other" },
    parameters: {},
    steps: [
      { tool: "create_box", input: { name: "blk", length: 30, width: 20, height: 10 } },
      {
        tool: "hole",
        input: {
          name: "h1",
          object: "blk",
          face: name,
          positions: [[10, 10, 10]],
          diameter: 4,
          depth: "through",
          counterbore: { diameter: 8, depth: 3 },
        },
        refs: { [name]: { type: "PLANE", center: [15, 10, 10], area: 600 } },
      },
    ],
    final: { parts: ["h1"], summary: "block" },
  };
}

describe("an explicit face name replayed into hole", () => {
  it("re-matches the named face by its signature, so a renumbered face still gets the counterbore on top", async () => {
    await h.cad.reset();
    const r = await replayDesign({ record: holeRecord("Face5"), registry: h.registry, ctx: h.ctx });
    expect(r.failure).toBeNull();
    // Through Ø4 (10 mm) plus the Ø8 counterbore ring 3 mm deep, from the top.
    expect(near(r.parts[0]?.volume ?? 0, 6000 - PI * 4 * 10 - PI * (16 - 4) * 3)).toBe(true);
    const top = await h.cad.call<{ faces: { center: number[]; type: string }[] }>("list_topology", {
      object: "h1",
      kind: "faces",
    });
    const bores = top.faces.filter((f) => f.type === "CYLINDER").map((f) => f.center[2] ?? 0);
    expect(Math.max(...bores)).toBeCloseTo(8.5, 6); // the counterbore wall: z from 7 to 10
  });

  it("hole, thread and engrave_text report the signature of an explicitly named face", async () => {
    await h.cad.reset();
    await h.tool("create_box", { name: "blk", length: 30, width: 20, height: 10 });
    const holed = await h.tryTool("hole", {
      name: "h2",
      object: "blk",
      face: "Face6",
      positions: [[15, 10, 10]],
      diameter: 3,
      depth: "through",
    });
    expect(holed.result?.refs).toEqual({ Face6: { type: "PLANE", center: [15, 10, 10], area: 600 } });
    await h.tool("create_cylinder", { name: "rod", radius: 4, height: 12 });
    const threaded = await h.tryTool("thread", { name: "t", object: "rod", face: "Face1", size: "M8" });
    expect(threaded.result?.refs).toEqual({
      Face1: { type: "CYLINDER", center: [0, 0, 6], area: expect.closeTo(96 * PI, 5) as number, radius: 4 },
    });
    const lettered = await h.tryTool("engrave_text", {
      name: "lt",
      object: "h2",
      face: "Face1",
      text: "A",
      size: 5,
      depth: 0.5,
      position: [0, 10, 5],
      mode: "engrave",
    });
    expect(lettered.result?.refs).toEqual({ Face1: { type: "PLANE", center: [0, 10, 5], area: 200 } });
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GeometryHealth } from "../../../src/cad/protocol.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/** Booleans, transforms, copies, mirrors and patterns; every expected volume is computed by hand. */

const PI = Math.PI;
let h: CadHarness;

beforeAll(async () => {
  h = await startCad();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.cad.reset();
});

async function run(tool: string, input: Record<string, unknown>): Promise<GeometryHealth & Record<string, unknown>> {
  return (await h.tool(tool, input)) as GeometryHealth & Record<string, unknown>;
}

async function volumeOf(name: string): Promise<number> {
  return (await h.tool("measure", { object: name })).volume as number;
}

async function parts(): Promise<string[]> {
  return (await h.tool("list_objects", {})).parts as string[];
}

/** The 100×60×5 plate with four Ø6 through holes 10 mm in from each corner. */
async function drilledPlate(): Promise<GeometryHealth> {
  await h.tool("set_parameter", { name: "width", value: 60 });
  await run("create_box", { name: "plate", length: 100, width: "width", height: 5 });
  const corners = [
    [10, 10],
    [90, 10],
    [10, "width - 10"],
    [90, "width - 10"],
  ];
  for (const [i, [x, y]] of corners.entries()) {
    await run("create_cylinder", { name: `hole${i}`, radius: 3, height: 9, position: [x, y, -2] });
  }
  return run("boolean", { name: "drilled", op: "cut", base: "plate", tools: ["hole0", "hole1", "hole2", "hole3"] });
}

describe("boolean", () => {
  it("cut: plate 100×60×5 minus four Ø6 through holes = 30000 − 4·π·9·5; inputs are consumed", async () => {
    const r = await drilledPlate();
    expect(near(r.volume, 30000 - 4 * PI * 9 * 5)).toBe(true);
    expect(r).toMatchObject({ name: "drilled", type: "Part::Cut", valid: true, solids: 1, warnings: [] });
    expect(r.bbox).toEqual({ min: [0, 0, 0], max: [100, 60, 5] });
    expect(await parts()).toEqual(["drilled"]);
    const top = await h.tool("list_topology", { object: "drilled", kind: "faces", selector: ">Z" });
    expect(top.count).toBe(1); // refined: one top face with four holes
  });

  it("set_parameter re-drives the whole chain (holes follow the plate width)", async () => {
    await drilledPlate();
    await h.tool("set_parameter", { name: "width", value: 80 });
    expect(near(await volumeOf("drilled"), 100 * 80 * 5 - 4 * PI * 9 * 5)).toBe(true);
  });

  it("a cut that removes nothing warns, naming the tool", async () => {
    await run("create_box", { name: "a", length: 10, width: 10, height: 10 });
    await run("create_cylinder", { name: "far", radius: 1, height: 10, position: [50, 50, 0] });
    const r = await run("boolean", { op: "cut", base: "a", tools: ["far"] });
    expect(near(r.volume, 1000)).toBe(true);
    expect(r.warnings.join(" ")).toMatch(/removed no material.*far/);
  });

  it("a multi-tool cut names the tool that missed", async () => {
    await run("create_box", { name: "a", length: 10, width: 10, height: 10 });
    await run("create_cylinder", { name: "hit", radius: 1, height: 20, position: [5, 5, -5] });
    await run("create_cylinder", { name: "miss", radius: 1, height: 20, position: [50, 5, -5] });
    const r = await run("boolean", { op: "cut", base: "a", tools: ["hit", "miss"] });
    expect(near(r.volume, 1000 - PI * 10)).toBe(true);
    expect(r.warnings.join(" ")).toMatch(/miss removed nothing/);
  });

  it("union: overlapping boxes fuse into one solid; a contained tool adds nothing; disjoint ones warn", async () => {
    await run("create_box", { name: "a", length: 10, width: 10, height: 10 });
    await run("create_box", { name: "b", length: 10, width: 10, height: 10, position: [5, 0, 0] });
    const u = await run("boolean", { name: "u", op: "union", base: "a", tools: ["b"] });
    expect(near(u.volume, 1500)).toBe(true);
    expect(u.solids).toBe(1);
    expect(u.faces).toBe(6); // refined
    await run("create_sphere", { name: "inside", radius: 1, position: [5, 5, 5] });
    const same = await run("boolean", { op: "union", base: "u", tools: ["inside"] });
    expect(same.warnings.join(" ")).toContain("added no material");
    await run("create_box", { name: "c", length: 1, width: 1, height: 1, position: [100, 0, 0] });
    await run("create_box", { name: "d", length: 1, width: 1, height: 1, position: [200, 0, 0] });
    const apart = await run("boolean", { op: "union", base: "c", tools: ["d"] });
    expect(apart.solids).toBe(2);
    expect(apart.warnings.join(" ")).toContain("separate solids");
  });

  it("intersect keeps the common volume; an empty intersection is an error and leaves nothing behind", async () => {
    await run("create_box", { name: "a", length: 10, width: 10, height: 10 });
    await run("create_sphere", { name: "s", radius: 5 });
    const i = await run("boolean", { op: "intersect", base: "a", tools: ["s"] });
    expect(near(i.volume, ((4 / 3) * PI * 125) / 8)).toBe(true);
    await run("create_box", { name: "p", length: 1, width: 1, height: 1, position: [50, 0, 0] });
    await run("create_box", { name: "q", length: 1, width: 1, height: 1, position: [80, 0, 0] });
    const before = await h.tool("list_objects", {});
    const bad = await h.tryTool("boolean", { name: "empty", op: "intersect", base: "p", tools: ["q"] });
    expect(bad.ok).toBe(false);
    expect(bad.error?.code).toBe("empty_result");
    expect(await h.tool("list_objects", {})).toEqual(before);
  });

  it("unknown inputs and bad arguments are tool errors with hints", async () => {
    await run("create_box", { name: "a", length: 1, width: 1, height: 1 });
    const unknown = await h.tryTool("boolean", { op: "cut", base: "a", tools: ["ghost"] });
    expect(unknown.error?.code).toBe("unknown_object");
    expect(unknown.error?.hint).toContain("a");
    const badOp = await h.tryTool("boolean", { op: "subtract", base: "a", tools: ["a"] });
    expect(badOp.error?.code).toBe("bad_arguments");
    expect(badOp.error?.hint).toContain("tools");
    const self = await h.tryTool("boolean", { op: "cut", base: "a", tools: ["a"] });
    expect(self.error?.message).toContain("both the base and a tool");
  });
});

describe("transform, copy, mirror", () => {
  it("transform translates and rotates in place", async () => {
    await run("create_box", { name: "a", length: 10, width: 2, height: 1 });
    const t = await run("transform", { object: "a", translate: [5, 0, 0] });
    expect(t.bbox).toEqual({ min: [5, 0, 0], max: [15, 2, 1] });
    const r = await run("transform", { object: "a", rotate: { axis: "Z", angle: 90, center: [5, 0, 0] } });
    expect(r.bbox.min.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([3, 0, 0]);
    expect(r.bbox.max.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([5, 10, 1]);
    expect(near(r.volume, 20)).toBe(true);
  });

  it("moving a hole tool moves the hole in the boolean that consumed it", async () => {
    await run("create_box", { name: "a", length: 10, width: 10, height: 10 });
    await run("create_cylinder", { name: "c", radius: 1, height: 20, position: [5, 5, -5] });
    await run("boolean", { name: "cut", op: "cut", base: "a", tools: ["c"] });
    const moved = await run("transform", { object: "c", translate: [20, 0, 0] });
    expect(moved.dependents).toEqual(["cut"]);
    expect(near(await volumeOf("cut"), 1000)).toBe(true);
  });

  it("a parameter-bound translate stays bound", async () => {
    await h.tool("set_parameter", { name: "dx", value: 10 });
    await h.tool("set_parameter", { name: "x0", value: 1 });
    await run("create_box", { name: "a", length: 1, width: 1, height: 1, position: ["x0", 0, 0] });
    await run("transform", { object: "a", translate: ["dx", 0, 0] });
    const o = await h.tool("get_object", { name: "a" });
    expect((o.expressions as Record<string, string>)["Placement.Base.x"]).toMatch(/x0.*\+.*dx/);
    await h.tool("set_parameter", { name: "dx", value: 30 });
    expect(((await h.tool("measure", { object: "a" })).bbox as GeometryHealth["bbox"]).min[0]).toBeCloseTo(31, 6);
  });

  it("a failed transform leaves the object as it was", async () => {
    await run("create_box", { name: "a", length: 1, width: 1, height: 1, position: [2, 0, 0] });
    const bad = await h.tryTool("transform", { object: "a", rotate: { axis: [0, 0, 0], angle: 10 } });
    expect(bad.ok).toBe(false);
    expect(((await h.tool("measure", { object: "a" })).bbox as GeometryHealth["bbox"]).min).toEqual([2, 0, 0]);
    const nothing = await h.tryTool("transform", { object: "a" });
    expect(nothing.error?.code).toBe("bad_arguments");
  });

  it("copy makes a shifted parametric clone and keeps the original", async () => {
    await h.tool("set_parameter", { name: "len", value: 10 });
    await run("create_box", { name: "a", length: "len", width: 2, height: 3, position: [1, 0, 0] });
    const c = await run("copy", { name: "a2", object: "a", translate: [0, 10, 0] });
    expect(near(c.volume, 60)).toBe(true);
    expect(c.bbox).toEqual({ min: [1, 10, 0], max: [11, 12, 3] });
    expect(await parts()).toEqual(["a", "a2"]);
    await h.tool("set_parameter", { name: "len", value: 20 });
    expect(near(await volumeOf("a2"), 120)).toBe(true);
  });

  it("mirror with merge builds the symmetric part; without merge adds a separate copy", async () => {
    await run("create_box", { name: "half", length: 10, width: 4, height: 2 });
    const m = await run("mirror", { name: "whole", object: "half", plane: "YZ", merge: true });
    expect(near(m.volume, 160)).toBe(true);
    expect(m).toMatchObject({ solids: 1, faces: 6 });
    expect(m.bbox).toEqual({ min: [-10, 0, 0], max: [10, 4, 2] });
    expect(await parts()).toEqual(["whole"]);
    await run("create_box", { name: "b", length: 1, width: 1, height: 1, position: [0, 0, 5] });
    const sep = await run("mirror", { name: "bm", object: "b", plane: "XY", through: [0, 0, 10] });
    expect(sep.bbox).toEqual({ min: [0, 0, 14], max: [1, 1, 15] });
    expect(await parts()).toEqual(["whole", "b", "bm"]);
    const same = await run("mirror", { object: "whole", plane: "YZ", merge: true });
    expect(same.warnings.join(" ")).toContain("coincides");
  });
});

describe("patterns", () => {
  it("linear pattern of holes cut from a plate", async () => {
    await run("create_box", { name: "bar", length: 100, width: 20, height: 5 });
    await run("create_cylinder", { name: "h", radius: 2, height: 9, position: [20, 10, -2] });
    const p = await run("linear_pattern", { name: "holes", object: "h", direction: "X", count: 4, spacing: 20 });
    expect(p.instances).toBe(4);
    expect(p.solids).toBe(4);
    expect(near(p.volume, 4 * PI * 4 * 9)).toBe(true);
    expect(p.bbox.max[0]).toBeCloseTo(82, 6);
    const cut = await run("boolean", { op: "cut", base: "bar", tools: ["holes"] });
    expect(near(cut.volume, 10000 - 4 * PI * 4 * 5)).toBe(true);
  });

  it("linear pattern count and spacing stay bound to parameters; merge fuses touching instances", async () => {
    await h.tool("set_parameter", { name: "n", value: 3, unit: "" });
    await h.tool("set_parameter", { name: "pitch", value: 10 });
    await run("create_box", { name: "tooth", length: 10, width: 2, height: 2 });
    const p = await run("linear_pattern", {
      name: "rack",
      object: "tooth",
      direction: [1, 0, 0],
      count: "n",
      spacing: "pitch",
    });
    expect(p).toMatchObject({ solids: 1, faces: 6 });
    expect(near(p.volume, 120)).toBe(true);
    await h.tool("set_parameter", { name: "n", value: 5 });
    expect(near(await volumeOf("rack"), 200)).toBe(true);
    await h.tool("set_parameter", { name: "pitch", value: 20 });
    const m = await h.tool("measure", { object: "rack" });
    expect(m.solids).toBe(5);
    expect((m.bbox as GeometryHealth["bbox"]).max[0]).toBeCloseTo(90, 6);
  });

  it("polar pattern of 360° spreads count instances evenly without doubling the first", async () => {
    await run("create_cylinder", { name: "peg", radius: 2, height: 5, position: [20, 0, 0] });
    const p = await run("polar_pattern", { name: "ring", object: "peg", axis: "Z", count: 6 });
    expect(p.solids).toBe(6);
    expect(near(p.volume, 6 * PI * 4 * 5)).toBe(true);
    expect(p.bbox.min[0]).toBeCloseTo(-22, 6);
    expect(p.bbox.max[1]).toBeCloseTo(20 * Math.sin(PI / 3) + 2, 6);
  });

  it("polar pattern over a partial angle puts first and last angle apart; merge false keeps a compound", async () => {
    await run("create_sphere", { name: "ball", radius: 1, position: [10, 0, 0] });
    const p = await run("polar_pattern", {
      name: "arc",
      object: "ball",
      axis: [0, 0, 1],
      center: [0, 0, 0],
      count: 3,
      angle: 90,
      merge: false,
    });
    expect(p.solids).toBe(3);
    expect(p.bbox.max[1]).toBeCloseTo(11, 6);
    expect(p.bbox.min[0]).toBeCloseTo(-1, 6);
    const d = await h.tool("measure_distance", { a: "arc", b: [10 * Math.cos(PI / 4), 10 * Math.sin(PI / 4), 0] });
    expect(d.distance as number).toBeCloseTo(1, 6);
  });

  it("pattern arguments are checked", async () => {
    await run("create_box", { name: "a", length: 1, width: 1, height: 1 });
    expect((await h.tryTool("linear_pattern", { object: "a", direction: "X", count: 1, spacing: 5 })).error?.code).toBe(
      "bad_arguments",
    );
    expect(
      (await h.tryTool("linear_pattern", { object: "a", direction: [0, 0, 0], count: 2, spacing: 5 })).error?.message,
    ).toContain("zero vector");
    expect((await h.tryTool("polar_pattern", { object: "a", axis: "Z", count: 3, angle: 400 })).ok).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CadHarness, startCad } from "../../helpers/cad.js";

/**
 * Selector grammar against a real FreeCAD worker, read back through list_topology (which uses the
 * same selector module). Geometry: a 10 mm cube `cube` at the origin, and `plate` = a 30×20×5
 * plate with a Ø6 through hole at (15, 10) plus a 10×10×5 boss on top at x 0..10, y 0..10.
 */

interface Item {
  name: string;
  type: string;
  center: [number, number, number];
  normal?: [number, number, number];
  direction?: [number, number, number];
  axis?: [number, number, number];
  radius?: number;
  area?: number;
  length?: number;
}

let h: CadHarness;

beforeAll(async () => {
  h = await startCad();
  await h.tool("create_box", { name: "cube", length: 10, width: 10, height: 10 });
  await h.tool("create_box", { name: "base", length: 30, width: 20, height: 5 });
  await h.tool("create_cylinder", { name: "drill", radius: 3, height: 20, position: [15, 10, -5] });
  await h.tool("create_box", { name: "boss", length: 10, width: 10, height: 5, position: [0, 0, 5] });
  await h.tool("boolean", { name: "holed", op: "cut", base: "base", tools: ["drill"] });
  await h.tool("boolean", { name: "plate", op: "union", base: "holed", tools: ["boss"] });
});
afterAll(async () => {
  await h.close();
});

async function pick(object: string, kind: "faces" | "edges", selector: string): Promise<Item[]> {
  const r = await h.tool("list_topology", { object, kind, selector });
  return r[kind] as Item[];
}

const zs = (items: Item[]): number[] => items.map((i) => i.center[2]);

describe("axis extremes", () => {
  it(">Z / <Z faces of a cube: one face each, at the right height, normal outward", async () => {
    const top = await pick("cube", "faces", ">Z");
    expect(top).toHaveLength(1);
    expect(top[0]?.center).toEqual([5, 5, 10]);
    expect(top[0]?.normal).toEqual([0, 0, 1]);
    expect(top[0]?.area).toBeCloseTo(100, 9);
    const bottom = await pick("cube", "faces", "<Z");
    expect(bottom).toHaveLength(1);
    expect(bottom[0]?.normal).toEqual([0, 0, -1]);
    const right = await pick("cube", "faces", ">X");
    expect(right[0]?.center).toEqual([10, 5, 5]);
  });

  it(">Z edges of a cube: the four top edges", async () => {
    const e = await pick("cube", "edges", ">Z");
    expect(e).toHaveLength(4);
    expect(zs(e)).toEqual([10, 10, 10, 10]);
    expect(e.every((i) => i.type === "LINE" && i.length === 10)).toBe(true);
  });

  it(">Z on the stepped plate picks the boss top; >Z[1] the boss sides; >Z[2] the plate top", async () => {
    const top = await pick("plate", "faces", ">Z");
    expect(top).toHaveLength(1);
    expect(top[0]?.center).toEqual([5, 5, 10]);
    // Levels of face centres: 10 (boss top), 7.5 (boss sides), 5 (plate top), 2.5, 0.
    const sides = await pick("plate", "faces", ">Z[1]");
    // the boss is flush with the plate at x = 0 and y = 0, so only its two inner sides remain
    expect(sides.map((f) => f.center[2])).toEqual([7.5, 7.5]);
    const second = await pick("plate", "faces", ">Z[2]");
    expect(second.length).toBeGreaterThanOrEqual(1);
    expect((await pick("plate", "faces", "+Z and not >Z")).map((f) => f.name)).toEqual(second.map((f) => f.name));
    expect(second.every((f) => f.center[2] === 5 && f.normal?.[2] === 1)).toBe(true);
    // 30×20 top minus the boss footprint minus the hole
    const area = second.reduce((s, f) => s + (f.area ?? 0), 0);
    expect(area).toBeCloseTo(600 - 100 - Math.PI * 9, 6);
  });
});

describe("parallel, perpendicular, type", () => {
  it("|Z edges are the four vertical cube edges; #Z edges the eight horizontal ones", async () => {
    const par = await pick("cube", "edges", "|Z");
    expect(par).toHaveLength(4);
    expect(par.every((i) => i.center[2] === 5)).toBe(true);
    expect(await pick("cube", "edges", "#Z")).toHaveLength(8);
  });

  it("|Z faces are the four sides (normal ⟂ Z); #Z faces top and bottom", async () => {
    const sides = await pick("cube", "faces", "|Z");
    expect(sides).toHaveLength(4);
    expect(sides.every((f) => f.normal?.[2] === 0)).toBe(true);
    const caps = await pick("cube", "faces", "#Z");
    expect(caps.map((f) => f.center[2]).sort()).toEqual([0, 10]);
  });

  it("%CIRCLE and %CYLINDER find the hole; combined with >Z / <Z its rims", async () => {
    const circles = await pick("plate", "edges", "%CIRCLE");
    expect(circles).toHaveLength(2);
    expect(circles.every((c) => c.radius === 3 && c.center[0] === 15 && c.center[1] === 10)).toBe(true);
    const cyl = await pick("plate", "faces", "%CYLINDER");
    expect(cyl).toHaveLength(1);
    expect(cyl[0]?.axis?.map(Math.abs)).toEqual([0, 0, 1]);
    expect(cyl[0]?.area).toBeCloseTo(2 * Math.PI * 3 * 5, 6);
    const bottomRim = await pick("plate", "edges", "%CIRCLE and <Z");
    expect(bottomRim).toHaveLength(1);
    expect(bottomRim[0]?.center[2]).toBe(0);
    const topRim = await pick("plate", "edges", "%CIRCLE and not <Z");
    expect(topRim[0]?.center[2]).toBe(5);
    const none = await h.tryTool("list_topology", { object: "plate", kind: "faces", selector: "%PLANE and %CYLINDER" });
    expect(none.error?.code).toBe("no_match");
  });
});

describe("combinations and names", () => {
  it("or / and / not / parentheses / * combine as sets", async () => {
    const corner = await pick("cube", "edges", "(>X and >Y) and |Z");
    expect(corner).toHaveLength(1);
    expect(corner[0]?.center).toEqual([10, 10, 5]);
    expect(await pick("cube", "edges", "(>X or <X) and |Z")).toHaveLength(4);
    expect(await pick("cube", "edges", ">Z or <Z")).toHaveLength(8);
    expect(await pick("cube", "edges", "not (>Z or <Z)")).toHaveLength(4);
    expect(await pick("cube", "faces", "*")).toHaveLength(6);
    expect(await pick("cube", "faces", ">X or <X or >Y or <Y")).toHaveLength(4);
  });

  it("explicit names select exactly those sub-elements", async () => {
    const e = await pick("cube", "edges", "Edge3,Edge7");
    expect(e.map((i) => i.name)).toEqual(["Edge3", "Edge7"]);
    const f = await pick("cube", "faces", "Face6");
    expect(f.map((i) => i.name)).toEqual(["Face6"]);
  });
});

describe("errors say what exists", () => {
  it("a selector matching nothing lists counts by type and the extreme centres", async () => {
    const o = await h.tryTool("list_topology", { object: "cube", kind: "edges", selector: "%CIRCLE" });
    expect(o.ok).toBe(false);
    expect(o.error?.code).toBe("no_match");
    expect(o.error?.message).toContain("matched no edges of 'cube'");
    expect(o.error?.hint).toContain("12 edges (12 LINE)");
    expect(o.error?.hint).toMatch(/Z centres 0 \(Edge\d+\) \.\. 10 \(Edge\d+\)/);
  });

  it("a fillet whose selector matches nothing fails before touching the document", async () => {
    const o = await h.tryTool("fillet", { object: "cube", radius: 1, edges: "%CIRCLE" });
    expect(o.ok).toBe(false);
    expect(o.error?.code).toBe("no_match");
    const objs = await h.tool("list_objects", {});
    expect(JSON.stringify(objs)).not.toContain("Fillet");
  });

  it("syntax errors and unknown names are bad_selector with the grammar / the valid range", async () => {
    const bad = await h.tryTool("list_topology", { object: "cube", kind: "faces", selector: ">Q" });
    expect(bad.error?.code).toBe("bad_selector");
    expect(bad.error?.hint).toContain("%CYLINDER");
    const paren = await h.tryTool("list_topology", { object: "cube", kind: "faces", selector: "(>Z or <Z" });
    expect(paren.error?.message).toContain("missing ')'");
    const missing = await h.tryTool("list_topology", { object: "cube", kind: "edges", selector: "Edge99" });
    expect(missing.error?.message).toContain("12 edges");
    const wrongKind = await h.tryTool("list_topology", { object: "cube", kind: "edges", selector: "Face1" });
    expect(wrongKind.error?.message).toContain("not one of the edges");
  });
});

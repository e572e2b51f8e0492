import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeometryHealth } from "../../../src/cad/protocol.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/**
 * fillet, chamfer, shell, hole against a real FreeCAD worker; answers derived by hand.
 *
 * Fillet of radius r on a straight convex 90° edge of length L removes the corner square minus
 * the quarter disc, swept along the edge: (1 − π/4)·r²·L. Where two filleted edges of the top
 * face meet at a corner (third edge not filleted) the two removed regions overlap; with p, q, w
 * the distances into the corner cube of side r, the overlap is
 *   ∫₀ʳ (r − √(r² − w²))² dw = r³(5/3 − π/2)      (w = r·sin t).
 * So the four top edges of a cube of side a remove 4·a·(1 − π/4)·r² − 4·r³·(5/3 − π/2).
 * A chamfer of size s removes triangles s²/2 along each edge; corner overlaps ∫₀ˢ w² dw = s³/3.
 */

const PI = Math.PI;
let h: CadHarness;

beforeAll(async () => {
  h = await startCad();
});
afterAll(async () => {
  await h.close();
});

type FeatureResult = GeometryHealth & { selected?: string[]; removed_volume?: number; direction?: number[] };

async function make(tool: string, input: Record<string, unknown>): Promise<FeatureResult> {
  return (await h.tool(tool, input)) as unknown as FeatureResult;
}

async function cube(name: string, a: number, position: number[] = [0, 0, 0]): Promise<void> {
  await h.tool("create_box", { name, length: a, width: a, height: a, position });
}

describe("fillet", () => {
  it("1 mm on the four top edges of a 10 mm cube: exact volume with the corner overlaps", async () => {
    await cube("c1", 10);
    const r = await make("fillet", { name: "f1", object: "c1", radius: 1, edges: ">Z" });
    const removed = 4 * 10 * (1 - PI / 4) - 4 * (5 / 3 - PI / 2);
    expect(near(r.volume, 1000 - removed)).toBe(true);
    expect(r.selected).toHaveLength(4);
    expect(r).toMatchObject({ name: "f1", type: "Part::Fillet", valid: true, solids: 1, faces: 10, warnings: [] });
    expect((await h.tool("get_object", { name: "c1" })).visible).toBe(false);
  });

  it("2 mm on the four vertical edges (no corner overlaps): 4·(1 − π/4)·r²·L", async () => {
    await cube("c2", 10);
    const r = await make("fillet", { object: "c2", radius: 2, edges: "|Z" });
    expect(near(r.volume, 1000 - 4 * (1 - PI / 4) * 4 * 10)).toBe(true);
  });

  it("a concave edge fillet adds material, with no warning", async () => {
    await cube("base", 10);
    await h.tool("create_box", { name: "post", length: 4, width: 4, height: 4, position: [3, 3, 10] });
    const u = await make("boolean", { name: "stepped", op: "union", base: "base", tools: ["post"] });
    // level 2 of edge centres from the top (14, 12, 10); the base's outer top edges are at the X/Y extremes
    const r = await make("fillet", { object: "stepped", radius: 0.5, edges: ">Z[2] and not (<X or >X or <Y or >Y)" });
    expect(r.selected).toHaveLength(4);
    expect(r.volume).toBeGreaterThan(u.volume);
    expect(r.warnings).toEqual([]);
  });

  it("too large a radius is a tool error with a hint, and the document is unchanged (rollback)", async () => {
    await cube("c3", 10);
    const before = await h.tool("list_objects", {});
    const o = await h.tryTool("fillet", { name: "tooBig", object: "c3", radius: 6, edges: ">Z" });
    expect(o.ok).toBe(false);
    expect(o.error?.hint).toContain("radius 6 mm failed on 4 edge(s) of 'c3'");
    expect(o.error?.hint).toContain("below 5");
    expect((await h.tryTool("get_object", { name: "tooBig" })).ok).toBe(false);
    expect(await h.tool("list_objects", {})).toEqual(before);
    const c3 = await h.tool("get_object", { name: "c3" });
    expect(c3.visible).toBe(true);
    // and the solid is still usable
    const ok = await make("fillet", { object: "c3", radius: 1, edges: "<Z" });
    expect(ok.valid).toBe(true);
  });
});

describe("chamfer and shell", () => {
  it("1 mm chamfer on the top edges of a 10 mm cube: 4·a·s²/2 − 4·s³/3", async () => {
    await cube("c4", 10);
    const r = await make("chamfer", { object: "c4", size: 1, edges: ">Z" });
    expect(near(r.volume, 1000 - (4 * 10 * 0.5 - 4 / 3))).toBe(true);
    expect(r.warnings).toEqual([]);
    const big = await h.tryTool("chamfer", { object: "c4", size: 20, edges: "<Z" });
    expect(big.ok).toBe(false);
  });

  it("a 20 mm cube shelled to 2 mm walls open at the top: 20³ − 16·16·18", async () => {
    await cube("c5", 20);
    const r = await make("shell", { object: "c5", thickness: 2, open_faces: ">Z" });
    expect(near(r.volume, 8000 - 16 * 16 * 18)).toBe(true);
    expect(r.bbox).toEqual({ min: [0, 0, 0], max: [20, 20, 20] });
    expect(r.warnings).toEqual([]);
  });

  it("shell thickness bound to a parameter follows set_parameter", async () => {
    await h.tool("set_parameter", { name: "wall", value: 2 });
    await cube("c6", 20);
    await make("shell", { name: "box6", object: "c6", thickness: "wall", open_faces: ">Z" });
    await h.tool("set_parameter", { name: "wall", value: 1 });
    const m = await h.tool("measure", { object: "box6" });
    expect(near(m.volume as number, 8000 - 18 * 18 * 19)).toBe(true);
  });
});

describe("hole", () => {
  const plate = (name: string): Promise<Record<string, unknown>> =>
    h.tool("create_box", { name, length: 30, width: 30, height: 10 });

  it("through Ø6 in a 10 mm plate removes π·3²·10", async () => {
    await plate("p1");
    const r = await make("hole", {
      object: "p1",
      face: ">Z",
      positions: [[10, 10, 10]],
      diameter: 6,
      depth: "through",
    });
    expect(near(r.removed_volume ?? 0, PI * 9 * 10)).toBe(true);
    expect(near(r.volume, 9000 - PI * 90)).toBe(true);
    expect(r.direction).toEqual([0, 0, -1]);
    expect(r.warnings).toEqual([]);
  });

  it("two blind Ø6 × 4 holes remove 2·π·9·4", async () => {
    await plate("p2");
    const r = await make("hole", {
      object: "p2",
      face: ">Z",
      positions: [
        [10, 10, 10],
        [20, 20, 10],
      ],
      diameter: 6,
      depth: 4,
    });
    expect(near(r.removed_volume ?? 0, 2 * PI * 9 * 4)).toBe(true);
    expect(r.bbox.min[2]).toBe(0);
  });

  it("counterbored: through Ø6 plus a Ø10 × 3 recess", async () => {
    await plate("p3");
    const r = await make("hole", {
      object: "p3",
      face: ">Z",
      positions: [[15, 15, 10]],
      diameter: 6,
      depth: "through",
      counterbore: { diameter: 10, depth: 3 },
    });
    expect(near(r.removed_volume ?? 0, PI * 9 * 10 + PI * (25 - 9) * 3)).toBe(true);
  });

  it("countersunk 90°: Ø10 at the face narrowing to Ø6 over 2 mm (a frustum)", async () => {
    await plate("p4");
    const r = await make("hole", {
      object: "p4",
      face: ">Z",
      positions: [[15, 15, 10]],
      diameter: 6,
      depth: "through",
      countersink: { diameter: 10, angle: 90 },
    });
    // frustum R = 5 → r = 3 over h = (5 − 3)/tan 45° = 2: πh/3·(R² + Rr + r²); its core overlaps the drill
    const hCs = 2;
    const frustum = ((PI * hCs) / 3) * (25 + 15 + 9);
    expect(near(r.removed_volume ?? 0, PI * 9 * 10 + frustum - PI * 9 * hCs)).toBe(true);
  });

  it("on a side face it drills along the inward normal; off-face positions warn", async () => {
    await plate("p5");
    const r = await make("hole", {
      object: "p5",
      face: "<X",
      positions: [
        [0, 15, 5],
        [0, 50, 5],
      ],
      diameter: 4,
      depth: 5,
    });
    expect(r.direction).toEqual([1, 0, 0]);
    expect(near(r.removed_volume ?? 0, PI * 4 * 5)).toBe(true);
    expect(r.warnings.some((w) => w.includes("positions[1]") && w.includes("not on the selected face"))).toBe(true);
    expect(r.warnings.some((w) => w.includes("positions[1]") && w.includes("removes no material"))).toBe(true);
  });

  it("a hole that removes nothing at all warns; a curved face is refused", async () => {
    await plate("p6");
    const r = await make("hole", { object: "p6", face: ">Z", positions: [[50, 50, 10]], diameter: 4, depth: 5 });
    expect(r.warnings.some((w) => w.includes("hole removed no material"))).toBe(true);
    await h.tool("create_cylinder", { name: "rod", radius: 5, height: 10 });
    const bad = await h.tryTool("hole", {
      object: "rod",
      face: "%CYLINDER",
      positions: [[5, 0, 5]],
      diameter: 2,
      depth: 2,
    });
    expect(bad.ok).toBe(false);
    expect(bad.error?.message).toContain("planar face");
  });

  it("diameter and position bound to parameters follow set_parameter", async () => {
    await h.tool("set_parameter", { name: "d", value: 6 });
    await h.tool("set_parameter", { name: "hx", value: 10 });
    await plate("p7");
    await make("hole", {
      name: "h7",
      object: "p7",
      face: ">Z",
      positions: [["hx", 15, 10]],
      diameter: "d",
      depth: "through",
    });
    await h.tool("set_parameter", { name: "d", value: 8 });
    await h.tool("set_parameter", { name: "hx", value: 12 });
    const m = await h.tool("measure", { object: "h7" });
    expect(near(m.volume as number, 9000 - PI * 16 * 10)).toBe(true);
    const bore = await h.tool("list_topology", { object: "h7", kind: "faces", selector: "%CYLINDER" });
    const faces = bore.faces as { center: number[]; radius: number }[];
    expect(faces).toHaveLength(1);
    expect(faces[0]?.center[0]).toBeCloseTo(12, 9);
    expect(faces[0]?.radius).toBeCloseTo(4, 9);
  });
});

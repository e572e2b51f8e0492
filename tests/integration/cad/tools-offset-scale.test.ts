import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeometryHealth } from "../../../src/cad/protocol.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/**
 * offset and scale on real FreeCAD. Growing an a×b×c box by d with rounded corners adds the face
 * slabs 2d(ab+bc+ca), the quarter-cylinder edges πd²(a+b+c) and the eighth-sphere corners
 * (4/3)πd³; shrinking it by d leaves (a−2d)(b−2d)(c−2d). Scaling multiplies the volume by
 * fx·fy·fz about the centre.
 */

let h: CadHarness;
beforeAll(async () => {
  h = await startCad();
});
afterAll(async () => {
  await h.close();
});

const box = (name: string): Promise<Record<string, unknown>> =>
  h.tool("create_box", { name, length: 10, width: 20, height: 30 });

describe("offset", () => {
  it("grows a box by 2 with rounded edges and corners", async () => {
    await box("a");
    const r = (await h.tool("offset", { object: "a", distance: 2 })) as unknown as GeometryHealth;
    const d = 2;
    const v = 6000 + 2 * d * (200 + 600 + 300) + Math.PI * d * d * 60 + (4 / 3) * Math.PI * d ** 3;
    expect(near(r.volume, v, 1e-7)).toBe(true);
    expect(r.bbox).toEqual({ min: [-2, -2, -2], max: [12, 22, 32] });
  });

  it("shrinks a box by 1, the distance bound to a parameter", async () => {
    await h.tool("set_parameter", { name: "wall", value: 1 });
    await box("b");
    const r = (await h.tool("offset", { object: "b", distance: "-wall" })) as unknown as GeometryHealth;
    expect(near(r.volume, 8 * 18 * 28, 1e-9)).toBe(true);
  });

  it("shrinking past half the thinnest wall is a tool error with a hint", async () => {
    await box("c");
    const o = await h.tryTool("offset", { object: "c", distance: -6 });
    expect(o.ok).toBe(false);
    expect(o.error?.hint).toContain("smaller distance");
    expect((await h.tool("get_object", { name: "c" })).visible).toBe(true);
  });
});

describe("scale", () => {
  it("uniform 2× about the origin: 8× the volume, twice the bbox", async () => {
    await box("d");
    const r = (await h.tool("scale", { object: "d", factor: 2 })) as unknown as GeometryHealth;
    expect(near(r.volume, 48000, 1e-9)).toBe(true);
    expect(r.bbox).toEqual({ min: [0, 0, 0], max: [20, 40, 60] });
  });

  it("per axis about a centre", async () => {
    await box("e");
    const r = (await h.tool("scale", {
      object: "e",
      factor: [2, 1, 0.5],
      center: [5, 10, 15],
    })) as unknown as GeometryHealth;
    expect(near(r.volume, 6000, 1e-9)).toBe(true);
    [-5, 0, 7.5].forEach((v, i) => expect(r.bbox.min[i]).toBeCloseTo(v, 9));
    [15, 20, 22.5].forEach((v, i) => expect(r.bbox.max[i]).toBeCloseTo(v, 9));
  });

  it("a uniform scale keeps a cylinder exact", async () => {
    await h.tool("create_cylinder", { name: "f", radius: 5, height: 10 });
    const r = (await h.tool("scale", { object: "f", factor: 1.5 })) as unknown as GeometryHealth;
    expect(near(r.volume, Math.PI * 7.5 ** 2 * 15, 1e-9)).toBe(true);
  });
});

describe("chamfer with angle or size2", () => {
  // One 20 mm vertical edge of a 10×20×20 box: the chamfer removes a right triangle of legs
  // s1, s2 along it, (s1·s2/2)·20 — the same whichever face FreeCAD takes as first.
  const edge = "|Z and >X and >Y";
  it("size 2 and size2 1 remove 1·20 mm³", async () => {
    await h.tool("create_box", { name: "k1", length: 10, width: 20, height: 20 });
    const r = (await h.tool("chamfer", { object: "k1", size: 2, size2: 1, edges: edge })) as unknown as GeometryHealth;
    expect(near(r.volume, 4000 - 20, 1e-9)).toBe(true);
  });

  it("size 2 at 30° removes (2·2·tan30°/2)·20 mm³", async () => {
    await h.tool("create_box", { name: "k2", length: 10, width: 20, height: 20 });
    const r = (await h.tool("chamfer", { object: "k2", size: 2, angle: 30, edges: edge })) as unknown as GeometryHealth;
    expect(near(r.volume, 4000 - ((2 * 2 * Math.tan(Math.PI / 6)) / 2) * 20, 1e-9)).toBe(true);
  });

  it("angle and size2 together, or an angle of 90, is a tool error", async () => {
    await h.tool("create_box", { name: "k3", length: 10, width: 20, height: 20 });
    expect((await h.tryTool("chamfer", { object: "k3", size: 2, angle: 30, size2: 1, edges: edge })).ok).toBe(false);
    expect((await h.tryTool("chamfer", { object: "k3", size: 2, angle: 90, edges: edge })).ok).toBe(false);
  });
});

describe("hole, origin + direction form", () => {
  it("a radial Ø4 hole 5 deep from the surface of a R10 shaft: removed volume by integration", async () => {
    await h.tool("create_cylinder", { name: "shaft", radius: 10, height: 20 });
    const r = (await h.tool("hole", {
      object: "shaft",
      origin: [10, 0, 10],
      direction: [-1, 0, 0],
      diameter: 4,
      depth: 5,
    })) as unknown as GeometryHealth & { removed_volume: number; direction: number[] };
    // Drill bottom at x = 5; material over the disc y² + z² ≤ 4 runs from x = 5 to √(100 − y²).
    // With y = 2·sin t the integrand is smooth: ∫ 8·cos²t·√(100 − 4·sin²t) dt − 5·π·2².
    let removed = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const t = -Math.PI / 2 + (Math.PI * (i + 0.5)) / n;
      removed += 8 * Math.cos(t) ** 2 * Math.sqrt(100 - 4 * Math.sin(t) ** 2) * (Math.PI / n);
    }
    removed -= 5 * Math.PI * 4;
    // OCCT approximates the drill/shaft intersection curve: 2.4e-4 of the removed volume here.
    expect(near(r.removed_volume, removed, 1e-3)).toBe(true);
    expect(near(r.volume, Math.PI * 100 * 20 - removed, 1e-5)).toBe(true);
    expect(r.direction).toEqual([-1, 0, 0]);
    expect(r.valid).toBe(true);
  });

  it("pointing away from the solid warns that nothing was removed; mixing forms is an error", async () => {
    await h.tool("create_cylinder", { name: "shaft2", radius: 10, height: 20 });
    const r = await h.tool("hole", {
      object: "shaft2",
      origin: [0, 0, 25],
      direction: [0, 0, 1],
      diameter: 4,
      depth: 5,
    });
    expect(JSON.stringify(r.warnings)).toContain("removed no material");
    const o = await h.tryTool("hole", {
      object: "shaft2",
      face: ">Z",
      origin: [0, 0, 20],
      direction: [0, 0, -1],
      diameter: 4,
      depth: 5,
    });
    expect(o.ok).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeometryHealth } from "../../../src/cad/protocol.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/** create_sketch, extrude, revolve, loft against a real FreeCAD worker; answers computed by hand. */

const PI = Math.PI;
let h: CadHarness;

beforeAll(async () => {
  h = await startCad();
});
afterAll(async () => {
  await h.close();
});

type SketchResult = GeometryHealth & { profile_area: number; profiles: number; wires: number };

async function make<T = GeometryHealth>(tool: string, input: Record<string, unknown>): Promise<T> {
  return (await h.tool(tool, input)) as unknown as T;
}

async function measure(name: string): Promise<{ volume: number; bbox: GeometryHealth["bbox"] }> {
  return (await h.tool("measure", { object: name })) as unknown as { volume: number; bbox: GeometryHealth["bbox"] };
}

function expectBbox(actual: GeometryHealth["bbox"], min: number[], max: number[]): void {
  actual.min.forEach((v, i) => expect(v).toBeCloseTo(min[i] ?? NaN, 6));
  actual.max.forEach((v, i) => expect(v).toBeCloseTo(max[i] ?? NaN, 6));
}

describe("create_sketch + extrude", () => {
  it("40×20 rectangle with a Ø10 hole extruded 5 → (800 − 25π)·5; the sketch is consumed", async () => {
    const s = await make<SketchResult>("create_sketch", {
      name: "plateSketch",
      plane: "XY",
      profiles: [
        { type: "rectangle", x: 0, y: 0, width: 40, height: 20 },
        { type: "circle", cx: 20, cy: 10, radius: 5 },
      ],
    });
    expect(s).toMatchObject({
      name: "plateSketch",
      type: "Sketcher::SketchObject",
      profiles: 2,
      wires: 2,
      warnings: [],
    });
    expect(near(s.profile_area, 800 - 25 * PI)).toBe(true);
    const e = await make("extrude", { name: "plate", sketch: "plateSketch", distance: 5 });
    expect(near(e.volume, (800 - 25 * PI) * 5)).toBe(true);
    expect(e).toMatchObject({ valid: true, solids: 1, faces: 7, warnings: [] });
    expectBbox(e.bbox, [0, 0, 0], [40, 20, 5]);
    const sk = await h.tool("get_object", { name: "plateSketch" });
    expect(sk.visible).toBe(false);
  });

  it("symmetric, reversed and tapered extrusions", async () => {
    await make("create_sketch", {
      name: "r1",
      plane: "XY",
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 10, height: 6, centered: true }],
    });
    const sym = await make("extrude", { sketch: "r1", distance: 8, direction: "symmetric" });
    expectBbox(sym.bbox, [-5, -3, -4], [5, 3, 4]);
    expect(near(sym.volume, 480)).toBe(true);
    await make("create_sketch", {
      name: "r2",
      plane: "XY",
      offset: 2,
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 10, height: 6 }],
    });
    const rev = await make("extrude", { sketch: "r2", distance: 3, direction: "reversed" });
    expectBbox(rev.bbox, [0, 0, -1], [10, 6, 2]);
    // taper 10° narrows a 10 mm square over 5 mm to a sharp frustum: V = h/3 (A1 + A2 + √(A1·A2))
    await make("create_sketch", {
      name: "r3",
      plane: "XY",
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 10, height: 10 }],
    });
    const tap = await make("extrude", { sketch: "r3", distance: 5, taper: 10 });
    const a = 10 - 2 * 5 * Math.tan((10 * PI) / 180);
    expect(near(tap.volume, (5 / 3) * (100 + a * a + 10 * a))).toBe(true);
  });

  it("XZ and YZ planes map sketch (x, y) to (X, Z) / (Y, Z); offset and 'normal' follow +Y / +X", async () => {
    await make("create_sketch", {
      name: "xz",
      plane: "XZ",
      offset: 3,
      profiles: [{ type: "rectangle", x: 1, y: 2, width: 4, height: 5 }],
    });
    const e1 = await make("extrude", { sketch: "xz", distance: 4 });
    expectBbox(e1.bbox, [1, 3, 2], [5, 7, 7]);
    await make("create_sketch", {
      name: "yz",
      plane: "YZ",
      offset: -2,
      profiles: [{ type: "circle", cx: 10, cy: 20, radius: 1 }],
    });
    const e2 = await make("extrude", { sketch: "yz", distance: 6 });
    expectBbox(e2.bbox, [-2, 9, 19], [4, 11, 21]);
    expect(near(e2.volume, PI * 6)).toBe(true);
  });

  it("profile kinds: slot (2r·L + πr²), hexagon, rounded rectangle, polygon, path with arcs", async () => {
    const L = Math.hypot(10, 5);
    const slot = await make<SketchResult>("create_sketch", {
      name: "slot",
      plane: "XY",
      profiles: [{ type: "slot", x1: 0, y1: 0, x2: 10, y2: 5, radius: 2 }],
    });
    expect(near(slot.profile_area, 2 * 2 * L + PI * 4)).toBe(true);
    const se = await make("extrude", { sketch: "slot", distance: 3 });
    expect(near(se.volume, (4 * L + 4 * PI) * 3)).toBe(true);
    const hex = await make<SketchResult>("create_sketch", {
      plane: "XY",
      profiles: [{ type: "regular_polygon", cx: 0, cy: 0, sides: 6, circumradius: 5 }],
    });
    expect(near(hex.profile_area, ((3 * Math.sqrt(3)) / 2) * 25)).toBe(true);
    expectBbox(hex.bbox, [-5, -5 * (Math.sqrt(3) / 2), 0], [5, 5 * (Math.sqrt(3) / 2), 0]);
    const rr = await make<SketchResult>("create_sketch", {
      plane: "XY",
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 30, height: 20, centered: true, corner_radius: 4 }],
    });
    expect(near(rr.profile_area, 600 - (4 - PI) * 16)).toBe(true);
    const tri = await make<SketchResult>("create_sketch", {
      plane: "XY",
      profiles: [
        {
          type: "polygon",
          points: [
            [0, 0],
            [12, 0],
            [0, 9],
          ],
        },
      ],
    });
    expect(near(tri.profile_area, 54)).toBe(true);
    // a 10×10 square whose right side bulges out as a half circle of radius 5
    const bulge = await make<SketchResult>("create_sketch", {
      plane: "XY",
      profiles: [
        {
          type: "path",
          start: [0, 0],
          segments: [{ line_to: [10, 0] }, { arc_to: [10, 10], through: [15, 5] }, { line_to: [0, 10] }],
        },
      ],
    });
    expect(near(bulge.profile_area, 100 + (PI * 25) / 2)).toBe(true);
    // and the same with the arc bowing inward (a clockwise arc)
    const notch = await make<SketchResult>("create_sketch", {
      plane: "XY",
      profiles: [
        {
          type: "path",
          start: [0, 0],
          segments: [{ line_to: [10, 0] }, { arc_to: [10, 10], through: [5, 5] }, { line_to: [0, 10] }],
        },
      ],
    });
    expect(near(notch.profile_area, 100 - (PI * 25) / 2)).toBe(true);
  });

  it("bad profiles fail with a reason and leave nothing behind", async () => {
    const overlap = await h.tryTool("create_sketch", {
      name: "bad1",
      plane: "XY",
      profiles: [
        { type: "circle", cx: 0, cy: 0, radius: 5 },
        { type: "circle", cx: 6, cy: 0, radius: 5 },
      ],
    });
    expect(overlap.ok).toBe(false);
    expect(overlap.error?.message).toContain("overlap");
    const bowtie = await h.tryTool("create_sketch", {
      name: "bad2",
      plane: "XY",
      profiles: [
        {
          type: "polygon",
          points: [
            [0, 0],
            [10, 10],
            [10, 0],
            [0, 10],
          ],
        },
      ],
    });
    expect(bowtie.error?.code).toBe("bad_profile");
    const big = await h.tryTool("create_sketch", {
      name: "bad3",
      plane: "XY",
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 10, height: 6, corner_radius: 3 }],
    });
    expect(big.error?.hint).toContain("below 3");
    const got = await h.tryTool("get_object", { name: "bad1" });
    expect(got.ok).toBe(false);
    const solid = await h.tryTool("extrude", { sketch: "plate", distance: 2 });
    expect(solid.error?.message).toContain("is a solid, not a sketch");
  });
});

describe("revolve and loft", () => {
  it("revolving a rectangle offset from the axis gives an annulus π(R² − r²)h", async () => {
    await make("create_sketch", {
      name: "ring",
      plane: "XZ",
      profiles: [{ type: "rectangle", x: 10, y: 0, width: 5, height: 8 }],
    });
    const r = await make("revolve", { name: "tube", sketch: "ring", axis: "Z" });
    expect(near(r.volume, PI * (15 ** 2 - 10 ** 2) * 8)).toBe(true);
    expectBbox(r.bbox, [-15, -15, 0], [15, 15, 8]);
    expect(r.valid).toBe(true);
  });

  it("a half revolution about a custom axis, and a profile crossing the axis is refused", async () => {
    await make("create_sketch", {
      name: "half",
      plane: "XY",
      profiles: [{ type: "rectangle", x: 2, y: 0, width: 3, height: 4 }],
    });
    const r = await make("revolve", { sketch: "half", axis: { point: [0, 0, 0], direction: [0, 1, 0] }, angle: 180 });
    expect(near(r.volume, (PI * (25 - 4) * 4) / 2)).toBe(true);
    await make("create_sketch", {
      name: "across",
      plane: "XZ",
      profiles: [{ type: "rectangle", x: -2, y: 0, width: 5, height: 4 }],
    });
    const bad = await h.tryTool("revolve", { sketch: "across", axis: "Z" });
    expect(bad.ok).toBe(false);
    expect(bad.error?.message).toContain("crosses the revolve axis");
  });

  it("lofting two equal squares gives the prism; a square to a smaller square (ruled) the frustum", async () => {
    await make("create_sketch", {
      name: "sq0",
      plane: "XY",
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 10, height: 10, centered: true }],
    });
    await make("create_sketch", {
      name: "sq1",
      plane: "XY",
      offset: 12,
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 10, height: 10, centered: true }],
    });
    const prism = await make("loft", { name: "prism", sketches: ["sq0", "sq1"] });
    expect(near(prism.volume, 1200)).toBe(true);
    expectBbox(prism.bbox, [-5, -5, 0], [5, 5, 12]);
    await make("create_sketch", {
      name: "sq2",
      plane: "XY",
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 10, height: 10, centered: true }],
    });
    await make("create_sketch", {
      name: "sq3",
      plane: "XY",
      offset: 6,
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 4, height: 4, centered: true }],
    });
    const frustum = await make("loft", { sketches: ["sq2", "sq3"], ruled: true });
    expect(near(frustum.volume, (6 / 3) * (100 + 16 + 40))).toBe(true);
  });

  it("a loft section with a hole is refused with a hint", async () => {
    await make("create_sketch", {
      name: "holed",
      plane: "XY",
      profiles: [
        { type: "rectangle", x: 0, y: 0, width: 10, height: 10 },
        { type: "circle", cx: 5, cy: 5, radius: 2 },
      ],
    });
    await make("create_sketch", {
      name: "top",
      plane: "XY",
      offset: 5,
      profiles: [{ type: "rectangle", x: 0, y: 0, width: 10, height: 10 }],
    });
    const bad = await h.tryTool("loft", { sketches: ["holed", "top"] });
    expect(bad.ok).toBe(false);
    expect(bad.error?.hint).toContain("cut holes");
  });
});

describe("parameters re-drive sketches and extrusions", () => {
  it("width, hole radius, offset and distance bound by expressions follow set_parameter", async () => {
    await h.tool("set_parameter", { name: "w", value: 40 });
    await h.tool("set_parameter", { name: "t", value: 5 });
    await h.tool("set_parameter", { name: "z0", value: 0 });
    await make("create_sketch", {
      name: "pSketch",
      plane: "XY",
      offset: "z0",
      profiles: [
        { type: "rectangle", x: 0, y: 0, width: "w", height: 20 },
        { type: "circle", cx: "w/2", cy: 10, radius: "w/8" },
      ],
    });
    const e = await make("extrude", { name: "pPlate", sketch: "pSketch", distance: "t" });
    expect(near(e.volume, (800 - 25 * PI) * 5)).toBe(true);
    const set = await h.tool("set_parameter", { name: "w", value: 60 });
    expect(set.warnings).toEqual([]);
    let m = await measure("pPlate");
    expect(near(m.volume, (1200 - PI * 7.5 ** 2) * 5)).toBe(true);
    expectBbox(m.bbox, [0, 0, 0], [60, 20, 5]);
    await h.tool("set_parameter", { name: "t", value: 2 });
    await h.tool("set_parameter", { name: "z0", value: 10 });
    m = await measure("pPlate");
    expect(near(m.volume, (1200 - PI * 7.5 ** 2) * 2)).toBe(true);
    expectBbox(m.bbox, [0, 0, 10], [60, 20, 12]);
    const ex = (await h.tool("get_object", { name: "pPlate" })).expressions as Record<string, string>;
    expect(ex.LengthFwd).toBe("t");
  });
});

describe("ellipse and spline profiles", () => {
  it("an ellipse rx 10, ry 4 rotated 90° extrudes to π·10·4·h with a swapped bbox", async () => {
    const s = await h.tool("create_sketch", {
      name: "ell",
      plane: "XY",
      profiles: [{ type: "ellipse", cx: 5, cy: 0, rx: 10, ry: 4, angle: 90 }],
    });
    expect(near(s.profile_area as number, Math.PI * 40, 1e-7)).toBe(true);
    const e = (await h.tool("extrude", { sketch: "ell", distance: 3 })) as unknown as GeometryHealth;
    expect(near(e.volume, Math.PI * 40 * 3, 1e-6)).toBe(true);
    [1, -10, 0].forEach((v, i) => expect(e.bbox.min[i]).toBeCloseTo(v, 6));
    [9, 10, 3].forEach((v, i) => expect(e.bbox.max[i]).toBeCloseTo(v, 6));
  });

  it("a closed spline passes through its points", async () => {
    const pts = [
      [0, 0],
      [20, -5],
      [30, 10],
      [10, 20],
    ];
    const s = await h.tool("create_sketch", { name: "spl", plane: "XY", profiles: [{ type: "spline", points: pts }] });
    expect(s.profile_area as number).toBeGreaterThan(300);
    for (const [x, y] of pts) {
      const d = await h.tool("measure_distance", { a: "spl", b: [x, y, 0] });
      expect(d.distance as number).toBeLessThan(1e-6);
    }
  });
});

import { describe, expect, it } from "vitest";
import { bboxError, chamferDistance, volumeErrorPct } from "../../../src/eval/metrics.js";
import { SurfaceIndex, pointTriangleDistSq } from "../../../src/eval/nearest.js";
import { sampleSurface } from "../../../src/eval/sample.js";
import { boxMesh } from "../../helpers/box-mesh.js";

describe("point-to-surface distance", () => {
  it("matches hand values for a unit triangle and a cube", () => {
    const t = Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(pointTriangleDistSq(0.2, 0.2, 3, t, 0)).toBeCloseTo(9, 12); // above the face
    expect(pointTriangleDistSq(2, 0, 0, t, 0)).toBeCloseTo(1, 12); // beyond vertex B
    expect(pointTriangleDistSq(1, 1, 0, t, 0)).toBeCloseTo(0.5, 12); // beyond edge BC: (1,1)→(0.5,0.5)
    const idx = new SurfaceIndex(boxMesh(10, 10, 10));
    expect(idx.distance(5, 5, 5)).toBeCloseTo(5, 9); // centre
    expect(idx.distance(13, 14, 5)).toBeCloseTo(5, 9); // outside an edge: √(3²+4²)
    expect(idx.distance(2, 5, 5)).toBeCloseTo(2, 9);
  });
});

describe("Chamfer distance", () => {
  const cube = boxMesh(10, 10, 10);
  const shifted = boxMesh(10, 10, 10, [1, 0, 0]);

  it("a cube against itself moved 1 mm along x: raw mean is 151/450 mm and max 1 mm; aligned it is 0", () => {
    // Directed A→B (A = [0,10]³, B = A + 1 x), per face of A, distance to B's surface:
    //   x=0 face: 1 everywhere → 100; x=10 face (inside B): min(1, distance to the square's edge)
    //   → 8² + ∫₀¹ t·4(10−2t) dt = 64 + 52/3; four side faces: 1−x for x<1, else 0 → 4·10·½ = 20.
    // Total (100 + 64 + 52/3 + 20) / 600 = 151/450; B→A is the mirror image, so the same.
    const raw = chamferDistance(shifted, cube, { align: false, samples: 20000 });
    expect(raw.mean).toBeCloseTo(151 / 450, 2);
    expect(raw.max).toBeGreaterThan(0.99);
    expect(raw.max).toBeLessThanOrEqual(1 + 1e-9);
    const aligned = chamferDistance(shifted, cube);
    expect(aligned.mean).toBeLessThan(1e-9);
    expect(aligned.median).toBeLessThan(1e-9);
  });

  it("cube 10 vs cube 12 with centres aligned: A→B is 1 exactly, B→A by numeric integration", () => {
    // A point of the 10-cube's faces is 1 mm from the 12-cube's face beyond it (its other faces are farther).
    // A point (6, y, z) of the 12-cube's face is √(1 + u² + v²) from the 10-cube, u = max(0,|y|−5), v = max(0,|z|−5):
    // integrate that over the 12×12 face by the midpoint rule.
    const steps = 1200;
    const h = 12 / steps;
    let sum = 0;
    for (let i = 0; i < steps; i++)
      for (let j = 0; j < steps; j++) {
        const u = Math.max(0, Math.abs(-6 + (i + 0.5) * h) - 5);
        const v = Math.max(0, Math.abs(-6 + (j + 0.5) * h) - 5);
        sum += Math.sqrt(1 + u * u + v * v);
      }
    const ba = sum / (steps * steps);
    expect(ba).toBeGreaterThan(1.04); // sanity of the integral itself: corners and strips add ~5 %
    const expected = (1 + ba) / 2;
    const r = chamferDistance(boxMesh(12, 12, 12, [-6, -6, -6]), boxMesh(10, 10, 10, [100, 100, 100]), {
      samples: 20000,
    });
    expect(Math.abs(r.mean - expected)).toBeLessThan(0.005);
    expect(r.median).toBeGreaterThanOrEqual(1 - 1e-9);
    expect(r.max).toBeCloseTo(Math.sqrt(3), 1);
  });

  it("is deterministic for a seed on 10k samples of a finely meshed part", () => {
    // 20×20 grid per face → 4800 triangles.
    const fine = { triangles: new Float64Array(0) };
    const t: number[] = [];
    const coarse = boxMesh(30, 20, 10);
    for (let k = 0; k < coarse.triangles.length; k += 9) {
      const p = [0, 3, 6].map((o) => [
        coarse.triangles[k + o]!,
        coarse.triangles[k + o + 1]!,
        coarse.triangles[k + o + 2]!,
      ]);
      // subdivide each triangle 4× recursively (4^3 = 64 pieces)
      let tris = [p];
      for (let d = 0; d < 3; d++)
        tris = tris.flatMap(([a, b, c]) => {
          const m = (x: number[], y: number[]): number[] => x.map((v, i) => (v + y[i]!) / 2);
          const ab = m(a!, b!),
            bc = m(b!, c!),
            ca = m(c!, a!);
          return [
            [a!, ab, ca],
            [ab, b!, bc],
            [ca, bc, c!],
            [ab, bc, ca],
          ];
        });
      for (const tri of tris) for (const v of tri) t.push(...v);
    }
    fine.triangles = Float64Array.from(t);
    expect(sampleSurface(fine, 5, 7)).toEqual(sampleSurface(fine, 5, 7));
    // Its speed is bench material; here only the result counts.
    const r = chamferDistance(fine, boxMesh(30, 20, 10.5), { samples: 10000 });
    expect(r.mean).toBeGreaterThan(0);
    expect(chamferDistance(fine, boxMesh(30, 20, 10.5), { samples: 10000 })).toEqual(r);
  });
});

describe("bbox and volume error", () => {
  it("bbox error is per-axis size difference, placement ignored", () => {
    expect(bboxError({ min: [5, 5, 5], max: [57, 45, 10] }, { min: [0, 0, 0], max: [50, 40, 5] })).toEqual([2, 0, 0]);
  });
  it("volume error is signed percent of the reference", () => {
    expect(volumeErrorPct(12, 10)).toBeCloseTo(20, 12);
    expect(volumeErrorPct(9, 10)).toBeCloseTo(-10, 12);
  });
});

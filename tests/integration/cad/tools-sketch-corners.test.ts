import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeometryHealth } from "../../../src/cad/protocol.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/**
 * corner_radius on polygon and path profiles against real FreeCAD. A corner of interior angle φ
 * rounded with radius r loses r²·(cot(φ/2) − (π − φ)/2) of area; a right angle loses (1 − π/4)·r².
 */

const PI = Math.PI;
let h: CadHarness;

beforeAll(async () => {
  h = await startCad({ allowPython: true });
});
afterAll(async () => {
  await h.close();
});

type SketchResult = GeometryHealth & { profile_area: number };

async function sketch(name: string, profile: Record<string, unknown>): Promise<SketchResult> {
  return (await h.tool("create_sketch", { name, plane: "XY", profiles: [profile] })) as unknown as SketchResult;
}

/** The Sketcher's own verdict: every degree of freedom is fixed. */
async function fullyConstrained(name: string): Promise<boolean> {
  const r = await h.tool("run_python", { code: `print(doc.getObject(${JSON.stringify(name)}).FullyConstrained)` });
  return (r as unknown as { output: string }).output.trim() === "True";
}

describe("corner_radius on polygon and path", () => {
  it("rounds every corner of a polygon: a 3-4-5 right triangle loses r²(Σcot(φ/2) − π)", async () => {
    // Angles 90°, atan(4/3), atan(3/4): the half-angle cotangents are 1, 2 and 3.
    const tri = await sketch("tri", {
      type: "polygon",
      points: [
        [0, 0],
        [30, 0],
        [0, 40],
      ],
      corner_radius: 2,
    });
    expect(near(tri.profile_area, 600 - 4 * (6 - PI))).toBe(true);
    expect(tri.bbox.min[0]).toBeCloseTo(0, 9);
    expect(tri.bbox.max[0]).toBeLessThan(30);
    expect(await fullyConstrained("tri")).toBe(true);
  });

  it("rounds inside corners too: an L traced clockwise gains at its one reflex corner what each outside one loses", async () => {
    // 20 × 20 less a 10 × 10 notch = 300; five convex corners lose (1 − π/4)·r², the reflex one gains it.
    const ell = await sketch("ell", {
      type: "polygon",
      points: [
        [0, 0],
        [0, 20],
        [10, 20],
        [10, 10],
        [20, 10],
        [20, 0],
      ],
      corner_radius: 2,
    });
    expect(near(ell.profile_area, 300 - 4 * (1 - PI / 4) * 4)).toBe(true);
    expect(await fullyConstrained("ell")).toBe(true);
  });

  it("rounds only the corners between straight segments of a path; arcs keep their sharp joins", async () => {
    // 20 × 10 with a half circle of radius 10 on top; the two bottom right angles rounded at r = 2.
    const arch = await sketch("arch", {
      type: "path",
      start: [0, 0],
      segments: [{ line_to: [20, 0] }, { line_to: [20, 10] }, { arc_to: [0, 10], through: [10, 20] }],
      corner_radius: 2,
    });
    expect(near(arch.profile_area, 200 + (PI * 100) / 2 - 2 * (1 - PI / 4) * 4)).toBe(true);
    expect(await fullyConstrained("arch")).toBe(true);
  });

  it("is bound to a parameter: set_parameter re-drives the rounding of the extruded solid", async () => {
    await h.tool("set_parameter", { name: "r", value: 3 });
    await sketch("sq", {
      type: "polygon",
      points: [
        [0, 0],
        [20, 0],
        [20, 20],
        [0, 20],
      ],
      corner_radius: "r",
    });
    const block = (await h.tool("extrude", { name: "block", sketch: "sq", distance: 5 })) as unknown as GeometryHealth;
    expect(near(block.volume, (400 - 4 * (1 - PI / 4) * 9) * 5)).toBe(true);
    await h.tool("set_parameter", { name: "r", value: 5 });
    const after = (await h.tool("measure", { object: "block" })) as unknown as { volume: number };
    expect(near(after.volume, (400 - 4 * (1 - PI / 4) * 25) * 5)).toBe(true);
  });

  it("a radius that does not fit a side is a bad_argument naming the largest that fits", async () => {
    // A 10 mm square: each right-angle rounding uses r of each side, so r must stay below 5.
    const r = await h.tryTool("create_sketch", {
      name: "tight",
      plane: "XY",
      profiles: [
        {
          type: "polygon",
          points: [
            [0, 0],
            [10, 0],
            [10, 10],
            [0, 10],
          ],
          corner_radius: 6,
        },
      ],
    });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe("bad_argument");
    expect(r.error?.message).toContain("corner_radius 6 is too large");
    expect(r.error?.hint).toContain("below 5");
    expect((await h.tryTool("get_object", { name: "tight" })).ok).toBe(false);
  });
});

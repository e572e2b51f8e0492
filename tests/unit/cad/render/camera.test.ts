import { describe, expect, it } from "vitest";
import { cross, dot, fitCamera, VIEW_NAMES, viewBasis, type Vec3 } from "../../../../src/cad/render/camera.js";
import { project } from "../../../../src/cad/render/rasterize.js";

const close = (a: Vec3, b: Vec3): void => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 9));

describe("view bases", () => {
  it("are orthonormal and right-handed (right × up = towards the viewer) for every view", () => {
    for (const v of VIEW_NAMES) {
      const b = viewBasis(v);
      for (const axis of [b.right, b.up, b.toward]) expect(dot(axis, axis)).toBeCloseTo(1, 12);
      expect(dot(b.right, b.up)).toBeCloseTo(0, 12);
      expect(dot(b.up, b.toward)).toBeCloseTo(0, 12);
      close(cross(b.right, b.up), b.toward);
    }
  });

  it("follow the CAD conventions: Z up in side views, Y up from the top, iso from +X −Y +Z", () => {
    close(viewBasis("front").right, [1, 0, 0]);
    close(viewBasis("front").up, [0, 0, 1]);
    close(viewBasis("right").right, [0, 1, 0]);
    close(viewBasis("right").up, [0, 0, 1]);
    close(viewBasis("top").up, [0, 1, 0]);
    close(viewBasis("bottom").toward, [0, 0, -1]);
    const iso = viewBasis("iso");
    expect(iso.up[2]).toBeGreaterThan(0.8);
    // X runs down-right on screen, Y up-right (FreeCAD's isometric).
    expect(dot([1, 0, 0], iso.right)).toBeGreaterThan(0);
    expect(dot([1, 0, 0], iso.up)).toBeLessThan(0);
    expect(dot([0, 1, 0], iso.right)).toBeGreaterThan(0);
    expect(dot([0, 1, 0], iso.up)).toBeGreaterThan(0);
  });
});

describe("fitting", () => {
  it("frames the points inside the margin and centres them", () => {
    const pts = [0, 0, 0, 40, 20, 10, 40, 0, 10, 0, 20, 0];
    const cam = fitCamera("front", [pts], 200, 100, 10);
    const p = project(pts, cam);
    const xs = [p[0]!, p[3]!, p[6]!, p[9]!];
    const ys = [p[1]!, p[4]!, p[7]!, p[10]!];
    // 40 × 10 mm into 180 × 80 px: width-bound at 4.5 px/mm.
    expect(cam.scale).toBeCloseTo(4.5, 9);
    expect(Math.min(...xs)).toBeCloseTo(10, 4);
    expect(Math.max(...xs)).toBeCloseTo(190, 4);
    expect((Math.min(...ys) + Math.max(...ys)) / 2).toBeCloseTo(50, 4);
    // Screen y grows downwards: the top (z = 10) is the smaller y.
    expect(p[4]!).toBeLessThan(p[1]!);
  });
});

import { describe, expect, it } from "vitest";
import { cameraFor, type Camera, type ViewName } from "../../../../src/cad/render/camera.js";
import type { Rgb, RgbImage } from "../../../../src/cad/render/image.js";
import {
  BACKGROUND,
  EDGE_COLOR,
  FrameBuffers,
  project,
  rasterize,
  resolve,
  type SceneMesh,
} from "../../../../src/cad/render/rasterize.js";

/** A square in the XZ plane at depth y, wound so its normal is −Y (it faces the front view). */
function squareXZ(x0: number, x1: number, z0: number, z1: number, y: number, color: Rgb): SceneMesh {
  return {
    positions: [x0, y, z0, x1, y, z0, x1, y, z1, x0, y, z1],
    triangles: [0, 1, 2, 0, 2, 3],
    color,
  };
}

/** 100×100 px, 5 px/mm, view centre at (10, 10) in view coordinates. */
function camera(view: ViewName = "front"): Camera {
  return cameraFor(view, { minX: 0, maxX: 20, minY: 0, maxY: 20 }, 100, 100, 5);
}

const flat = { supersample: 1, contourWidth: 0 } as const;

function pixel(img: RgbImage, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

function count(img: RgbImage, keep: (p: [number, number, number]) => boolean): number {
  let n = 0;
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (keep(pixel(img, x, y))) n++;
  return n;
}

const isBackground = (p: [number, number, number]): boolean =>
  p[0] === BACKGROUND[0] && p[1] === BACKGROUND[1] && p[2] === BACKGROUND[2];

describe("rasterizer coverage", () => {
  it("a 10×10 mm square seen front-on at 5 px/mm covers exactly 50×50 pixels (no double cover on the shared diagonal)", () => {
    // Offsets put pixel centres exactly on the left and top edges: the top-left rule decides.
    const img = resolve(rasterize([squareXZ(2.3, 12.3, 1.1, 11.1, 0, [200, 100, 50])], camera(), flat));
    expect(count(img, (p) => !isBackground(p))).toBe(2500);
  });

  it("a square turned 45° about the view axis covers its projected area within 1%", () => {
    const c = [10, 10];
    const r = Math.SQRT2 * 5; // 10×10 square: half-diagonal
    const pts: number[] = [];
    for (let k = 0; k < 4; k++)
      pts.push(c[0]! + r * Math.cos((k * Math.PI) / 2), 0, c[1]! + r * Math.sin((k * Math.PI) / 2));
    const img = resolve(
      rasterize([{ positions: pts, triangles: [0, 1, 2, 0, 2, 3], color: [0, 0, 0] }], camera(), flat),
    );
    expect(Math.abs(count(img, (p) => !isBackground(p)) - 2500)).toBeLessThan(25);
  });

  it("with 2× supersampling the anti-aliased coverage still sums to the area", () => {
    const img = resolve(
      rasterize([squareXZ(2.1, 12.1, 1.3, 11.3, 0, [0, 0, 0])], camera(), { supersample: 2, contourWidth: 0 }),
    );
    const full = pixel(img, 35, 55)[1]; // fully covered pixel
    let covered = 0;
    for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) covered += (255 - pixel(img, x, y)[1]) / (255 - full);
    expect(covered).toBeGreaterThan(2500 * 0.99);
    expect(covered).toBeLessThan(2500 * 1.01);
    // Partly covered pixels exist on the boundary: anti-aliasing happened.
    expect(count(img, (p) => p[1] > full && p[1] < 255)).toBeGreaterThan(100);
  });

  it("triangles outside the image are clipped without errors", () => {
    const img = resolve(rasterize([squareXZ(-100, 100, -100, 100, 0, [10, 20, 30])], camera(), flat));
    expect(count(img, isBackground)).toBe(0);
  });
});

describe("depth test", () => {
  const far = squareXZ(0, 20, 0, 20, 0, [0, 0, 255]);
  const near = squareXZ(5, 15, 5, 15, -5, [255, 0, 0]);
  const redDominant = (p: [number, number, number]): boolean => p[0] > 0 && p[2] === 0;

  it("a nearer face hides a farther one, whatever the drawing order", () => {
    for (const meshes of [
      [far, near],
      [near, far],
    ]) {
      const img = resolve(rasterize(meshes, camera(), flat));
      expect(redDominant(pixel(img, 50, 50))).toBe(true);
      expect(pixel(img, 10, 90)[0]).toBe(0); // only the far square there
      expect(count(img, redDominant)).toBe(2500);
    }
  });

  it("feature edges behind a nearer face stay hidden; visible ones are drawn", () => {
    // The far square's diagonal passes behind the near one; the near square's top edge is in front.
    const farWithEdge = { ...far, edges: [[0, 0, 0, 20, 0, 20]] };
    const nearWithEdge = { ...near, edges: [[5, -5, 15, 15, -5, 15]] };
    const img = resolve(rasterize([farWithEdge, nearWithEdge], camera(), { ...flat, edgeWidth: 2 }));
    const isEdge = (p: [number, number, number]): boolean =>
      p[0] === EDGE_COLOR[0] && p[1] === EDGE_COLOR[1] && p[2] === EDGE_COLOR[2];
    expect(isEdge(pixel(img, 50, 50))).toBe(false); // diagonal behind the near square
    expect(isEdge(pixel(img, 10, 89))).toBe(true); // diagonal where nothing covers it: X≈2, Z≈2
    expect(isEdge(pixel(img, 50, 25))).toBe(true); // near square's top edge (Z = 15)
  });

  it("silhouettes outline a part against the background", () => {
    const img = resolve(rasterize([near], camera(), { supersample: 1, contourWidth: 1 }));
    const isEdge = (p: [number, number, number]): boolean => p[0] === EDGE_COLOR[0] && p[2] === EDGE_COLOR[2];
    expect(isEdge(pixel(img, 25, 50))).toBe(true); // left border column of the near square (x = 25)
    expect(isEdge(pixel(img, 50, 50))).toBe(false);
  });
});

describe("shading", () => {
  it("the three visible faces of a cube in the iso view get clearly different shades: top, front, right", () => {
    // Unit cube as 12 triangles, outward winding, one B-rep face per side.
    const v = [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1].map((c) => c * 10);
    const quads = [
      [0, 3, 2, 1], // bottom −Z
      [4, 5, 6, 7], // top +Z
      [0, 1, 5, 4], // front −Y
      [1, 2, 6, 5], // right +X
      [2, 3, 7, 6], // back +Y
      [3, 0, 4, 7], // left −X
    ];
    const triangles = quads.flatMap(([a, b, c, d]) => [a!, b!, c!, a!, c!, d!]);
    const faces = quads.flatMap((_, k) => [k, k]);
    const cube: SceneMesh = { positions: v, triangles, faces, closed: true, color: [200, 200, 200] };
    // The cube spans x 0..14.1 and y −4.1..12.2 in iso view coordinates.
    const cam = cameraFor("iso", { minX: 0, maxX: 14.2, minY: -4.1, maxY: 12.3 }, 100, 100, 4);
    const img = resolve(rasterize([cube], cam, flat));
    const at = (x: number, y: number, z: number): number => {
      const p = project([x, y, z], cam);
      return pixel(img, Math.floor(p[0]!), Math.floor(p[1]!))[0];
    };
    const top = at(5, 5, 10);
    const front = at(5, 0, 5);
    const right = at(10, 5, 5);
    expect(top).toBeGreaterThan(front + 20);
    expect(front).toBeGreaterThan(right + 20);
    expect(right).toBeGreaterThan(60); // nothing goes black
  });

  it("reuses scratch buffers between frames without leaking the previous picture", () => {
    const buffers = new FrameBuffers();
    const a = resolve(rasterize([squareXZ(0, 20, 0, 20, 0, [0, 0, 0])], camera(), { ...flat, buffers }));
    expect(count(a, isBackground)).toBe(0);
    const b = resolve(rasterize([squareXZ(5, 15, 5, 15, 0, [0, 0, 0])], camera(), { ...flat, buffers }));
    expect(count(b, (p) => !isBackground(p))).toBe(2500);
  });
});

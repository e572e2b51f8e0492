import type { Rgb, RgbImage } from "./image.js";

/** A depth buffer to test against: per pixel, the nearest surface's depth (larger is nearer). */
export interface DepthTest {
  depth: Float32Array;
  /** How far behind the surface a line may lie and still show: absorbs tessellation error. */
  bias: number;
}

/**
 * Draw a thick segment from (x0, y0) to (x1, y1) in pixel coordinates, with depths z0 and z1:
 * every pixel whose centre lies within width/2 of the segment. With a depth test, a pixel is
 * drawn only where the line is not behind the surface already there (hidden edges stay hidden).
 * Hard-edged on purpose: the renderer supersamples and the resolve anti-aliases.
 */
export function drawSegment(
  img: RgbImage,
  x0: number,
  y0: number,
  z0: number,
  x1: number,
  y1: number,
  z1: number,
  color: Rgb,
  width: number,
  test?: DepthTest,
): void {
  const r = width / 2;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const r2 = r * r;
  const data = img.data;
  const W = img.width;
  const H = img.height;
  const plot = (x: number, y: number): void => {
    const px = x + 0.5;
    const py = y + 0.5;
    // Parameter of the closest point on the segment, clamped to its ends (round caps).
    let t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = x0 + t * dx - px;
    const ey = y0 + t * dy - py;
    if (ex * ex + ey * ey > r2) return;
    const p = y * W + x;
    if (test && z0 + t * (z1 - z0) < test.depth[p]! - test.bias) return;
    data[3 * p] = color[0];
    data[3 * p + 1] = color[1];
    data[3 * p + 2] = color[2];
  };
  // Walk the major axis and test only a short run across it (the segment's bbox can be huge
  // for a diagonal line): |slope| ≤ 1, so the run is at most r·√2 either side of the line.
  const xMajor = Math.abs(dx) >= Math.abs(dy);
  const [a0, a1, b0, slope] = xMajor ? [x0, x1, y0, dx !== 0 ? dy / dx : 0] : [y0, y1, x0, dy !== 0 ? dx / dy : 0];
  const aLo = Math.max(0, Math.floor(Math.min(a0, a1) - r));
  const aHi = Math.min((xMajor ? W : H) - 1, Math.ceil(Math.max(a0, a1) + r));
  const span = r * Math.SQRT2 + 1;
  const bMax = (xMajor ? H : W) - 1;
  const aMin = Math.min(a0, a1);
  const aMax = Math.max(a0, a1);
  for (let a = aLo; a <= aHi; a++) {
    const ac = Math.min(aMax, Math.max(aMin, a + 0.5));
    const bc = b0 + (ac - a0) * slope;
    const bLo = Math.max(0, Math.floor(bc - span));
    const bHi = Math.min(bMax, Math.ceil(bc + span));
    for (let b = bLo; b <= bHi; b++) {
      if (xMajor) plot(a, b);
      else plot(b, a);
    }
  }
}

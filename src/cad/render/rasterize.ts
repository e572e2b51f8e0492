/**
 * The software renderer: z-buffered triangles with Gouraud-interpolated Lambert shading,
 * silhouettes found in image space, and B-rep feature edges drawn on top with a depth test.
 * Pure (no I/O), so it is unit-tested on hand-made meshes.
 */
import type { Camera } from "./camera.js";
import { createImage, downsample, type Rgb, type RgbImage } from "./image.js";
import { drawSegment } from "./lines.js";
import { cornerNormals, intensity } from "./shading.js";

/** One part to draw, in model coordinates. */
export interface SceneMesh {
  /** Flat [x, y, z, …]. */
  positions: ArrayLike<number>;
  /** Flat vertex indices, three per triangle. */
  triangles: ArrayLike<number>;
  /** B-rep face per triangle; omitted means one smooth face. */
  faces?: ArrayLike<number>;
  /** Per-corner normals (cornerNormals); computed when omitted. */
  normals?: Float32Array;
  /** Feature edges as flat [x, y, z, …] polylines. */
  edges?: readonly ArrayLike<number>[];
  /**
   * A watertight, consistently wound solid: triangles seen from behind are skipped (they are
   * always hidden), halving the fill work. Open or unknown meshes are drawn two-sided.
   */
  closed?: boolean;
  color: Rgb;
}

export interface RasterOptions {
  /** Render at this multiple of the size and box-filter down (anti-aliasing). Default 2. */
  supersample?: number;
  background?: Rgb;
  /** Colour of feature edges and silhouettes. */
  edgeColor?: Rgb;
  /** Feature-edge width in output pixels. Default 1.25. */
  edgeWidth?: number;
  /** Silhouette width in output pixels (0 turns silhouettes off). Default 1.5. */
  contourWidth?: number;
  /** Reuse this scratch memory (the frame then lives until its next use). */
  buffers?: FrameBuffers;
}

/** A rendered frame at supersampled resolution, before the resolve. */
export interface Frame {
  image: RgbImage;
  /** Per pixel, the nearest surface's depth (larger is nearer), −Infinity for background. */
  depth: Float32Array;
  /** Per pixel, 1 + index of the part seen there, 0 for background. */
  parts: Uint16Array;
  supersample: number;
  /** The camera scaled to the frame's resolution. */
  camera: Camera;
}

/**
 * Scratch memory a caller may keep between renders. Fresh multi-megabyte arrays are costly to
 * first touch (page faults: ~20 ms for 8 MB on a small VM, more than drawing the part), while
 * refilling reused ones takes well under a millisecond. A frame rendered into these buffers is
 * valid until the next render that uses them.
 */
export class FrameBuffers {
  private size = 0;
  color = new Uint8Array(0);
  depth = new Float32Array(0);
  parts = new Uint16Array(0);
  mark = new Uint8Array(0);

  /** Make room for `pixels` pixels (grow only). */
  ensure(pixels: number): void {
    if (pixels <= this.size) return;
    this.size = pixels;
    this.color = new Uint8Array(pixels * 3);
    this.depth = new Float32Array(pixels);
    this.parts = new Uint16Array(pixels);
    this.mark = new Uint8Array(pixels);
  }

  /**
   * Make room for `pixels` pixels and write every page now. Fresh arrays are zero pages the
   * kernel maps on first write: prefaulting them while a core is idle (FreeCAD replaying) takes
   * that cost off the first render.
   */
  prefault(pixels: number): void {
    this.ensure(pixels);
    this.color.fill(255);
    this.depth.fill(-Infinity);
    // Writing zeros over zero pages still faults them in: what counts is the write.
    this.parts.fill(0);
    this.mark.fill(0);
  }
}

export const BACKGROUND: Rgb = [255, 255, 255];
export const EDGE_COLOR: Rgb = [28, 32, 40];

/** Render meshes into a supersampled frame; `resolve` turns it into the final image. */
export function rasterize(meshes: readonly SceneMesh[], camera: Camera, opts: RasterOptions = {}): Frame {
  const ss = Math.max(1, Math.round(opts.supersample ?? 2));
  const cam: Camera = { ...camera, width: camera.width * ss, height: camera.height * ss, scale: camera.scale * ss };
  const pixels = cam.width * cam.height;
  const buffers = opts.buffers ?? new FrameBuffers();
  buffers.ensure(pixels);
  const image = createImage(
    cam.width,
    cam.height,
    opts.background ?? BACKGROUND,
    buffers.color.subarray(0, pixels * 3),
  );
  const depth = buffers.depth.subarray(0, pixels).fill(-Infinity);
  const parts = buffers.parts.subarray(0, pixels).fill(0);
  const mark = buffers.mark.subarray(0, pixels).fill(0);
  const projected = meshes.map((m) => project(m.positions, cam));
  meshes.forEach((m, k) => fillMesh(m, projected[k]!, k + 1, cam, image, depth, parts));
  const edgeColor = opts.edgeColor ?? EDGE_COLOR;
  const contourWidth = (opts.contourWidth ?? 1.5) * ss;
  if (contourWidth > 0) drawContours(image, depth, parts, mark, 1 / cam.scale, contourWidth, edgeColor);
  // Lines lying on a face sit within tessellation error of it; a few pixels' worth of depth
  // lets them through without letting edges behind a wall show.
  const test = { depth, bias: 4 / cam.scale };
  const width = (opts.edgeWidth ?? 1.25) * ss;
  for (const m of meshes) {
    for (const line of m.edges ?? []) {
      const p = project(line, cam);
      for (let i = 0; i + 5 < p.length; i += 3) {
        drawSegment(image, p[i]!, p[i + 1]!, p[i + 2]!, p[i + 3]!, p[i + 4]!, p[i + 5]!, edgeColor, width, test);
      }
    }
  }
  return { image, depth, parts, supersample: ss, camera: cam };
}

/** The final, anti-aliased image of a frame. */
export function resolve(frame: Frame): RgbImage {
  return downsample(frame.image, frame.supersample);
}

/** Flat [x, y, z, …] model points to flat [px, py, depth, …] for a camera. */
export function project(points: ArrayLike<number>, cam: Camera): Float32Array {
  const out = new Float32Array(points.length - (points.length % 3));
  const [rx, ry, rz] = cam.right;
  const [ux, uy, uz] = cam.up;
  const [tx, ty, tz] = cam.toward;
  const ox = cam.width / 2 - cam.cx * cam.scale;
  const oy = cam.height / 2 + cam.cy * cam.scale;
  for (let i = 0; i < out.length; i += 3) {
    const x = points[i]!;
    const y = points[i + 1]!;
    const z = points[i + 2]!;
    out[i] = ox + (x * rx + y * ry + z * rz) * cam.scale;
    out[i + 1] = oy - (x * ux + y * uy + z * uz) * cam.scale;
    out[i + 2] = x * tx + y * ty + z * tz;
  }
  return out;
}

function fillMesh(
  m: SceneMesh,
  p: Float32Array,
  partId: number,
  cam: Camera,
  image: RgbImage,
  depth: Float32Array,
  parts: Uint16Array,
): void {
  const tris = m.triangles;
  const faces = m.faces ?? new Uint32Array(tris.length / 3);
  const normals = m.normals ?? cornerNormals(m.positions, tris, faces);
  const [rx, ry, rz] = cam.right;
  const [ux, uy, uz] = cam.up;
  const [tx, ty, tz] = cam.toward;
  const light = new Float32Array(3);
  for (let t = 0; t + 2 < tris.length; t += 3) {
    const a = 3 * tris[t]!;
    const b = 3 * tris[t + 1]!;
    const c = 3 * tris[t + 2]!;
    // Screen-space signed area; its sign says whether the triangle faces the viewer. Both
    // sides are drawn (meshes of open shells or flipped faces must not vanish) but a back
    // side is lit with its normals turned towards the viewer.
    const area = (p[b]! - p[a]!) * (p[c + 1]! - p[a + 1]!) - (p[c]! - p[a]!) * (p[b + 1]! - p[a + 1]!);
    if (Math.abs(area) < 1e-9) continue; // edge-on: covers no pixel centre
    if (area > 0 && m.closed) continue;
    // Normals follow the winding (cornerNormals), and y grows downwards on screen, so a
    // triangle seen from its front has negative area here.
    const s = area > 0 ? -1 : 1;
    for (let k = 0; k < 3; k++) {
      const n = 3 * (t + k);
      const nx = s * normals[n]!;
      const ny = s * normals[n + 1]!;
      const nz = s * normals[n + 2]!;
      light[k] = intensity(nx * rx + ny * ry + nz * rz, nx * ux + ny * uy + nz * uz, nx * tx + ny * ty + nz * tz);
    }
    fillTriangle(p, a, b, c, light, m.color, partId, image, depth, parts);
  }
}

/** Whether an edge owns pixel centres lying exactly on it (top-left rule: no double cover). */
function topLeft(dx: number, dy: number): boolean {
  return dy < 0 || (dy === 0 && dx > 0);
}

function fillTriangle(
  p: Float32Array,
  a: number,
  b: number,
  c: number,
  light: Float32Array,
  color: Rgb,
  partId: number,
  image: RgbImage,
  depth: Float32Array,
  parts: Uint16Array,
): void {
  let x0 = p[a]!,
    y0 = p[a + 1]!,
    z0 = p[a + 2]!,
    i0 = light[0]!;
  let x1 = p[b]!,
    y1 = p[b + 1]!,
    z1 = p[b + 2]!,
    i1 = light[1]!;
  const x2 = p[c]!,
    y2 = p[c + 1]!,
    z2 = p[c + 2]!,
    i2 = light[2]!;
  let area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
  if (area < 0) {
    // One winding for the edge functions below.
    [x0, y0, z0, i0, x1, y1, z1, i1] = [x1, y1, z1, i1, x0, y0, z0, i0];
    area = -area;
  }
  const W = image.width;
  const H = image.height;
  const minX = Math.max(0, Math.floor(Math.min(x0, x1, x2)));
  const maxX = Math.min(W - 1, Math.ceil(Math.max(x0, x1, x2)));
  const minY = Math.max(0, Math.floor(Math.min(y0, y1, y2)));
  const maxY = Math.min(H - 1, Math.ceil(Math.max(y0, y1, y2)));
  if (minX > maxX || minY > maxY) return;
  // Edge functions: w0 weighs vertex 0 (edge 1→2), w1 vertex 1 (edge 2→0), w2 vertex 2 (0→1).
  const tl0 = topLeft(x2 - x1, y2 - y1);
  const tl1 = topLeft(x0 - x2, y0 - y2);
  const tl2 = topLeft(x1 - x0, y1 - y0);
  const inv = 1 / area;
  const data = image.data;
  const [cr, cg, cb] = color;
  // Along a row each edge function is linear in x: w = e + d·x. Solving w ≥ 0 for the three
  // edges gives the covered span directly, so long thin triangles do not scan their whole bbox.
  const d0 = -(y2 - y1);
  const d1 = -(y0 - y2);
  const d2 = -(y1 - y0);
  for (let y = minY; y <= maxY; y++) {
    const py = y + 0.5;
    const e0 = (x2 - x1) * (py - y1) + (y2 - y1) * x1;
    const e1 = (x0 - x2) * (py - y2) + (y0 - y2) * x2;
    const e2 = (x1 - x0) * (py - y0) + (y1 - y0) * x0;
    let lo = minX;
    let hi = maxX;
    // w_i(px) = e_i + d_i·px with px = x + 0.5; ±1 slack keeps the exact test below in charge.
    if (d0 > 0) lo = Math.max(lo, Math.floor(-e0 / d0 - 0.5) - 1);
    else if (d0 < 0) hi = Math.min(hi, Math.ceil(-e0 / d0 - 0.5) + 1);
    if (d1 > 0) lo = Math.max(lo, Math.floor(-e1 / d1 - 0.5) - 1);
    else if (d1 < 0) hi = Math.min(hi, Math.ceil(-e1 / d1 - 0.5) + 1);
    if (d2 > 0) lo = Math.max(lo, Math.floor(-e2 / d2 - 0.5) - 1);
    else if (d2 < 0) hi = Math.min(hi, Math.ceil(-e2 / d2 - 0.5) + 1);
    const row = y * W;
    for (let x = lo; x <= hi; x++) {
      const px = x + 0.5;
      const w0 = e0 + d0 * px;
      const w1 = e1 + d1 * px;
      const w2 = e2 + d2 * px;
      if (w0 < 0 || w1 < 0 || w2 < 0) continue;
      if ((w0 === 0 && !tl0) || (w1 === 0 && !tl1) || (w2 === 0 && !tl2)) continue;
      const z = (w0 * z0 + w1 * z1 + w2 * z2) * inv;
      const idx = row + x;
      if (z <= depth[idx]!) continue;
      depth[idx] = z;
      parts[idx] = partId;
      const l = (w0 * i0 + w1 * i1 + w2 * i2) * inv;
      const o = 3 * idx;
      data[o] = cr * l > 255 ? 255 : cr * l;
      data[o + 1] = cg * l > 255 ? 255 : cg * l;
      data[o + 2] = cb * l > 255 ? 255 : cb * l;
    }
  }
}

/**
 * Silhouettes: where a part meets the background or another part, or where the depth jumps
 * (a surface in front of another, a cylinder's outline against the face behind it). These are
 * the outlines a B-rep edge list does not contain. The nearer pixel of each pair is marked, then
 * widened to `width`.
 */
function drawContours(
  image: RgbImage,
  depth: Float32Array,
  parts: Uint16Array,
  mark: Uint8Array,
  pixelSize: number,
  width: number,
  color: Rgb,
): void {
  const W = image.width;
  const H = image.height;
  // A plane at 80° to the screen changes depth by ~6 pixels' worth per pixel; jumps above
  // this are occlusions, not slopes.
  const jump = 8 * pixelSize;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      const p = row + x;
      const pp = parts[p]!;
      const zp = depth[p]!;
      // Right neighbour, then the one below; background pairs are skipped cheaply.
      if (x + 1 < W) {
        const pq = parts[p + 1]!;
        if ((pp | pq) !== 0) {
          const zq = depth[p + 1]!;
          if (pp !== pq || Math.abs(zp - zq) > jump) mark[zp >= zq ? p : p + 1] = 1;
        }
      }
      if (y + 1 < H) {
        const pq = parts[p + W]!;
        if ((pp | pq) !== 0) {
          const zq = depth[p + W]!;
          if (pp !== pq || Math.abs(zp - zq) > jump) mark[zp >= zq ? p : p + W] = 1;
        }
      }
    }
  }
  const r = Math.max(0, (width - 1) / 2);
  const lo = Math.floor(r);
  const hi = Math.ceil(r);
  const data = image.data;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!mark[y * W + x]) continue;
      for (let yy = Math.max(0, y - lo); yy <= Math.min(H - 1, y + hi); yy++) {
        for (let xx = Math.max(0, x - lo); xx <= Math.min(W - 1, x + hi); xx++) {
          const o = 3 * (yy * W + xx);
          data[o] = color[0];
          data[o + 1] = color[1];
          data[o + 2] = color[2];
        }
      }
    }
  }
}

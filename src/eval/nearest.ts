import { meshBox, type Mesh } from "./stl.js";

/**
 * Exact point-to-surface distance to a triangle mesh, accelerated by a uniform grid of
 * triangle buckets searched in growing rings, so thousands of queries take milliseconds.
 */
export class SurfaceIndex {
  private readonly t: Float64Array;
  private readonly lo: [number, number, number];
  private readonly dims: [number, number, number];
  private readonly cell: number;
  private readonly buckets: Map<number, number[]> = new Map();
  private readonly stamp: Uint32Array;
  private query = 0;

  constructor(mesh: Mesh) {
    this.t = mesh.triangles;
    const count = this.t.length / 9;
    if (!count) throw new Error("the mesh has no triangles");
    const box = meshBox(mesh);
    const size = [0, 1, 2].map((a) => box.max[a]! - box.min[a]!);
    const diag = Math.hypot(...size) || 1;
    // About two cells per triangle, never thinner than a thousandth of the part.
    const cell = Math.max(
      diag / 1000,
      Math.cbrt(((size[0]! || diag / 100) * (size[1]! || diag / 100) * (size[2]! || diag / 100)) / (2 * count)),
    );
    this.cell = cell;
    this.lo = [box.min[0], box.min[1], box.min[2]];
    this.dims = [0, 1, 2].map((a) => Math.max(1, Math.ceil(size[a]! / cell))) as [number, number, number];
    this.stamp = new Uint32Array(count);
    const t = this.t;
    for (let i = 0; i < count; i++) {
      const r: number[][] = [0, 1, 2].map((a) => {
        const v = [t[i * 9 + a]!, t[i * 9 + 3 + a]!, t[i * 9 + 6 + a]!];
        return [this.idx(Math.min(...v), a), this.idx(Math.max(...v), a)];
      });
      for (let x = r[0]![0]!; x <= r[0]![1]!; x++)
        for (let y = r[1]![0]!; y <= r[1]![1]!; y++)
          for (let z = r[2]![0]!; z <= r[2]![1]!; z++) {
            const k = this.key(x, y, z);
            const b = this.buckets.get(k);
            if (b) b.push(i);
            else this.buckets.set(k, [i]);
          }
    }
  }

  private idx(v: number, a: number): number {
    return Math.min(this.dims[a]! - 1, Math.max(0, Math.floor((v - this.lo[a]!) / this.cell)));
  }

  private key(x: number, y: number, z: number): number {
    return (x * this.dims[1] + y) * this.dims[2] + z;
  }

  /** Distance from (px, py, pz) to the nearest point of the surface. */
  distance(px: number, py: number, pz: number): number {
    const c = [this.idx(px, 0), this.idx(py, 1), this.idx(pz, 2)] as const;
    const stamp = ++this.query;
    let best = Infinity;
    const maxR = Math.max(...this.dims);
    for (let r = 0; r <= maxR; r++) {
      for (let x = Math.max(0, c[0] - r); x <= Math.min(this.dims[0] - 1, c[0] + r); x++)
        for (let y = Math.max(0, c[1] - r); y <= Math.min(this.dims[1] - 1, c[1] + r); y++)
          for (let z = Math.max(0, c[2] - r); z <= Math.min(this.dims[2] - 1, c[2] + r); z++) {
            if (Math.max(Math.abs(x - c[0]), Math.abs(y - c[1]), Math.abs(z - c[2])) !== r) continue;
            const b = this.buckets.get(this.key(x, y, z));
            if (!b) continue;
            for (const i of b) {
              if (this.stamp[i] === stamp) continue;
              this.stamp[i] = stamp;
              const d = pointTriangleDistSq(px, py, pz, this.t, i * 9);
              if (d < best) best = d;
            }
          }
      // Projecting the point into the grid box only shortens distances to cells inside it, so
      // every cell beyond ring r is at least r·cell away from the point.
      const reach = r * this.cell;
      if (best <= reach * reach) break;
    }
    return Math.sqrt(best);
  }
}

/** Squared distance from p to triangle t[i..i+9] (closest point by Voronoi regions, Ericson §5.1.5). */
export function pointTriangleDistSq(px: number, py: number, pz: number, t: Float64Array, i: number): number {
  const ax = t[i]!,
    ay = t[i + 1]!,
    az = t[i + 2]!;
  const abx = t[i + 3]! - ax,
    aby = t[i + 4]! - ay,
    abz = t[i + 5]! - az;
  const acx = t[i + 6]! - ax,
    acy = t[i + 7]! - ay,
    acz = t[i + 8]! - az;
  const apx = px - ax,
    apy = py - ay,
    apz = pz - az;
  const d1 = abx * apx + aby * apy + abz * apz,
    d2 = acx * apx + acy * apy + acz * apz;
  const sq = (x: number, y: number, z: number): number => x * x + y * y + z * z;
  if (d1 <= 0 && d2 <= 0) return sq(apx, apy, apz);
  const bpx = px - t[i + 3]!,
    bpy = py - t[i + 4]!,
    bpz = pz - t[i + 5]!;
  const d3 = abx * bpx + aby * bpy + abz * bpz,
    d4 = acx * bpx + acy * bpy + acz * bpz;
  if (d3 >= 0 && d4 <= d3) return sq(bpx, bpy, bpz);
  const vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    const v = d1 / (d1 - d3);
    return sq(apx - v * abx, apy - v * aby, apz - v * abz);
  }
  const cpx = px - t[i + 6]!,
    cpy = py - t[i + 7]!,
    cpz = pz - t[i + 8]!;
  const d5 = abx * cpx + aby * cpy + abz * cpz,
    d6 = acx * cpx + acy * cpy + acz * cpz;
  if (d6 >= 0 && d5 <= d6) return sq(cpx, cpy, cpz);
  const vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) {
    const w = d2 / (d2 - d6);
    return sq(apx - w * acx, apy - w * acy, apz - w * acz);
  }
  const va = d3 * d6 - d5 * d4;
  if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
    const w = (d4 - d3) / (d4 - d3 + (d5 - d6));
    return sq(bpx - w * (acx - abx), bpy - w * (acy - aby), bpz - w * (acz - abz));
  }
  const denom = 1 / (va + vb + vc);
  const v = vb * denom,
    w = vc * denom;
  return sq(apx - abx * v - acx * w, apy - aby * v - acy * w, apz - abz * v - acz * w);
}

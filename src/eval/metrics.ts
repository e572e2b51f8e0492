import { SurfaceIndex } from "./nearest.js";
import { sampleSurface } from "./sample.js";
import { meshBox, translateMesh, type Box3, type Mesh } from "./stl.js";

/** Geometric error of a candidate part against a reference. Placement is ignored throughout: sizes and centre-aligned surfaces are compared. */

export interface ChamferResult {
  /** Symmetric Chamfer distance: the mean of the two directed mean point-to-surface distances, mm. */
  mean: number;
  /** Median of both directions' distances pooled, mm. */
  median: number;
  /** Largest distance either way (symmetric Hausdorff of the samples), mm. */
  max: number;
  samples: number;
}

export interface ChamferOptions {
  /** Points sampled on each surface (default 5000). */
  samples?: number;
  seed?: number;
  /** Translate the candidate so both bounding-box centres coincide (default true). */
  align?: boolean;
}

export function boxCenter(b: Box3): [number, number, number] {
  return [0, 1, 2].map((a) => (b.min[a]! + b.max[a]!) / 2) as [number, number, number];
}

export function boxSize(b: Box3): [number, number, number] {
  return [0, 1, 2].map((a) => b.max[a]! - b.min[a]!) as [number, number, number];
}

/** Chamfer distance between the surfaces of `candidate` and `reference`: points sampled on each, exact distance to the other's triangles. */
export function chamferDistance(candidate: Mesh, reference: Mesh, o: ChamferOptions = {}): ChamferResult {
  const n = o.samples ?? 5000;
  const seed = o.seed ?? 1;
  let cand = candidate;
  if (o.align !== false) {
    const cc = boxCenter(meshBox(candidate));
    const rc = boxCenter(meshBox(reference));
    cand = translateMesh(candidate, [rc[0] - cc[0], rc[1] - cc[1], rc[2] - cc[2]]);
  }
  const directed = (from: Mesh, to: Mesh, s: number): Float64Array => {
    const pts = sampleSurface(from, n, s);
    const index = new SurfaceIndex(to);
    const d = new Float64Array(n);
    for (let k = 0; k < n; k++) d[k] = index.distance(pts[k * 3]!, pts[k * 3 + 1]!, pts[k * 3 + 2]!);
    return d;
  };
  const ab = directed(cand, reference, seed);
  const ba = directed(reference, cand, seed + 1);
  const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
  const all = Float64Array.from([...ab, ...ba]).sort();
  const m = all.length >> 1;
  const median = all.length % 2 ? all[m]! : (all[m - 1]! + all[m]!) / 2;
  return { mean: (mean(ab) + mean(ba)) / 2, median, max: all[all.length - 1]!, samples: n };
}

/** Per-axis |size error| in mm (placement ignored). */
export function bboxError(candidate: Box3, reference: Box3): [number, number, number] {
  const c = boxSize(candidate);
  const r = boxSize(reference);
  return [0, 1, 2].map((a) => Math.abs(c[a]! - r[a]!)) as [number, number, number];
}

/** Signed volume error in percent of the reference. */
export function volumeErrorPct(candidate: number, reference: number): number {
  return ((candidate - reference) / reference) * 100;
}

/** The smallest box holding all boxes. */
export function unionBox(boxes: readonly Box3[]): Box3 | null {
  if (!boxes.length) return null;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const b of boxes)
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a]!, b.min[a]!);
      max[a] = Math.max(max[a]!, b.max[a]!);
    }
  return { min, max };
}

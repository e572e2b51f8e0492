import { triangleArea, type Mesh } from "./stl.js";

/** mulberry32: a tiny seeded PRNG, so the same meshes always give the same metrics. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` points uniformly distributed over the surface (area-weighted triangle choice, uniform barycentric point): xyz triples. */
export function sampleSurface(m: Mesh, n: number, seed = 1): Float64Array {
  const t = m.triangles;
  const count = t.length / 9;
  const cum = new Float64Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) cum[i] = total += triangleArea(t, i * 9);
  if (!(total > 0)) throw new Error("the mesh has no surface area");
  const rnd = seededRandom(seed);
  const out = new Float64Array(n * 3);
  for (let k = 0; k < n; k++) {
    const target = rnd() * total;
    let lo = 0,
      hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    // sqrt keeps the density uniform across the triangle.
    const r1 = Math.sqrt(rnd()),
      r2 = rnd();
    const a = 1 - r1,
      b = r1 * (1 - r2),
      c = r1 * r2;
    const i = lo * 9;
    for (let j = 0; j < 3; j++) out[k * 3 + j] = a * t[i + j]! + b * t[i + 3 + j]! + c * t[i + 6 + j]!;
  }
  return out;
}

import { readFileSync } from "node:fs";

/** A triangle soup: 9 floats per triangle (three xyz vertices), in mm. */
export interface Mesh {
  triangles: Float64Array;
}

export interface Box3 {
  min: [number, number, number];
  max: [number, number, number];
}

/** Parse binary or ASCII STL. Binary is recognised by its exact size (84 + 50·n bytes), because some binary files also start with "solid". */
export function parseStl(buf: Buffer): Mesh {
  if (buf.length >= 84) {
    const n = buf.readUInt32LE(80);
    if (buf.length === 84 + 50 * n) {
      const t = new Float64Array(n * 9);
      for (let i = 0; i < n; i++) {
        const base = 84 + i * 50 + 12;
        for (let j = 0; j < 9; j++) t[i * 9 + j] = buf.readFloatLE(base + j * 4);
      }
      return { triangles: t };
    }
  }
  const text = buf.toString("latin1");
  if (!/^\s*solid/.test(text)) throw new Error("not an STL file (neither binary nor ASCII)");
  const nums: number[] = [];
  const re = /vertex\s+(\S+)\s+(\S+)\s+(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) nums.push(Number(m[1]), Number(m[2]), Number(m[3]));
  if (nums.length % 9 !== 0 || nums.some((v) => !Number.isFinite(v))) throw new Error("malformed ASCII STL");
  return { triangles: Float64Array.from(nums) };
}

export function readStl(file: string): Mesh {
  try {
    return parseStl(readFileSync(file));
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Enclosed volume by the divergence theorem: the sum of signed tetrahedra (origin, triangle). Needs a closed, consistently oriented mesh. */
export function meshVolume(m: Mesh): number {
  const t = m.triangles;
  let v = 0;
  for (let i = 0; i < t.length; i += 9) {
    const [ax, ay, az, bx, by, bz, cx, cy, cz] = [
      t[i]!,
      t[i + 1]!,
      t[i + 2]!,
      t[i + 3]!,
      t[i + 4]!,
      t[i + 5]!,
      t[i + 6]!,
      t[i + 7]!,
      t[i + 8]!,
    ];
    v += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
  }
  return v / 6;
}

export function triangleArea(t: Float64Array, i: number): number {
  const ux = t[i + 3]! - t[i]!,
    uy = t[i + 4]! - t[i + 1]!,
    uz = t[i + 5]! - t[i + 2]!;
  const vx = t[i + 6]! - t[i]!,
    vy = t[i + 7]! - t[i + 1]!,
    vz = t[i + 8]! - t[i + 2]!;
  const cx = uy * vz - uz * vy,
    cy = uz * vx - ux * vz,
    cz = ux * vy - uy * vx;
  return Math.sqrt(cx * cx + cy * cy + cz * cz) / 2;
}

export function meshArea(m: Mesh): number {
  let a = 0;
  for (let i = 0; i < m.triangles.length; i += 9) a += triangleArea(m.triangles, i);
  return a;
}

export function meshBox(m: Mesh): Box3 {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const t = m.triangles;
  for (let i = 0; i < t.length; i++) {
    const a = i % 3;
    if (t[i]! < min[a]!) min[a] = t[i]!;
    if (t[i]! > max[a]!) max[a] = t[i]!;
  }
  return { min, max };
}

/** A copy moved by `d`. */
export function translateMesh(m: Mesh, d: readonly [number, number, number]): Mesh {
  const t = Float64Array.from(m.triangles);
  for (let i = 0; i < t.length; i++) t[i]! += d[i % 3]!;
  return { triangles: t };
}

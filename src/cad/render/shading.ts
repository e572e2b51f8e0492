/** Normals and the fixed lighting rig: what makes faces at different angles read apart. */

/**
 * Per-corner unit normals (3 floats per triangle corner), smoothed over the triangles of the
 * same B-rep face that share a vertex. Curved faces then shade smoothly, while the crease
 * between two faces stays sharp because corners of different faces never mix.
 */
export function cornerNormals(
  positions: ArrayLike<number>,
  triangles: ArrayLike<number>,
  faces: ArrayLike<number>,
): Float32Array {
  const triCount = triangles.length / 3;
  const slotOf = new Map<number, number>();
  // At most one slot per corner; usually about one per vertex.
  const slots = new Float64Array(triangles.length * 3);
  let used = 0;
  const cornerSlot = new Uint32Array(triangles.length);
  let maxFace = 0;
  for (let t = 0; t < triCount; t++) maxFace = Math.max(maxFace, faces[t]!);
  const stride = maxFace + 1;
  for (let t = 0; t < triCount; t++) {
    const a = triangles[3 * t]!;
    const b = triangles[3 * t + 1]!;
    const c = triangles[3 * t + 2]!;
    const ax = positions[3 * a]!;
    const ay = positions[3 * a + 1]!;
    const az = positions[3 * a + 2]!;
    const ux = positions[3 * b]! - ax;
    const uy = positions[3 * b + 1]! - ay;
    const uz = positions[3 * b + 2]! - az;
    const vx = positions[3 * c]! - ax;
    const vy = positions[3 * c + 1]! - ay;
    const vz = positions[3 * c + 2]! - az;
    // Unnormalised cross product: larger triangles weigh more, as they should.
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    const face = faces[t]!;
    for (let k = 0; k < 3; k++) {
      const key = triangles[3 * t + k]! * stride + face;
      let slot = slotOf.get(key);
      if (slot === undefined) {
        slot = used++;
        slotOf.set(key, slot);
      }
      slots[3 * slot] = slots[3 * slot]! + nx;
      slots[3 * slot + 1] = slots[3 * slot + 1]! + ny;
      slots[3 * slot + 2] = slots[3 * slot + 2]! + nz;
      cornerSlot[3 * t + k] = slot;
    }
  }
  const out = new Float32Array(triangles.length * 3);
  for (let i = 0; i < cornerSlot.length; i++) {
    const s = cornerSlot[i]!;
    const x = slots[3 * s]!;
    const y = slots[3 * s + 1]!;
    const z = slots[3 * s + 2]!;
    const n = Math.hypot(x, y, z) || 1;
    out[3 * i] = x / n;
    out[3 * i + 1] = y / n;
    out[3 * i + 2] = z / n;
  }
  return out;
}

/*
 * Lights live in view space (x right, y up, z towards the viewer), so every view is lit the
 * same way: a key light from the upper left, a weak fill from the lower right, and ambient.
 * Chosen so the three visible faces of a box in the iso view get clearly different shades
 * (top 0.90, front 0.71, right 0.53), a face seen straight on gets 0.87, and nothing goes black.
 */
const KEY = norm(-0.6, 0.55, 0.58);
const FILL = norm(0.5, -0.1, 0.86);
const AMBIENT = 0.35;
const KEY_WEIGHT = 0.6;
const FILL_WEIGHT = 0.2;

function norm(x: number, y: number, z: number): [number, number, number] {
  const n = Math.hypot(x, y, z);
  return [x / n, y / n, z / n];
}

/** Brightness in 0..~1.1 for a view-space unit normal that faces the viewer (z ≥ 0). */
export function intensity(nx: number, ny: number, nz: number): number {
  const k = nx * KEY[0] + ny * KEY[1] + nz * KEY[2];
  const f = nx * FILL[0] + ny * FILL[1] + nz * FILL[2];
  return AMBIENT + KEY_WEIGHT * (k > 0 ? k : 0) + FILL_WEIGHT * (f > 0 ? f : 0);
}

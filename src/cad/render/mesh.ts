/** What the worker's `tessellate` op returns, as typed arrays the rasterizer reads directly. */

export interface Bbox {
  min: [number, number, number];
  max: [number, number, number];
}

/** One object's triangles and feature edges, in model coordinates (mm). */
export interface PartMesh {
  name: string;
  /** Flat [x, y, z, …]. */
  positions: Float32Array;
  /** Flat vertex indices, three per triangle. */
  triangles: Uint32Array;
  /** The B-rep face each triangle belongs to (normals are smoothed within a face only). */
  faces: Uint32Array;
  /** Feature edges as flat [x, y, z, …] polylines. */
  edges: Float32Array[];
  /** A watertight solid: its back faces can never be seen. */
  closed: boolean;
}

export interface Tessellation {
  tolerance: number;
  bbox: Bbox;
  parts: PartMesh[];
}

function numbers(v: unknown, what: string): number[] {
  const bad = (): Error => new Error(`tessellate: ${what} is not a list of numbers`);
  if (!Array.isArray(v)) throw bad();
  const list: readonly unknown[] = v;
  // A plain loop, not every(): this runs cold, once per preview, over every edge point.
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== "number") throw bad();
  return list as number[];
}

/**
 * A packed array: base64 of little-endian 32-bit words, as the worker sends vertices, triangles
 * and faces (worker ops_render.py), several times cheaper to write and parse than JSON numbers.
 */
function packed<T extends Float32Array | Uint32Array>(v: unknown, what: string, make: (buffer: ArrayBuffer) => T): T {
  if (typeof v !== "string") throw new Error(`tessellate: ${what} is not a packed array`);
  const bytes = Buffer.from(v, "base64");
  if (bytes.length % 4 !== 0) throw new Error(`tessellate: ${what} is not a whole number of 32-bit words`);
  // A copy into a fresh buffer: aligned for the typed array, and little-endian as sent (every
  // platform Node runs on is little-endian).
  const words = new ArrayBuffer(bytes.length);
  new Uint8Array(words).set(bytes);
  return make(words);
}

function vec3(v: unknown, what: string): [number, number, number] {
  const n = numbers(v, what);
  if (n.length !== 3) throw new Error(`tessellate: ${what} is not [x, y, z]`);
  return [n[0]!, n[1]!, n[2]!];
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`tessellate: ${what} is not an object`);
  return v as Record<string, unknown>;
}

/**
 * Check and convert a `tessellate` reply. The worker is ours, but a malformed reply must fail
 * here with a clear message rather than as an out-of-range read deep in the rasterizer.
 */
export function parseTessellation(result: Record<string, unknown>): Tessellation {
  const bbox = record(result.bbox, "bbox");
  const objects = result.objects;
  if (!Array.isArray(objects)) throw new Error("tessellate: objects is not a list");
  const parts = objects.map((o: unknown, k): PartMesh => {
    const obj = record(o, `objects[${k}]`);
    const name = typeof obj.name === "string" ? obj.name : `object${k}`;
    const positions = packed(obj.vertices, `${name}.vertices`, (b) => new Float32Array(b));
    const triangles = packed(obj.triangles, `${name}.triangles`, (b) => new Uint32Array(b));
    const faces = packed(obj.faces, `${name}.faces`, (b) => new Uint32Array(b));
    const vertexCount = positions.length / 3;
    if (positions.length % 3 !== 0 || triangles.length % 3 !== 0 || faces.length !== triangles.length / 3) {
      throw new Error(`tessellate: ${name} has inconsistent array lengths`);
    }
    let top = 0;
    for (let i = 0; i < triangles.length; i++) if (triangles[i]! > top) top = triangles[i]!;
    if (triangles.length && top >= vertexCount)
      throw new Error(`tessellate: ${name} has a triangle index out of range`);
    const edgeList = obj.edges;
    if (!Array.isArray(edgeList)) throw new Error(`tessellate: ${name}.edges is not a list`);
    const edges = edgeList.map((e: unknown, j) => Float32Array.from(numbers(e, `${name}.edges[${j}]`)));
    return { name, positions, triangles, faces, edges, closed: obj.closed === true };
  });
  return {
    tolerance: typeof result.tolerance === "number" ? result.tolerance : 0,
    bbox: { min: vec3(bbox.min, "bbox.min"), max: vec3(bbox.max, "bbox.max") },
    parts,
  };
}

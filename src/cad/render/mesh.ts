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
  if (!Array.isArray(v) || !v.every((x): x is number => typeof x === "number")) {
    throw new Error(`tessellate: ${what} is not a list of numbers`);
  }
  return v;
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
    const positions = Float32Array.from(numbers(obj.vertices, `${name}.vertices`));
    const triangles = Uint32Array.from(numbers(obj.triangles, `${name}.triangles`));
    const faces = Uint32Array.from(numbers(obj.faces, `${name}.faces`));
    const vertexCount = positions.length / 3;
    if (positions.length % 3 !== 0 || triangles.length % 3 !== 0 || faces.length !== triangles.length / 3) {
      throw new Error(`tessellate: ${name} has inconsistent array lengths`);
    }
    for (const i of triangles)
      if (i >= vertexCount) throw new Error(`tessellate: ${name} has a triangle index out of range`);
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

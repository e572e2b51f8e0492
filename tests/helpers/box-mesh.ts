import type { Mesh } from "../../src/eval/stl.js";

/** An axis-aligned box [x0,x0+sx]×[y0,y0+sy]×[z0,z0+sz] as 12 outward-wound triangles. */
export function boxMesh(sx: number, sy: number, sz: number, at: [number, number, number] = [0, 0, 0]): Mesh {
  const v = (i: number): number[] => [at[0] + (i & 1 ? sx : 0), at[1] + (i & 2 ? sy : 0), at[2] + (i & 4 ? sz : 0)];
  // Each face as a quad of corner indices, counter-clockwise seen from outside.
  const quads = [
    [0, 2, 3, 1],
    [4, 5, 7, 6], // z = 0, z = sz
    [0, 1, 5, 4],
    [2, 6, 7, 3], // y = 0, y = sy
    [0, 4, 6, 2],
    [1, 3, 7, 5], // x = 0, x = sx
  ];
  const t: number[] = [];
  for (const [a, b, c, d] of quads) t.push(...v(a!), ...v(b!), ...v(c!), ...v(a!), ...v(c!), ...v(d!));
  return { triangles: Float64Array.from(t) };
}

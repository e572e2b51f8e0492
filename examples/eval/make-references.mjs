#!/usr/bin/env node
// Writes the reference STLs of the eval suite from exact vertices (no CAD kernel involved):
// a polygon extruded into a prism, caps fanned from vertex 0 (valid for the convex hexagon and
// for the L, whose fan from its outer corner stays inside). Run: node examples/eval/make-references.mjs
import { writeFileSync } from "node:fs";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);

/** Triangles of the prism over `poly` (counter-clockwise [u, v] points), `h` along w, mapped by `map(u, v, w) → [x, y, z]`. */
function prism(poly, h, map) {
  const tris = [];
  const n = poly.length;
  for (let i = 1; i + 1 < n; i++) {
    tris.push([map(...poly[0], 0), map(...poly[i + 1], 0), map(...poly[i], 0)]); // bottom, facing −w
    tris.push([map(...poly[0], h), map(...poly[i], h), map(...poly[i + 1], h)]); // top, facing +w
  }
  for (let i = 0; i < n; i++) {
    const a = poly[i], b = poly[(i + 1) % n];
    tris.push([map(...a, 0), map(...b, 0), map(...b, h)], [map(...a, 0), map(...b, h), map(...a, h)]);
  }
  // A mirroring map turns the winding inside out: flip so the normals point outwards.
  const vol = tris.reduce((s, [p, q, r]) => s + (p[0] * (q[1] * r[2] - q[2] * r[1]) - p[1] * (q[0] * r[2] - q[2] * r[0]) + p[2] * (q[0] * r[1] - q[1] * r[0])) / 6, 0);
  return vol < 0 ? tris.map(([p, q, r]) => [p, r, q]) : tris;
}

function normal([p, q, r]) {
  const u = q.map((v, i) => v - p[i]), w = r.map((v, i) => v - p[i]);
  const c = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
  const l = Math.hypot(...c) || 1;
  return c.map((v) => v / l);
}

function ascii(name, tris) {
  const f = (v) => v.map((x) => x.toExponential(9)).join(" ");
  return `solid ${name}\n${tris.map((t) => `  facet normal ${f(normal(t))}\n    outer loop\n${t.map((p) => `      vertex ${f(p)}\n`).join("")}    endloop\n  endfacet\n`).join("")}endsolid ${name}\n`;
}

function binary(tris) {
  const buf = Buffer.alloc(84 + 50 * tris.length);
  buf.write("cadagent eval reference", 0, "ascii");
  buf.writeUInt32LE(tris.length, 80);
  tris.forEach((t, i) => {
    [normal(t), ...t].flat().forEach((v, j) => buf.writeFloatLE(v, 84 + i * 50 + j * 4));
  });
  return buf;
}

// Hexagon 20 mm across flats, corners on the x axis, 10 mm tall: binary STL.
const R = 20 / Math.sqrt(3);
const hex = Array.from({ length: 6 }, (_, k) => [R * Math.cos((k * Math.PI) / 3), R * Math.sin((k * Math.PI) / 3)]);
writeFileSync(path.join(here, "hex-prism", "reference.stl"), binary(prism(hex, 10, (u, v, w) => [u, v, w])));

// L profile in the XZ plane (outer corner at the origin), 40 mm along y: ASCII STL.
const L = [[0, 0], [50, 0], [50, 5], [5, 5], [5, 50], [0, 50]];
writeFileSync(path.join(here, "l-bracket", "reference.stl"), ascii("l_bracket", prism(L, 40, (u, v, w) => [u, w, v])));

import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";
import { readZip } from "../../helpers/zip.js";

/**
 * 3MF export and mass in measure, on real FreeCAD. The 3MF is re-read here with an independent
 * ZIP and XML reading: the package parts exist, units are millimetres, there is one object per
 * part, the triangle count equals the one the export reported, every mesh is closed (each edge
 * shared by exactly two triangles) and its signed volume matches the solid's.
 */

let h: CadHarness;
beforeAll(async () => {
  h = await startCad();
});
afterAll(async () => {
  await h.close();
});

interface Mesh {
  name: string;
  vertices: number[][];
  triangles: number[][];
}

function parseModel(xml: string): { unit: string; meshes: Mesh[]; items: number } {
  const unit = /<model[^>]*\bunit="([^"]+)"/.exec(xml)?.[1] ?? "";
  const meshes: Mesh[] = [];
  for (const m of xml.matchAll(/<object id="(\d+)"[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/object>/g)) {
    const body = m[3] ?? "";
    const vertices = [...body.matchAll(/<vertex x="([^"]+)" y="([^"]+)" z="([^"]+)"\/>/g)].map((v) =>
      [v[1], v[2], v[3]].map(Number),
    );
    const triangles = [...body.matchAll(/<triangle v1="(\d+)" v2="(\d+)" v3="(\d+)"\/>/g)].map((t) =>
      [t[1], t[2], t[3]].map(Number),
    );
    meshes.push({ name: m[2] ?? "", vertices, triangles });
  }
  return { unit, meshes, items: [...xml.matchAll(/<item objectid="\d+"/g)].length };
}

function signedVolume(m: Mesh): number {
  let v = 0;
  for (const [a, b, c] of m.triangles) {
    const [p, q, r] = [m.vertices[a ?? 0], m.vertices[b ?? 0], m.vertices[c ?? 0]] as number[][];
    const [px, py, pz] = p as number[];
    const [qx, qy, qz] = q as number[];
    const [rx, ry, rz] = r as number[];
    v +=
      ((px ?? 0) * ((qy ?? 0) * (rz ?? 0) - (qz ?? 0) * (ry ?? 0)) -
        (py ?? 0) * ((qx ?? 0) * (rz ?? 0) - (qz ?? 0) * (rx ?? 0)) +
        (pz ?? 0) * ((qx ?? 0) * (ry ?? 0) - (qy ?? 0) * (rx ?? 0))) /
      6;
  }
  return v;
}

function closed(m: Mesh): boolean {
  const edges = new Map<string, number>();
  for (const t of m.triangles)
    for (let i = 0; i < 3; i++) {
      const a = t[i] ?? 0;
      const b = t[(i + 1) % 3] ?? 0;
      const k = a < b ? `${a},${b}` : `${b},${a}`;
      edges.set(k, (edges.get(k) ?? 0) + 1);
    }
  return [...edges.values()].every((n) => n === 2);
}

describe("export 3mf", () => {
  it("two parts re-read as two closed meshes in mm with the reported triangle count", async () => {
    await h.tool("create_box", { name: "block", length: 20, width: 10, height: 5 });
    await h.tool("create_cylinder", { name: "rod", radius: 3, height: 12, position: [40, 0, 0] });
    const r = await h.tool("export", { format: "3mf", filename: "parts.3mf" });
    expect(r.path).toBe("parts.3mf");
    const zip = readZip(readFileSync(path.join(h.outDir, "parts.3mf")));
    expect([...zip.keys()].sort()).toEqual(["3D/3dmodel.model", "[Content_Types].xml", "_rels/.rels"]);
    expect(zip.get("_rels/.rels")?.toString()).toContain('Target="/3D/3dmodel.model"');
    const model = parseModel(zip.get("3D/3dmodel.model")?.toString() ?? "");
    expect(model.unit).toBe("millimeter");
    expect(model.meshes.map((m) => m.name)).toEqual(["block", "rod"]);
    expect(model.items).toBe(2);
    const count = model.meshes.reduce((n, m) => n + m.triangles.length, 0);
    expect(count).toBe(r.triangles);
    expect(model.meshes[0]?.triangles).toHaveLength(12); // a box: two triangles per face
    for (const m of model.meshes) expect(closed(m), m.name).toBe(true);
    expect(near(signedVolume(model.meshes[0] as Mesh), 1000, 1e-9)).toBe(true);
    // A cylinder's mesh is inscribed: slightly under π·3²·12, within the chord tolerance.
    const rod = signedVolume(model.meshes[1] as Mesh);
    expect(rod).toBeLessThan(Math.PI * 9 * 12);
    expect(rod).toBeGreaterThan(Math.PI * 9 * 12 * 0.995);
  });
});

describe("measure with a material", () => {
  it("mass_g = volume × density, from a material name or a density", async () => {
    await h.tool("create_box", { name: "slab", length: 100, width: 50, height: 10 });
    const steel = await h.tool("measure", { object: "slab", material: "steel" });
    expect(steel.mass_g).toBeCloseTo(50_000 * 7.85e-3, 9);
    expect(steel.density).toBe(7.85);
    const pla = await h.tool("measure", { object: "slab", material: "pla" });
    expect(pla.mass_g).toBeCloseTo(50_000 * 1.24e-3, 9);
    const custom = await h.tool("measure", { object: "slab", density: 2 });
    expect(custom.mass_g).toBeCloseTo(100, 9);
    const all = await h.tool("measure", { material: "aluminium" });
    expect(all.mass_g).toBeCloseTo(
      ((all.parts as { volume: number }[]) ?? []).reduce((s, p) => s + p.volume, 0) * 2.7e-3,
      6,
    );
  });

  it("a material and a density together, or an unknown material, is a tool error", async () => {
    expect((await h.tryTool("measure", { object: "slab", material: "steel", density: 7 })).ok).toBe(false);
    expect((await h.tryTool("measure", { object: "slab", material: "unobtainium" })).ok).toBe(false);
    expect((await h.tryTool("measure", { object: "slab", density: -1 })).ok).toBe(false);
  });
});

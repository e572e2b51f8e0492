import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CadHarness, startCad } from "../../helpers/cad.js";

/**
 * drawing on real FreeCAD: an L-bracket (60 × 30 × 40 over all, a Ø6 hole through the foot) drawn
 * on a sheet. The SVG holds one view group per view; the dimension texts of each orthographic
 * view are its bbox extents (front X × Z = 60 × 40, top X × Y = 60 × 30, right Y × Z = 30 × 40);
 * the hole shows as dashed hidden lines in the front view. DXF and PDF are checked by signature.
 */

let h: CadHarness;
beforeAll(async () => {
  h = await startCad();
  await h.tool("create_box", { name: "foot", length: 60, width: 30, height: 5 });
  await h.tool("create_box", { name: "wall", length: 5, width: 30, height: 40 });
  await h.tool("boolean", { name: "bracket", op: "union", base: "foot", tools: ["wall"] });
  await h.tool("hole", { object: "bracket", face: ">Z", positions: [[30, 15, 5]], diameter: 6, depth: "through" });
});
afterAll(async () => {
  await h.close();
});

function viewGroups(svg: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of svg.matchAll(/<g class="view" id="view-([a-z]+)">([\s\S]*?)<\/g>/g)) out.set(m[1] ?? "", m[2] ?? "");
  return out;
}

function dimensionTexts(group: string): number[] {
  return [...group.matchAll(/<text class="dimension"[^>]*>([^<]*)<\/text>/g)].map((m) => Number(m[1]));
}

describe("drawing", () => {
  it("an SVG sheet: four view groups, overall dimensions equal to the bbox, hidden edges, title block", async () => {
    const r = await h.tool("drawing", { format: "svg" });
    expect(r).toMatchObject({ path: "drawing.svg", sheet: "A4", scale: "1:2" });
    const svg = readFileSync(path.join(h.outDir, "drawing.svg"), "utf8");
    const views = viewGroups(svg);
    expect([...views.keys()].sort()).toEqual(["front", "iso", "right", "top"]);
    expect(dimensionTexts(views.get("front") ?? "").sort()).toEqual([40, 60]);
    expect(dimensionTexts(views.get("top") ?? "").sort()).toEqual([30, 60]);
    expect(dimensionTexts(views.get("right") ?? "").sort()).toEqual([30, 40]);
    expect(dimensionTexts(views.get("iso") ?? "")).toEqual([]);
    expect(views.get("front")).toContain('class="hidden"');
    expect(views.get("iso")).not.toContain('class="hidden"');
    expect(svg).toMatch(/class="title"[^>]*>[^<]+</);
    expect(svg).toContain(">Scale 1:2<");
    expect(svg).toContain(">Units mm<");
    expect(svg).toMatch(/class="date"[^>]*>\d{4}-\d{2}-\d{2}</);
  });

  it("views and dimensions can be chosen", async () => {
    await h.tool("drawing", { format: "svg", views: ["front"], dimensions: "none", filename: "front.svg" });
    const views = viewGroups(readFileSync(path.join(h.outDir, "front.svg"), "utf8"));
    expect([...views.keys()]).toEqual(["front"]);
    expect(dimensionTexts(views.get("front") ?? "")).toEqual([]);
  });

  it("DXF with the same dimension texts, and PDF through rsvg-convert", async () => {
    await h.tool("drawing", { format: "dxf" });
    const dxf = readFileSync(path.join(h.outDir, "drawing.dxf"), "utf8").split("\n");
    expect(dxf.slice(0, 4)).toEqual(["0", "SECTION", "2", "ENTITIES"]);
    expect(dxf.slice(-3, -1)).toEqual(["0", "EOF"]);
    const texts: string[] = [];
    for (let i = 0; i < dxf.length - 1; i++) if (dxf[i] === "1" && dxf[i - 1] !== "0") texts.push(dxf[i + 1] ?? "");
    for (const d of ["60", "40", "30"]) expect(texts).toContain(d);
    expect(dxf.filter((l, i) => l === "LINE" && dxf[i - 1] === "0").length).toBeGreaterThan(20);
    await h.tool("drawing", { format: "pdf" });
    expect(readFileSync(path.join(h.outDir, "drawing.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("a path outside the output folder or a wrong extension is a tool error", async () => {
    expect((await h.tryTool("drawing", { format: "svg", filename: "../x.svg" })).ok).toBe(false);
    expect((await h.tryTool("drawing", { format: "pdf", filename: "x.svg" })).ok).toBe(false);
  });
});

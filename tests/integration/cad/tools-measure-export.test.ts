import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CadError, type GeometryHealth } from "../../../src/cad/protocol.js";
import { tessellate } from "../../../src/cad/render/render-parts.js";
import { type ExportFormat, resolveExportPath } from "../../../src/tools/export.js";
import { type CadHarness, freecadCmd, near, startCad } from "../../helpers/cad.js";

/** Measurement, design checks and exports, with files re-read by a fresh FreeCAD process. */

const PI = Math.PI;
const PLATE_VOLUME = 100 * 60 * 5 - 4 * PI * 9 * 5;
let h: CadHarness;
const scratch: string[] = [];

/** Run Python in a new `freecadcmd -c` (not the worker) and parse the JSON it prints after a marker. */
function freshFreecad(code: string): Record<string, unknown> {
  const home = mkdtempSync(path.join(os.tmpdir(), "cadagent-fresh-"));
  scratch.push(home);
  const wrapped = `import json\n${code}\nprint("RESULT:" + json.dumps(out))`;
  const p = spawnSync(freecadCmd(), ["-c", wrapped], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: home, FREECAD_USER_HOME: home },
    cwd: home,
    timeout: 60_000,
  });
  const line = p.stdout.split("\n").find((l) => l.includes("RESULT:"));
  if (!line) throw new Error(`fresh FreeCAD failed (${p.status}): ${p.stdout.slice(-500)} ${p.stderr.slice(-1500)}`);
  return JSON.parse(line.slice(line.indexOf("RESULT:") + 7)) as Record<string, unknown>;
}

beforeAll(async () => {
  h = await startCad();
  await h.tool("set_parameter", { name: "width", value: 60, description: "plate width" });
  await h.tool("set_parameter", { name: "t", value: 5, description: "thickness (an alias FreeCAD refuses as is)" });
  await h.tool("create_box", { name: "plate", length: 100, width: "width", height: "t" });
  await h.tool("create_cylinder", { name: "hole", radius: 3, height: "t + 4", position: [10, 10, -2] });
  await h.tool("linear_pattern", { name: "row", object: "hole", direction: "X", count: 2, spacing: 80 });
  await h.tool("copy", { name: "row2", object: "row", translate: [0, "width - 20", 0] });
  await h.tool("boolean", { name: "drilled", op: "cut", base: "plate", tools: ["row", "row2"] });
});
afterAll(async () => {
  await h.close();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe("measure", () => {
  it("one object: volume, area, bbox, size, centre of mass, validity", async () => {
    const m = await h.tool("measure", { object: "drilled" });
    expect(near(m.volume as number, PLATE_VOLUME)).toBe(true);
    expect(m).toMatchObject({ valid: true, solids: 1, size: [100, 60, 5], visible: true });
    const com = m.center_of_mass as number[];
    expect(com[0]).toBeCloseTo(50, 6); // the holes are symmetric
    expect(com[1]).toBeCloseTo(30, 6);
    expect(com[2]).toBeCloseTo(2.5, 6);
    expect(near(m.area as number, 2 * (6000 - 4 * PI * 9) + 2 * 5 * (100 + 60) + 4 * 2 * PI * 3 * 5)).toBe(true);
  });

  it("every part when no object is given", async () => {
    const m = await h.tool("measure", {});
    expect(m.count).toBe(1);
    expect((m.parts as GeometryHealth[])[0]?.name).toBe("drilled");
  });

  it("measure_distance between objects, sub-elements and points", async () => {
    await h.tool("create_box", { name: "block", length: 10, width: 10, height: 10, position: [0, 0, 12] });
    const d = await h.tool("measure_distance", { a: "drilled", b: "block" });
    expect(d.distance).toBeCloseTo(7, 9);
    const faces = await h.tool("list_topology", { object: "block", kind: "faces", selector: "<Z" });
    const bottom = (faces.faces as { name: string }[])[0]?.name ?? "";
    expect((await h.tool("measure_distance", { a: `block.${bottom}`, b: [5, 5, 0] })).distance).toBeCloseTo(12, 9);
    const touching = await h.tool("measure_distance", { a: "block", b: [0, 0, 12] });
    expect(touching.distance).toBe(0);
    const bad = await h.tryTool("measure_distance", { a: "block.Face99", b: "drilled" });
    expect(bad.error?.hint).toContain("Face1..Face6");
    await h.tool("delete_object", { name: "block" });
  });

  it("check_design: a clean design is ok; overlapping parts are reported with the common volume", async () => {
    const clean = await h.tool("check_design", {});
    expect(clean).toMatchObject({ ok: true, interferences: [], warnings: [] });
    await h.tool("create_box", { name: "clash", length: 10, width: 10, height: 10, position: [40, 25, 0] });
    const c = await h.tool("check_design", {});
    expect(c.ok).toBe(false);
    const found = (c.interferences as { a: string; b: string; volume: number }[])[0];
    expect(found).toMatchObject({ a: "drilled", b: "clash" });
    expect(found?.volume).toBeCloseTo(10 * 10 * 5, 6);
    expect((c.warnings as string[]).join(" ")).toContain("overlap");
    await h.tool("delete_object", { name: "clash" });
  });
});

describe("export", () => {
  it("STEP re-imports in a fresh FreeCAD with the same volume", async () => {
    const r = await h.tool("export", { format: "step" });
    expect(r).toMatchObject({ format: "step", path: "model.step", objects: ["drilled"] });
    const file = path.join(h.outDir, "model.step");
    expect(statSync(file).size).toBe(r.bytes);
    const back = freshFreecad(
      `import Part\ns = Part.read(${JSON.stringify(file)})\nout = {"volume": s.Volume, "solids": len(s.Solids)}`,
    );
    expect(back.solids).toBe(1);
    expect(near(back.volume as number, PLATE_VOLUME, 1e-6)).toBe(true);
  });

  it("FCStd reopens in a fresh FreeCAD with the Params sheet and expressions intact, and stays parametric", async () => {
    const r = await h.tool("export", { format: "fcstd" });
    expect(r.path).toBe("model.FCStd");
    const file = path.join(h.outDir, "model.FCStd");
    const back = freshFreecad(
      [
        "import FreeCAD",
        `d = FreeCAD.openDocument(${JSON.stringify(file)})`,
        "sheet = d.getObject('Params')",
        "plate = d.getObject('plate')",
        "out = {'sheet': sheet.TypeId, 'width': float(sheet.get('width')), 'exprs': dict(plate.ExpressionEngine), 'hole': dict(d.getObject('hole').ExpressionEngine)}",
        "d.recompute()",
        "out['before'] = d.getObject('drilled').Shape.Volume",
        "sheet.set(sheet.getCellFromAlias('width'), '80')",
        "d.recompute()",
        "out['after'] = d.getObject('drilled').Shape.Volume",
        "out['states'] = sorted({s for o in d.Objects for s in o.State})",
      ].join("\n"),
    );
    expect(back.sheet).toBe("Spreadsheet::Sheet");
    expect(back.width).toBe(60);
    expect(back.exprs).toMatchObject({ Width: "Params.width", Height: "Params.t_" });
    expect((back.hole as Record<string, string>).Height).toContain("Params.t_");
    expect(near(back.before as number, PLATE_VOLUME)).toBe(true);
    expect(near(back.after as number, 100 * 80 * 5 - 4 * PI * 9 * 5)).toBe(true);
    expect(back.states).not.toContain("Invalid");
  });

  it("STL is a binary mesh whose volume is close to the solid's", async () => {
    const r = await h.tool("export", { format: "stl", filename: "print/part.stl" });
    expect(r.path).toBe(path.join("print", "part.stl"));
    const buf = readFileSync(path.join(h.outDir, "print", "part.stl"));
    const triangles = buf.readUInt32LE(80);
    expect(triangles).toBe(r.triangles);
    expect(buf.length).toBe(84 + 50 * triangles);
    const back = freshFreecad(
      `import Mesh\nm = Mesh.Mesh(${JSON.stringify(path.join(h.outDir, "print", "part.stl"))})\nout = {"volume": m.Volume, "solid": m.isSolid()}`,
    );
    expect(back.solid).toBe(true);
    expect(near(back.volume as number, PLATE_VOLUME, 2e-3)).toBe(true);
  });

  it("IGES, BREP, OBJ, DXF and SVG are written with plausible content", async () => {
    for (const format of ["iges", "brep", "obj", "dxf", "svg"]) {
      const r = await h.tool("export", { format });
      expect(r.path).toBe(`model.${format}`);
      expect(r.bytes as number).toBeGreaterThan(100);
    }
    const brep = freshFreecad(
      `import Part\ns = Part.Shape()\ns.read(${JSON.stringify(path.join(h.outDir, "model.brep"))})\nout = {"volume": s.Volume}`,
    );
    expect(near(brep.volume as number, PLATE_VOLUME, 1e-9)).toBe(true);
    const svg = readFileSync(path.join(h.outDir, "model.svg"), "utf8");
    expect(svg).toMatch(/^<\?xml[^]*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*viewBox=/);
    expect((svg.match(/<circle/g) ?? []).length).toBe(4); // top view: the outline and four holes
    const dxf = readFileSync(path.join(h.outDir, "model.dxf"), "utf8");
    expect(dxf).toContain("ENTITIES");
    expect(dxf.trimEnd().endsWith("EOF")).toBe(true);
    expect(readFileSync(path.join(h.outDir, "model.obj"), "utf8")).toMatch(/^v /m);
  });

  it("refuses paths outside the output folder and wrong extensions, writing nothing", async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), "cadagent-outside-"));
    scratch.push(outside);
    symlinkSync(outside, path.join(h.outDir, "link"));
    symlinkSync(path.join(outside, "x.step"), path.join(h.outDir, "dangling.step"));
    symlinkSync(path.join(outside, "nodir"), path.join(h.outDir, "danglingdir"));
    const cases: [string, string][] = [
      ["step", path.join(outside, "abs.step")],
      ["step", "../escape.step"],
      ["step", "sub/../../escape.step"],
      ["step", "link/through.step"],
      ["step", "link/deeper/through.step"],
      ["step", "dangling.step"],
      ["step", "danglingdir/x.step"],
      ["step", "model.stl"],
      ["fcstd", "model.step"],
    ];
    for (const [format, filename] of cases) {
      // Refused on the Node side already (the worker checks containment again).
      expect(() => resolveExportPath(h.outDir, format as ExportFormat, filename), filename).toThrow(CadError);
      const r = await h.tryTool("export", { format, filename });
      expect(r.ok, filename).toBe(false);
      expect(r.error?.code).toBe("bad_path");
      expect(r.error?.hint).toBeTruthy();
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(path.join(path.dirname(h.outDir), "escape.step"))).toBe(false);
    // No temp files left behind by the successful exports either.
    expect(readdirSync(h.outDir).filter((f) => f.startsWith(".tmp-"))).toEqual([]);
  });

  it("unknown objects and empty designs are errors", async () => {
    const r = await h.tryTool("export", { format: "step", objects: ["ghost"] });
    expect(r.error?.code).toBe("unknown_object");
    expect(r.error?.hint).toContain("drilled");
  });
});

describe("bboxes stay exact after meshing", () => {
  it("an STL export (which stores a triangulation on the shape) does not inflate a curved part's bbox", async () => {
    // A disc r=10: the exact bbox is ±10; a mesh-based bbox is off by the chordal deflection.
    await h.tool("create_cylinder", { name: "disc", radius: 10, height: 5, position: [200, 0, 0] });
    await h.tool("export", { format: "stl", objects: ["disc"], filename: "disc.stl" });
    const m = await h.tool("measure", { object: "disc" });
    const bbox = m.bbox as { min: number[]; max: number[] };
    expect(bbox.min).toEqual([190, -10, 0]);
    expect(bbox.max).toEqual([210, 10, 5]);
  });
});

describe("one tessellation per part, relative to its size", () => {
  it("STL export and the preview share the mesh: same triangles, same tolerance (0.0005 of the diagonal)", async () => {
    await h.tool("create_cylinder", { name: "puck", radius: 10, height: 5, position: [300, 0, 0] });
    const stl = await h.tool("export", { format: "stl", objects: ["puck"], filename: "puck.stl" });
    const diag = Math.hypot(20, 20, 5);
    expect(stl.tolerance).toBeCloseTo(0.0005 * diag, 6);
    const tess = await tessellate(h.cad, ["puck"]);
    expect(tess.tolerance).toBe(stl.tolerance);
    expect(tess.parts[0]?.faces.length).toBe(stl.triangles);
  });

  it("a cylinder of radius 1e7 mm exports with a tolerance that grows with it, well under the triangle cap", async () => {
    await h.tool("create_cylinder", { name: "huge", radius: 1e7, height: 10, position: [0, 0, 500] });
    const stl = await h.tool("export", { format: "stl", objects: ["huge"], filename: "huge.stl" });
    // Above 10 m across, the chord is 1e-5 of the diagonal (≈ 283 mm here), not a fixed 0.1 mm.
    expect(stl.tolerance).toBeCloseTo(1e-5 * Math.hypot(2e7, 2e7, 10), 0);
    expect(stl.triangles as number).toBeLessThan(20_000);
    const tess = await tessellate(h.cad, ["huge"]);
    expect(tess.parts[0]?.faces.length).toBe(stl.triangles);
    await h.tool("delete_object", { name: "huge" });
  });
});

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freecadCmd, near, startCad, type CadHarness } from "../../helpers/cad.js";

/**
 * import_shape on real FreeCAD: files written by an independent freecadcmd script keep their
 * volume; only files the user allowed (--input files, an MCP --in folder) can be read.
 */

let h: CadHarness;
// Made at collection time: the refusal cases below name paths inside it.
const dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-import-"));
const allowed = path.join(dir, "in");
const outside = path.join(dir, "outside");
const CUBE = 20 * 20 * 20;

function writeShapes(): void {
  const script = [
    "import Part, Mesh",
    `d = ${JSON.stringify(allowed)}`,
    "b = Part.makeBox(20, 20, 20)",
    "b.exportStep(d + '/cube.step')",
    "b.exportIges(d + '/cube.iges')",
    "b.exportBrep(d + '/cube.brep')",
    "m = Mesh.Mesh(); m.addFacets(b.tessellate(0.01)); m.write(d + '/cube.stl')",
    "open_mesh = Mesh.Mesh(); open_mesh.addFacets(Part.makePlane(10, 10).tessellate(0.1)); open_mesh.write(d + '/sheet.stl')",
    `Part.makeBox(1, 1, 1).exportStep(${JSON.stringify(outside)} + '/secret.step')`,
  ].join("\n");
  execFileSync(freecadCmd(), ["-c", script]);
}

beforeAll(async () => {
  mkdirSync(allowed);
  mkdirSync(outside);
  writeShapes();
  writeFileSync(path.join(allowed, "corrupt.step"), "ISO-10303-21;\nthis is not a STEP file\n");
  symlinkSync(path.join(outside, "secret.step"), path.join(allowed, "link.step"));
  h = await startCad();
  h.ctx.inputs = { files: [], folders: [allowed] };
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("import_shape", () => {
  it.each(["cube.step", "cube.iges", "cube.brep"])("%s keeps its volume and bbox", async (file) => {
    const name = file.replace(".", "_");
    const r = await h.tool("import_shape", { name, file });
    expect(near(r.volume as number, CUBE, 1e-6)).toBe(true);
    expect(r.bbox).toEqual({ min: [0, 0, 0], max: [20, 20, 20] });
    expect(r.solids).toBe(1);
  });

  it("a closed STL mesh becomes a solid with the same volume", async () => {
    const r = await h.tool("import_shape", { name: "mesh_cube", file: "cube.stl" });
    expect(r.solids).toBe(1);
    expect(r.valid).toBe(true);
    expect(near(r.volume as number, CUBE, 1e-6)).toBe(true);
  });

  it("an --input file is found by its path or its base name; the default name is `imported`", async () => {
    const saved = h.ctx.inputs;
    h.ctx.inputs = { files: [path.join(allowed, "cube.step")], folders: [] };
    try {
      const r = await h.tool("import_shape", { file: "cube.step" });
      expect(r.name).toBe("imported");
      const other = await h.tryTool("import_shape", { name: "x", file: path.join(allowed, "cube.iges") });
      expect(other.ok).toBe(false);
      expect(other.error?.message).toContain("is not a file you may import");
      expect(other.error?.hint).toContain(path.join(allowed, "cube.step"));
    } finally {
      h.ctx.inputs = saved;
    }
  });

  describe("refused", () => {
    it.each([
      ["a file outside the folder", path.join(dir, "outside", "secret.step"), "is not a file you may import"],
      ["a climb out with ..", "../outside/secret.step", "must not contain '..'"],
      ["a symlink inside the folder leading out", "link.step", "through a symlink"],
      ["a missing file", "nope.step", "is not a file you may import"],
      ["an unknown extension", "notes.txt", "unknown extension"],
    ])("%s", async (_what, file, message) => {
      const o = await h.tryTool("import_shape", { name: "bad", file });
      expect(o.ok).toBe(false);
      expect(o.error?.message).toContain(message);
    });

    it("with no --input at all, nothing can be read, and the hint says how to allow a file", async () => {
      const saved = h.ctx.inputs;
      delete h.ctx.inputs;
      try {
        const o = await h.tryTool("import_shape", { name: "bad", file: path.join(allowed, "cube.step") });
        expect(o.ok).toBe(false);
        expect(o.error?.hint).toContain("--input");
      } finally {
        h.ctx.inputs = saved;
      }
    });

    it("an open mesh and a corrupt STEP are tool errors; the worker lives on", async () => {
      const sheet = await h.tryTool("import_shape", { name: "sheet", file: "sheet.stl" });
      expect(sheet.ok).toBe(false);
      expect(sheet.error?.message).toContain("not closed");
      const corrupt = await h.tryTool("import_shape", { name: "corrupt", file: "corrupt.step" });
      expect(corrupt.ok).toBe(false);
      const again = await h.tool("import_shape", { name: "after", file: "cube.step" });
      expect(near(again.volume as number, CUBE, 1e-6)).toBe(true);
    });
  });
});

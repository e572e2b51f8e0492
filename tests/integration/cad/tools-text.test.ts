import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeometryHealth } from "../../../src/cad/protocol.js";
import { type CadHarness, startCad } from "../../helpers/cad.js";

/**
 * engrave_text on real FreeCAD. The lettering is a prism of the glyph outlines: engraving removes
 * exactly area × depth and embossing adds it. The glyph area comes from an independent FreeCAD
 * script (run_python: Part.makeWireString on the same DejaVu font), not from the tool.
 */

let h: CadHarness;
beforeAll(async () => {
  h = await startCad({ allowPython: true });
});
afterAll(async () => {
  await h.close();
});

type Lettered = GeometryHealth & { volume_change: number; text_size: number[] };

async function glyphArea(text: string, size: number, font: string): Promise<number> {
  const code = [
    "import Part",
    `f = Part.makeWireString(${JSON.stringify(text)}, "/usr/share/fonts/truetype/dejavu/${font}", ${size}, 0)`,
    "a = 0.0",
    "for ch in f:",
    "    ws = [w for w in ch if w.isClosed()]",
    '    a += Part.Face(ws, "Part::FaceMakerBullseye").Area if ws else 0.0',
    "print(repr(a))",
  ].join("\n");
  const r = await h.tool("run_python", { code });
  return Number(String(r.output).trim());
}

describe("engrave_text", () => {
  it("engraving reduces the volume by glyph area × depth and leaves the bbox unchanged", async () => {
    const plate = await h.tool("create_box", { name: "plate", length: 80, width: 25, height: 4 });
    const r = (await h.tool("engrave_text", {
      name: "engraved",
      object: "plate",
      face: ">Z",
      text: "CADAGENT 42",
      size: 7,
      depth: 0.8,
      position: [40, 12.5, 4],
      mode: "engrave",
    })) as unknown as Lettered;
    const area = await glyphArea("CADAGENT 42", 7, "DejaVuSans.ttf");
    expect(area).toBeGreaterThan(50);
    expect(r.valid).toBe(true);
    expect(r.volume).toBeLessThan(8000);
    expect(r.volume).toBeCloseTo(8000 - area * 0.8, 4);
    const bb = plate.bbox as { min: number[]; max: number[] };
    for (const k of ["min", "max"] as const) r.bbox[k].forEach((v, i) => expect(v).toBeCloseTo(bb[k][i] ?? NaN, 9));
  });

  it("embossing on a side face adds area × height and grows the bbox by the height", async () => {
    await h.tool("create_box", { name: "block", length: 40, width: 10, height: 20 });
    const r = (await h.tool("engrave_text", {
      object: "block",
      face: "<Y",
      text: "Ab",
      size: 6,
      depth: 0.5,
      position: [20, 0, 10],
      font: "serif",
      mode: "emboss",
    })) as unknown as Lettered;
    const area = await glyphArea("Ab", 6, "DejaVuSerif.ttf");
    expect(r.volume).toBeCloseTo(8000 + area * 0.5, 4);
    expect(r.bbox.min[1]).toBeCloseTo(-0.5, 9);
    [40, 10, 20].forEach((v, i) => expect(r.bbox.max[i]).toBeCloseTo(v, 9));
  });

  it("text that does not fit the face is a tool error with a hint; the worker lives on", async () => {
    await h.tool("create_box", { name: "small", length: 30, width: 10, height: 3 });
    const o = await h.tryTool("engrave_text", {
      object: "small",
      face: ">Z",
      text: "MUCH TOO LONG",
      size: 8,
      depth: 0.5,
      position: [15, 5, 3],
      mode: "engrave",
    });
    expect(o.ok).toBe(false);
    expect(o.error?.message).toContain("does not fit");
    expect(o.error?.hint).toContain("smaller size");
    expect((await h.tool("get_object", { name: "small" })).visible).toBe(true);
    const ok = await h.tool("engrave_text", {
      object: "small",
      face: ">Z",
      text: "OK",
      size: 5,
      depth: 0.5,
      position: [15, 5, 3],
      mode: "engrave",
    });
    expect(ok.valid).toBe(true);
  });
});

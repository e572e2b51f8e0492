import { describe, expect, it } from "vitest";
import { viewBasis } from "../../../../src/cad/render/camera.js";
import { drawText, textWidth } from "../../../../src/cad/render/font.js";
import { createImage } from "../../../../src/cad/render/image.js";
import { parseTessellation } from "../../../../src/cad/render/mesh.js";
import { annotationInsets, formatMm, niceLength } from "../../../../src/cad/render/overlay.js";

describe("annotations", () => {
  it("format sizes briefly and pick 1-2-5 scale bar lengths", () => {
    expect(formatMm(60)).toBe("60");
    expect(formatMm(12.5)).toBe("12.5");
    expect(formatMm(0.333333)).toBe("0.3333");
    expect(formatMm(1234.56)).toBe("1235");
    expect(formatMm(-0)).toBe("0");
    expect(niceLength(23)).toBe(20);
    expect(niceLength(9.9)).toBe(5);
    expect(niceLength(0.14)).toBeCloseTo(0.1, 12);
    expect(niceLength(0)).toBe(0);
  });

  it("keep room above and below the part for labels, triad and scale bar", () => {
    const i = annotationInsets(800, 600, viewBasis("iso"));
    expect(i.top).toBeGreaterThan(30);
    expect(i.bottom).toBeGreaterThan(i.top);
    expect(i.top + i.bottom).toBeLessThan(300);
  });

  it("draw text with the built-in font (ink only inside the text box)", () => {
    const img = createImage(60, 20, [255, 255, 255]);
    drawText(img, "Ab_9", 2, 2, [0, 0, 0], 1);
    let ink = 0;
    let outside = 0;
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 60; x++) {
        if (img.data[(y * 60 + x) * 3] !== 0) continue;
        ink++;
        if (x < 2 || x >= 2 + textWidth("Ab_9", 1) || y < 2 || y >= 2 + 9) outside++;
      }
    }
    expect(ink).toBeGreaterThan(40);
    expect(outside).toBe(0);
  });
});

describe("tessellation replies", () => {
  // As the worker packs them: base64 of little-endian 32-bit words.
  const pack = (a: Float32Array | Uint32Array): string => Buffer.from(a.buffer).toString("base64");
  const good = {
    tolerance: 0.1,
    bbox: { min: [0, 0, 0], max: [1, 1, 0] },
    objects: [
      {
        name: "a",
        closed: false,
        vertices: pack(Float32Array.of(0, 0, 0, 1, 0.5, 0, 0, 1, 0)),
        triangles: pack(Uint32Array.of(0, 1, 2)),
        faces: pack(Uint32Array.of(0)),
        edges: [[0, 0, 0, 1, 0, 0]],
      },
    ],
  };

  it("become typed arrays", () => {
    const t = parseTessellation(good);
    expect(t.parts[0]?.positions).toBeInstanceOf(Float32Array);
    expect([...t.parts[0]!.positions]).toEqual([0, 0, 0, 1, 0.5, 0, 0, 1, 0]);
    expect([...t.parts[0]!.triangles]).toEqual([0, 1, 2]);
    expect(t.parts[0]?.edges[0]?.length).toBe(6);
    expect(t.bbox.max).toEqual([1, 1, 0]);
  });

  it("are rejected when malformed, before they reach the rasterizer", () => {
    const bad = (o: Record<string, unknown>): Record<string, unknown> => ({
      ...good,
      objects: [{ ...good.objects[0], ...o }],
    });
    expect(() => parseTessellation(bad({ triangles: pack(Uint32Array.of(0, 1, 5)) }))).toThrow(/out of range/);
    expect(() => parseTessellation(bad({ faces: pack(Uint32Array.of(0, 0)) }))).toThrow(/inconsistent/);
    expect(() => parseTessellation(bad({ vertices: [0, 0, 0] }))).toThrow(/not a packed array/);
    expect(() => parseTessellation(bad({ vertices: "AAAA" }))).toThrow(/32-bit words/);
    expect(() => parseTessellation({ ...good, objects: null })).toThrow(/objects/);
  });
});

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writePreview } from "../../../src/agent/preview.js";
import { PART_COLORS } from "../../../src/cad/render/render-parts.js";
import type { ImagePart } from "../../../src/llm/types.js";
import { type CadHarness, startCad } from "../../helpers/cad.js";
import { decodePng, type DecodedPng, pixelBbox } from "../../helpers/decode-png.js";

/**
 * render_view against a real FreeCAD worker. Pictures are judged by pixels: the first part's
 * colour, shaded, keeps its channel ratios, which tells part pixels from the background and
 * from the annotations (dark ink, white halos, the triad's pure-ish axis colours).
 */

let h: CadHarness;

beforeAll(async () => {
  h = await startCad();
  await h.tool("create_box", { name: "block", length: 40, width: 20, height: 10 });
  // 60×40×4 plate with two Ø10 through holes, 30 mm away along X from the block.
  await h.tool("create_box", { name: "slab", length: 60, width: 40, height: 4, position: [100, 0, 0] });
  await h.tool("create_cylinder", { name: "h1", radius: 5, height: 10, position: [115, 20, -3] });
  await h.tool("create_cylinder", { name: "h2", radius: 5, height: 10, position: [145, 20, -3] });
  await h.tool("boolean", { name: "plate", op: "cut", base: "slab", tools: ["h1", "h2"] });
  await h.tool("create_torus", { name: "ring", radius1: 12, radius2: 3, position: [0, 60, 3] });
});
afterAll(async () => {
  await h.close();
});

const [BR, BG, BB] = PART_COLORS[0]!;
/** A pixel of the first part's colour under any lighting (edges blended in keep the ratios). */
const isPart = (r: number, g: number, b: number): boolean =>
  b > 70 && Math.abs(r / b - BR / BB) < 0.07 && Math.abs(g / b - BG / BB) < 0.07;
const isWhite = (img: DecodedPng, x: number, y: number): boolean => {
  const i = (y * img.width + x) * img.channels;
  return img.data[i] === 255 && img.data[i + 1] === 255 && img.data[i + 2] === 255;
};

async function render(
  input: Record<string, unknown>,
): Promise<{ result: Record<string, unknown>; png: DecodedPng; image: ImagePart }> {
  const o = await h.tryTool("render_view", input);
  if (!o.ok) throw new Error(`render_view failed: ${o.error?.message}`);
  const image = o.content.find((c): c is ImagePart => c.type === "image");
  if (!image) throw new Error("render_view returned no image");
  return { result: o.result ?? {}, png: decodePng(Buffer.from(image.data, "base64")), image };
}

describe("render_view", () => {
  it("returns a PNG image part with the requested size and a JSON summary", async () => {
    const { result, png, image } = await render({ objects: ["block"], width: 320, height: 240 });
    expect(image.mediaType).toBe("image/png");
    expect([png.width, png.height]).toEqual([320, 240]);
    expect(result).toMatchObject({ view: "iso", width: 320, height: 240, objects: ["block"] });
    expect(result.bbox).toEqual({ min: [0, 0, 0], max: [40, 20, 10] });
  });

  it("shows a 40×10 rectangle from the front: the part's pixel bbox has the box's aspect ratio", async () => {
    const { png } = await render({ view: "front", objects: ["block"] });
    const box = pixelBbox(png, isPart);
    expect(box).toBeDefined();
    const w = box!.x1 - box!.x0 + 1;
    const hgt = box!.y1 - box!.y0 + 1;
    // Outline pixels are dark and not counted: allow ±2 px on each dimension.
    expect(w / hgt).toBeGreaterThan((40 - 0.4) / (10 + 0.4));
    expect(w / hgt).toBeLessThan((40 + 0.4) / (10 - 0.4));
    expect(w).toBeGreaterThan(600); // fitted to the 800 px width, not a thumbnail
    // A filled rectangle: nearly every pixel inside its bbox is part-coloured.
    expect(box!.count / (w * hgt)).toBeGreaterThan(0.97);
  });

  it("shows the background through the holes of a plate: from the top at the hole centres, and inside the part in iso", async () => {
    const top = await render({ view: "top", objects: ["plate"] });
    const b = pixelBbox(top.png, isPart)!;
    // Map model X 100..160, Y 0..40 onto the part's pixel bbox (Y up on screen).
    const px = (x: number): number => Math.round(b.x0 + ((x - 100) / 60) * (b.x1 - b.x0));
    const py = (y: number): number => Math.round(b.y1 - (y / 40) * (b.y1 - b.y0));
    for (const hx of [115, 145]) {
      for (const [dx, dy] of [
        [0, 0],
        [3, 0],
        [-3, 0],
        [0, 3],
        [0, -3],
      ] as const)
        expect(isWhite(top.png, px(hx) + dx, py(20) + dy)).toBe(true);
    }
    expect(isPart(...rgb(top.png, px(130), py(20)))).toBe(true); // between the holes: material

    const iso = await render({ view: "iso", objects: ["plate"] });
    // Background pixels not connected to the image border are seen through a hole.
    expect(enclosedBackground(iso.png)).toBeGreaterThan(100);
    const solid = await render({ view: "iso", objects: ["block"] });
    expect(enclosedBackground(solid.png)).toBe(0);
  });

  it("renders every visible part by default, each in its own colour with a legend", async () => {
    const { result, png } = await render({ view: "top" });
    expect(result.objects).toEqual(["block", "plate", "ring"]);
    const second = PART_COLORS[1]!;
    const near = (c: readonly number[]) => (r: number, g: number, b: number) =>
      b > 40 && Math.abs(r / b - c[0]! / c[2]!) < 0.07 && Math.abs(g / b - c[1]! / c[2]!) < 0.07;
    expect(pixelBbox(png, near(second))?.count ?? 0).toBeGreaterThan(1000);
  });

  it("leaves the design untouched: bboxes measured after a render are exact, not the mesh's", async () => {
    const before = await h.tool("measure", { object: "ring" });
    await render({ objects: ["ring"] });
    await render({ view: "top", objects: ["ring"] });
    const after = await h.tool("measure", { object: "ring" });
    expect(after.bbox).toEqual(before.bbox);
    // The exact torus, not its mesh (+ 0 folds measure's -0 into 0).
    const box = after.bbox as { min: number[]; max: number[] };
    expect([...box.min, ...box.max].map((v) => v + 0)).toEqual([-15, 45, 0, 15, 75, 6]);
  });

  it("turns an unknown object into a tool error that lists what exists", async () => {
    const o = await h.tryTool("render_view", { objects: ["nope"] });
    expect(o.ok).toBe(false);
    expect(o.error?.code).toBe("unknown_object");
    expect(o.error?.hint).toMatch(/block/);
    const bad = await h.tryTool("render_view", { view: "sideways" });
    expect(bad.ok).toBe(false);
    expect(bad.error?.code).toBe("bad_arguments");
  });
});

describe("writePreview", () => {
  it("writes preview.png (one view or the 4-view sheet) atomically into the output folder", async () => {
    const rel = await writePreview(h.cad, h.outDir, ["block", "plate"]);
    expect(rel).toBe("preview.png");
    const one = decodePng(readFileSync(path.join(h.outDir, rel)));
    expect([one.width, one.height]).toEqual([800, 600]);
    const sheetRel = await writePreview(h.cad, h.outDir, [], { sheet: true, fileName: "sheet.png" });
    const sheet = decodePng(readFileSync(path.join(h.outDir, sheetRel)));
    expect([sheet.width, sheet.height]).toEqual([1200, 900]);
    // Part pixels in all four quadrants.
    for (const [qx, qy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ] as const) {
      const quad = { ...sheet, width: 600, height: 450, data: crop(sheet, qx * 600, qy * 450, 600, 450) };
      expect(pixelBbox(quad, isPart)?.count ?? 0).toBeGreaterThan(500);
    }
    expect(readdirSync(h.outDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(existsSync(path.join(h.outDir, "preview.png"))).toBe(true);
  });
});

function rgb(img: DecodedPng, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * img.channels;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

function crop(img: DecodedPng, x0: number, y0: number, w: number, hgt: number): Uint8Array {
  const out = new Uint8Array(w * hgt * img.channels);
  for (let y = 0; y < hgt; y++)
    out.set(
      img.data.subarray(((y0 + y) * img.width + x0) * img.channels, ((y0 + y) * img.width + x0 + w) * img.channels),
      y * w * img.channels,
    );
  return out;
}

/**
 * White pixels that a flood fill over everything but the part, started from the border of the
 * part's pixel bbox (grown by 3 px), cannot reach: background seen through a hole. Annotations
 * are passable, so the counters of letters in a label near the part do not count.
 */
function enclosedBackground(img: DecodedPng): number {
  const b = pixelBbox(img, isPart);
  if (!b) return 0;
  const x0 = Math.max(0, b.x0 - 3);
  const y0 = Math.max(0, b.y0 - 3);
  const x1 = Math.min(img.width - 1, b.x1 + 3);
  const y1 = Math.min(img.height - 1, b.y1 + 3);
  const W = img.width;
  const seen = new Uint8Array(W * img.height);
  const stack: number[] = [];
  const push = (x: number, y: number): void => {
    if (x < x0 || y < y0 || x > x1 || y > y1) return;
    const p = y * W + x;
    if (seen[p] || isPart(...rgb(img, x, y))) return;
    seen[p] = 1;
    stack.push(p);
  };
  for (let x = x0; x <= x1; x++) {
    push(x, y0);
    push(x, y1);
  }
  for (let y = y0; y <= y1; y++) {
    push(x0, y);
    push(x1, y);
  }
  while (stack.length) {
    const p = stack.pop()!;
    const x = p % W;
    const y = (p - x) / W;
    push(x + 1, y);
    push(x - 1, y);
    push(x, y + 1);
    push(x, y - 1);
  }
  let n = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (!seen[y * W + x] && isWhite(img, x, y)) n++;
  return n;
}

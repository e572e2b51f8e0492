/**
 * A 4-view sheet: top, iso, front and right in a 2×2 grid, laid out as a third-angle drawing
 * (top above front, right beside front) so the orthographic views line up, and drawn at one
 * shared scale so their sizes compare directly. The iso view gets its own fit.
 */
import type { CadClient, CallOptions } from "../client.js";
import { fitScaleInside, type ViewName } from "./camera.js";
import { blit, createImage, fillRect, type RgbImage } from "./image.js";
import { encodePng } from "./png.js";
import { drawView, insetsFor, sceneExtent, sceneOf, tessellate, type Scene } from "./render-parts.js";

export const SHEET_WIDTH = 1200;
export const SHEET_HEIGHT = 900;

/** Grid cells, row by row. */
const LAYOUT: readonly (readonly ViewName[])[] = [
  ["top", "iso"],
  ["front", "right"],
];
const ORTHO: readonly ViewName[] = ["top", "front", "right"];

export interface SheetRequest {
  objects?: string[];
  width?: number;
  height?: number;
}

/** Draw the sheet of a scene (synchronous: pure CPU work). */
export function drawSheet(scene: Scene, width = SHEET_WIDTH, height = SHEET_HEIGHT): RgbImage {
  const cw = Math.floor(width / 2);
  const ch = Math.floor(height / 2);
  const scale = Math.min(
    ...ORTHO.map((v) => fitScaleInside(sceneExtent(scene, v), cw, ch, insetsFor(v, cw, ch, true))),
  );
  const sheet = createImage(width, height, [255, 255, 255]);
  LAYOUT.forEach((row, r) =>
    row.forEach((view, c) => {
      const cell = drawView(scene, view, cw, ch, view === "iso" ? {} : { scale, compact: false });
      blit(sheet, cell, c * cw, r * ch);
    }),
  );
  const grid: [number, number, number] = [190, 195, 205];
  fillRect(sheet, cw - 1, 0, 1, height, grid);
  fillRect(sheet, 0, ch - 1, width, 1, grid);
  return sheet;
}

/** Render the 4-view sheet of the design (every visible part by default) to PNG bytes. */
export async function renderSheet(cad: CadClient, req: SheetRequest = {}, call: CallOptions = {}): Promise<Buffer> {
  const scene = sceneOf(await tessellate(cad, req.objects, undefined, call));
  const image = drawSheet(scene, req.width ?? SHEET_WIDTH, req.height ?? SHEET_HEIGHT);
  return encodePng({ ...image, channels: 3 });
}

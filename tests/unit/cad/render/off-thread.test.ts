import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, inject } from "vitest";
import type { Tessellation } from "../../../../src/cad/render/mesh.js";
import { encodePng } from "../../../../src/cad/render/png.js";
import { drawView, sceneOf } from "../../../../src/cad/render/render-parts.js";

/**
 * The preview drawn on the render thread (the compiled module, as the CLI runs it: the thread's
 * entry is a .js file) is byte for byte the PNG drawn on the calling thread.
 */

type OffThread = typeof import("../../../../src/cad/render/off-thread.js");

/** A 20 × 10 × 5 box as two triangles per face. */
function box(): Tessellation {
  const [x, y, z] = [20, 10, 5];
  const positions = new Float32Array([0, 0, 0, x, 0, 0, x, y, 0, 0, y, 0, 0, 0, z, x, 0, z, x, y, z, 0, y, z]);
  const quads = [
    [0, 3, 2, 1],
    [4, 5, 6, 7],
    [0, 1, 5, 4],
    [2, 3, 7, 6],
    [1, 2, 6, 5],
    [3, 0, 4, 7],
  ];
  return {
    tolerance: 0.01,
    bbox: { min: [0, 0, 0], max: [x, y, z] },
    parts: [
      {
        name: "box",
        positions,
        triangles: new Uint32Array(quads.flatMap(([a, b, c, d]) => [a!, b!, c!, a!, c!, d!])),
        faces: new Uint32Array(quads.flatMap((_, k) => [k, k])),
        edges: [new Float32Array([0, 0, z, x, 0, z, x, y, z, 0, y, z, 0, 0, z])],
        closed: true,
      },
    ],
  };
}

describe("render thread", () => {
  it("draws on a thread in the compiled CLI, warmed up as a build starts it, the same PNG as on the calling thread", async () => {
    const compiled = path.join(path.dirname(inject("cliMain")), "..", "cad", "render", "off-thread.js");
    const offThread = (await import(pathToFileURL(compiled).href)) as OffThread;
    // As build-design starts it: the warm-up (a synthetic part, prefaulted 1600×1200 scratch)
    // must leave nothing behind in the views drawn after it, at the default size or another.
    expect(offThread.prewarmRenderThread({ warmUp: true })).toBe(true);
    const [onThread, twice, preview] = await Promise.all([
      offThread.drawPng(box(), "iso", 320, 240),
      offThread.drawPng(box(), "front", 320, 240),
      offThread.drawPng(box(), "iso", 800, 600),
    ]);
    expect(onThread.equals(encodePng({ ...drawView(sceneOf(box()), "iso", 320, 240), channels: 3 }))).toBe(true);
    expect(twice.equals(encodePng({ ...drawView(sceneOf(box()), "front", 320, 240), channels: 3 }))).toBe(true);
    expect(preview.equals(encodePng({ ...drawView(sceneOf(box()), "iso", 800, 600), channels: 3 }))).toBe(true);
  });

  it("draws on the calling thread where no compiled thread entry exists (the TypeScript sources)", async () => {
    const source = await import("../../../../src/cad/render/off-thread.js");
    expect(source.prewarmRenderThread()).toBe(false);
    const png = await source.drawPng(box(), "iso", 320, 240);
    expect(png.equals(encodePng({ ...drawView(sceneOf(box()), "iso", 320, 240), channels: 3 }))).toBe(true);
  });
});

/**
 * Warming the renderer up on the render thread while FreeCAD replays (render-thread.ts).
 *
 * A cold rasterizer draws the first 800×600 preview in ~115 ms, a warm one in ~25 ms: V8 runs
 * the fill, contour and downsample loops in its interpreter until they have run a while, and
 * the ~19 MB of fresh scratch memory costs page faults on first write. Drawing a small synthetic
 * part twice (~50 ms) gets the loops compiled, and prefaulting the scratch (~50 ms) takes the page
 * faults; the first real preview then takes ~40 ms. Both run on the core FreeCAD leaves idle.
 * (A full-size warm-up draw, ~290 ms of CPU, slowed the replay more than it saved.) Each small
 * draw is also encoded, so the PNG filter loop is compiled too: in real builds the preview's
 * scene + draw + encode went from a median 93 to 79–82 ms (2 A/B runs of 8 builds, 2026-12-03).
 */
import type { Tessellation } from "./mesh.js";
import { encodePng } from "./png.js";
import { drawView, prefaultScratch, sceneOf } from "./render-parts.js";

/**
 * Draws of the synthetic part before the first real view: one left the hot loops mostly
 * interpreted (first 800×600 view 114 → ~80 ms), two got them compiled (→ ~38 ms).
 */
const WARM_DRAWS = 2;
const WARM_WIDTH = 160;
const WARM_HEIGHT = 120;

/** A closed cylinder (r 10, h 20, `segments` facets around), laid out as a tessellate reply is. */
export function warmUpTessellation(segments = 64): Tessellation {
  const r = 10;
  const h = 20;
  const around = Array.from({ length: segments }, (_, i): [number, number] => {
    const a = (2 * Math.PI * i) / segments;
    return [r * Math.cos(a), r * Math.sin(a)];
  });
  // Vertex 2i is point i at the bottom, 2i + 1 at the top; then the two cap centres.
  const positions = [...around.flatMap(([x, y]) => [x, y, 0, x, y, h]), 0, 0, 0, 0, 0, h];
  const ring = (z: number): Float32Array => Float32Array.from([...around, around[0]!].flatMap(([x, y]) => [x, y, z]));
  const bottom = 2 * segments;
  const top = bottom + 1;
  const triangles: number[] = [];
  const faces: number[] = [];
  for (let i = 0; i < segments; i++) {
    const lo = 2 * i;
    const next = 2 * ((i + 1) % segments);
    // Outward-facing, counter-clockwise seen from outside: side (face 0), bottom (1), top (2).
    triangles.push(lo, next, lo + 1, next, next + 1, lo + 1, bottom, next, lo, top, lo + 1, next + 1);
    faces.push(0, 0, 1, 2);
  }
  return {
    tolerance: 0.1,
    bbox: { min: [-r, -r, 0], max: [r, r, h] },
    parts: [
      {
        name: "warm-up",
        positions: Float32Array.from(positions),
        triangles: Uint32Array.from(triangles),
        faces: Uint32Array.from(faces),
        edges: [ring(0), ring(h)],
        closed: true,
      },
    ],
  };
}

/** Compile the renderer's hot loops and prefault its scratch for a default-size view. */
export function warmUpRenderer(): void {
  const scene = sceneOf(warmUpTessellation());
  for (let i = 0; i < WARM_DRAWS; i++) encodePng({ ...drawView(scene, "iso", WARM_WIDTH, WARM_HEIGHT), channels: 3 });
  // Last, though the small draws then fault in a small scratch first that this one replaces:
  // prefaulting first saved ~6 ms of warm-up but left the first real view ~15 ms slower
  // (means of 10 cold processes each, 2026-12-03).
  prefaultScratch();
}

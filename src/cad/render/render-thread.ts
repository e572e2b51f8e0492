/**
 * Worker-thread entry: draws and encodes one view per message, so a preview's ~100 ms of
 * synchronous rasterizing does not hold up the main thread, which meanwhile keeps FreeCAD busy
 * with the STEP and FCStd exports (off-thread.ts).
 *
 * No warm-up drawing at start: a cold rasterizer draws its first view ~70 ms slower, but warming
 * it took ~290 ms of CPU while FreeCAD replays, and on a two-core machine that slowed the replay
 * more than it saved (bench/build-vs-freecad.mjs, measured 2026-12-02).
 */
import { parentPort } from "node:worker_threads";
import type { ViewName } from "./camera.js";
import type { Tessellation } from "./mesh.js";
import { encodePng } from "./png.js";
import { drawView, sceneOf } from "./render-parts.js";

/** One view to draw. Typed arrays arrive as copies (structured clone). */
export interface DrawRequest {
  id: number;
  tessellation: Tessellation;
  view: ViewName;
  width: number;
  height: number;
}

export type DrawReply = { id: number; png: Uint8Array } | { id: number; error: string };

parentPort?.on("message", (m: DrawRequest) => {
  let reply: DrawReply;
  try {
    const image = drawView(sceneOf(m.tessellation), m.view, m.width, m.height);
    reply = { id: m.id, png: encodePng({ ...image, channels: 3 }) };
  } catch (e) {
    reply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});

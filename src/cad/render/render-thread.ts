/**
 * Worker-thread entry: draws and encodes one view per message, so a preview's ~100 ms of
 * synchronous rasterizing does not hold up the main thread, which meanwhile keeps FreeCAD busy
 * with the STEP and FCStd exports (off-thread.ts).
 *
 * Started well before its first view (a build starts it as FreeCAD begins the replay), it warms
 * the renderer up first (warm-up.ts): ~100 ms of CPU on the core FreeCAD leaves idle, which took
 * a build's preview from ~240 to ~120 ms after the mesh arrived. The whole 50-step plate build got
 * 10–46 ms faster on average (means of 4 A/B runs of 16–20 alternated builds, 2026-12-03; one
 * run's median was 24 ms slower): the warm-up also slowed the replay by ~20–50 ms. Since a build
 * lowers Node's priority (cli/yield-to-freecad.ts), this thread is born at nice 10 and the warm-up
 * only takes CPU FreeCAD leaves: without it the build was 95 ms slower (10 alternated builds each).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ViewName } from "./camera.js";
import type { Tessellation } from "./mesh.js";
import { encodePng } from "./png.js";
import { drawView, sceneOf } from "./render-parts.js";
import { warmUpRenderer } from "./warm-up.js";

/** One view to draw. Typed arrays arrive as copies (structured clone). */
export interface DrawRequest {
  id: number;
  tessellation: Tessellation;
  view: ViewName;
  width: number;
  height: number;
}

export type DrawReply = { id: number; png: Uint8Array } | { id: number; error: string };

/** What the thread is started with (off-thread.ts). */
export interface RenderThreadData {
  warmUp: boolean;
}

if ((workerData as RenderThreadData | null)?.warmUp) warmUpRenderer();

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

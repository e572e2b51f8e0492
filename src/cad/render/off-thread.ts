import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ViewName } from "./camera.js";
import type { Tessellation } from "./mesh.js";
import { encodePng } from "./png.js";
import type { CallOptions, CadClient } from "../client.js";
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, drawView, sceneOf, tessellate, type RenderRequest } from "./render-parts.js";
import type { DrawReply, RenderThreadData } from "./render-thread.js";

/**
 * Draw a view on a worker thread: `build` renders preview.png while the main thread sends the
 * STEP and FCStd exports to FreeCAD, instead of holding them up for the ~100 ms of drawing.
 * One thread, started on first use (or early by `prewarmRenderThread`), kept for the process
 * but never keeping it alive. Where the compiled thread file is missing (tests run the TypeScript
 * sources) or the thread fails, the view is drawn on the calling thread: same pixels, same PNG.
 */

const THREAD_FILE = new URL("./render-thread.js", import.meta.url);

let thread: Worker | undefined;
let broken = false;
let nextId = 1;
const pending = new Map<number, { resolve: (png: Buffer) => void; reject: (e: Error) => void }>();

function renderThread(warmUp = false): Worker | undefined {
  if (thread || broken) return thread;
  if (!existsSync(fileURLToPath(THREAD_FILE))) {
    broken = true;
    return undefined;
  }
  const data: RenderThreadData = { warmUp };
  const w = new Worker(THREAD_FILE, { workerData: data });
  w.on("message", (m: DrawReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    if ("error" in m) p.reject(new Error(m.error));
    else p.resolve(Buffer.from(m.png.buffer, m.png.byteOffset, m.png.byteLength));
  });
  // A thread that dies takes its pending views with it; later ones are drawn here.
  const fail = (e: unknown): void => {
    broken = true;
    thread = undefined;
    for (const p of pending.values()) p.reject(e instanceof Error ? e : new Error(String(e)));
    pending.clear();
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`render thread exited (${code})`)));
  // After the listeners: adding a "message" listener refs the thread again.
  w.unref();
  thread = w;
  return w;
}

/**
 * Start the thread now (loading its modules takes ~20 ms of an idle core), e.g. while FreeCAD
 * replays. `warmUp` also warms the renderer up (warm-up.ts, ~100 ms of CPU that makes the first
 * view ~100 ms faster): only worth it when that view is far off. True when views will be drawn on
 * the thread, false when on the caller's thread.
 */
export function prewarmRenderThread(opts: { warmUp?: boolean } = {}): boolean {
  return renderThread(opts.warmUp === true) !== undefined;
}

/** The PNG of one view of a tessellation, drawn off the main thread when possible. */
export async function drawPng(
  tessellation: Tessellation,
  view: ViewName,
  width: number,
  height: number,
): Promise<Buffer> {
  const w = renderThread();
  if (w) {
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        w.ref(); // a view is owed: the process waits for it
        w.postMessage({ id, tessellation, view, width, height });
      });
    } catch {
      // Drawn below instead: a preview must not fail because a thread did.
    }
  }
  return encodePng({ ...drawView(sceneOf(tessellation), view, width, height), channels: 3 });
}

/** Render one view of the design (every visible part by default, iso, 800×600) to PNG bytes. */
export async function renderPreview(cad: CadClient, req: RenderRequest = {}, call: CallOptions = {}): Promise<Buffer> {
  const tessellation = await tessellate(cad, req.objects, req.tolerance, call);
  return drawPng(tessellation, req.view ?? "iso", req.width ?? DEFAULT_WIDTH, req.height ?? DEFAULT_HEIGHT);
}

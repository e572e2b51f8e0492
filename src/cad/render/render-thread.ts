/**
 * Worker-thread entry: draws and encodes one view per message, so a preview's ~100 ms of
 * synchronous rasterizing does not hold up the main thread, which meanwhile keeps FreeCAD busy
 * with the STEP and FCStd exports (off-thread.ts).
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

/**
 * A sphere drawn twice when the thread starts, before any real view is asked for: a cold
 * rasterizer draws its first views 2–3× slower than a warm one (JIT), and the thread starts at
 * the beginning of a build, while FreeCAD replays the steps and this core would sit idle.
 */
function warmUp(): void {
  const [nu, nv, r] = [48, 24, 10];
  const positions = new Float32Array((nu + 1) * (nv + 1) * 3);
  for (let j = 0; j <= nv; j++)
    for (let i = 0; i <= nu; i++) {
      const [u, v] = [(2 * Math.PI * i) / nu, (Math.PI * j) / nv];
      positions.set(
        [r * Math.sin(v) * Math.cos(u), r * Math.sin(v) * Math.sin(u), r * Math.cos(v)],
        3 * (j * (nu + 1) + i),
      );
    }
  const tri: number[] = [];
  for (let j = 0; j < nv; j++)
    for (let i = 0; i < nu; i++) {
      const a = j * (nu + 1) + i;
      tri.push(a, a + nu + 1, a + 1, a + 1, a + nu + 1, a + nu + 2);
    }
  const triangles = new Uint32Array(tri);
  const equator = positions.slice(3 * (nv / 2) * (nu + 1), 3 * (nv / 2 + 1) * (nu + 1));
  const tessellation: Tessellation = {
    tolerance: 0.01,
    bbox: { min: [-r, -r, -r], max: [r, r, r] },
    parts: [
      { name: "warm-up", positions, triangles, faces: new Uint32Array(tri.length / 3), edges: [equator], closed: true },
    ],
  };
  for (let k = 0; k < 2; k++) encodePng({ ...drawView(sceneOf(tessellation), "iso", 800, 600), channels: 3 });
}

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

// After the listener: a message that arrives meanwhile waits in the port's queue.
if (parentPort) warmUp();

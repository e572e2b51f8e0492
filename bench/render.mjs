// Preview rendering cost: one iso 800×600 PNG of a moderately complex part (a filleted flange
// with a bored boss and six bolt holes), split into worker tessellation, rasterization and PNG
// encoding, against two baselines measured in the same run: a `ping` round trip and an STL
// export of the same part. Goal: median ≤ 300 ms per image after warm-up.
// Imports the compiled code: run `npm run bench` (builds first) or `npx tsc -p .` before.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CadClient } from "../dist/cad/client.js";
import { findFreecad, freecadInstallHint } from "../dist/cad/find-freecad.js";
import { encodePng } from "../dist/cad/render/png.js";
import { drawView, renderView, sceneOf, tessellate } from "../dist/cad/render/render-parts.js";
import { createRegistry } from "../dist/tools/catalog.js";

const RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 20);
const WARMUP = 5;
const WIDTH = 800;
const HEIGHT = 600;
const GOAL_MS = 300;

const freecad = findFreecad();
if (!freecad) {
  console.error(`render: FreeCAD not found: ${freecadInstallHint()}`);
  process.exit(4);
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))];
  return { n: s.length, median: at(0.5), p90: at(0.9) };
}

async function time(fn, runs = RUNS) {
  for (let i = 0; i < WARMUP; i++) await fn(-1 - i);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

const outDir = mkdtempSync(path.join(os.tmpdir(), "cadagent-bench-render-"));
const cad = new CadClient({ freecadCmd: freecad.path, defaultTimeoutMs: 60_000 });
const started = performance.now();
let rows;
let detail;
try {
  await cad.start();
  const registry = createRegistry();
  const ctx = { cad, outDir };
  const tool = async (name, input) => {
    const o = await registry.execute(name, input, ctx);
    if (!o.ok) throw new Error(`${name}: ${o.error?.message}`);
    return o.result;
  };
  await tool("create_box", { name: "plate", length: 80, width: 80, height: 8 });
  await tool("create_cylinder", { name: "boss", radius: 15, height: 25, position: [40, 40, 8] });
  await tool("boolean", { name: "body", op: "union", base: "plate", tools: ["boss"] });
  await tool("create_cylinder", { name: "bore", radius: 8, height: 60, position: [40, 40, -5] });
  await tool("create_cylinder", { name: "bolt", radius: 3, height: 30, position: [68, 40, -5] });
  await tool("polar_pattern", { name: "bolts", object: "bolt", axis: [0, 0, 1], center: [40, 40, 0], count: 6 });
  await tool("boolean", { name: "cut", op: "cut", base: "body", tools: ["bore", "bolts"] });
  const part = await tool("fillet", { name: "flange", object: "cut", radius: 3, edges: "|Z and not %CIRCLE" });

  const ping = await time(() => cad.call("ping"));
  const stl = await time(() => tool("export", { format: "stl", objects: ["flange"], filename: "flange.stl" }));
  // Cached: the worker reuses the mesh of an unchanged part (several views of one design).
  const tessCached = await time(() => tessellate(cad, ["flange"]));
  // Cold: a tolerance that differs by a hair each time defeats the cache (a changed design).
  const tessCold = await time((i) => tessellate(cad, ["flange"], 0.1 * (1 + (i + 10) * 1e-6)));
  const scene = sceneOf(await tessellate(cad, ["flange"]));
  let image;
  const draw = await time(() => {
    image = drawView(scene, "iso", WIDTH, HEIGHT);
  });
  const encode = await time(() => encodePng({ ...image, channels: 3 }));
  const total = await time(() => renderView(cad, { view: "iso", objects: ["flange"], width: WIDTH, height: HEIGHT }));
  const totalCold = await time((i) =>
    renderView(cad, {
      view: "iso",
      objects: ["flange"],
      width: WIDTH,
      height: HEIGHT,
      tolerance: 0.1 * (1 + (i + 100) * 1e-6),
    }),
  );
  const mesh = scene.tessellation.parts[0];
  detail = `part: ${part.faces} faces, ${part.edges} edges; mesh ${mesh.triangles.length / 3} triangles, ${mesh.edges.length} edge polylines; PNG ${encodePng({ ...image, channels: 3 }).length} bytes`;
  rows = [
    ["baseline: ping round trip", ping],
    ["baseline: STL export", stl],
    ["tessellate (mesh cached)", tessCached],
    ["tessellate (cold mesh)", tessCold],
    ["rasterize + annotate", draw],
    ["PNG encode", encode],
    ["render_view total (cached)", total],
    ["render_view total (cold)", totalCold],
  ];
} finally {
  await cad.close();
  rmSync(outDir, { recursive: true, force: true });
}

const stl = rows[1][1].median;
const fmt = (x) => x.toFixed(2).padStart(9);
console.log(`preview rendering, iso ${WIDTH}×${HEIGHT}, 2× supersampled (FreeCAD at ${freecad.path})`);
console.log(detail);
console.log(
  `${"step".padEnd(28)} ${"n".padStart(4)} ${"median ms".padStart(9)} ${"p90 ms".padStart(9)} ${"× STL".padStart(7)}`,
);
for (const [name, s] of rows) {
  console.log(
    `${name.padEnd(28)} ${String(s.n).padStart(4)} ${fmt(s.median)} ${fmt(s.p90)} ${(s.median / stl).toFixed(2).padStart(7)}`,
  );
}
const worst = rows[7][1].median;
console.log(
  `goal (median ≤ ${GOAL_MS} ms per image after warm-up, cold mesh): ${worst <= GOAL_MS ? "met" : "NOT met"} (${worst.toFixed(1)} ms); total ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

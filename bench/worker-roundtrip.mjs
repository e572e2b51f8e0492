// Round-trip overhead of one simple CAD op through the persistent FreeCAD worker, against the
// naive alternative measured in the same run: spawning `freecadcmd -c` for every op.
// Goal (ARCHITECTURE.md): median ≤ 3 ms per op through the worker, ≥ 80× faster than spawning.
// Imports the compiled code: run `npm run bench` (builds first) or `npm run build` before.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CadClient } from "../dist/cad/client.js";
import { findFreecad, freecadInstallHint } from "../dist/cad/find-freecad.js";

const WORKER_OPS = Number(process.env.BENCH_WORKER_OPS ?? 400);
const SPAWN_OPS = Number(process.env.BENCH_SPAWN_OPS ?? 15);
const WARMUP = 20;
// The document is emptied between batches (untimed) so timings do not drift with object count.
const BATCH = 50;

const freecad = findFreecad();
if (!freecad) {
  console.error(`worker-roundtrip: FreeCAD not found: ${freecadInstallHint()}`);
  process.exit(4);
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))];
  return { n: s.length, median: at(0.5), p90: at(0.9) };
}

async function timeWorker(cad, op, args) {
  for (let i = 0; i < WARMUP; i++) await cad.call(op, args(i));
  await cad.reset();
  const samples = [];
  for (let i = 0; i < WORKER_OPS; i++) {
    const t = performance.now();
    await cad.call(op, args(i));
    samples.push(performance.now() - t);
    if ((i + 1) % BATCH === 0) await cad.reset();
  }
  await cad.reset();
  return stats(samples);
}

/** One `freecadcmd -c` per op, in a private FREECAD_USER_HOME as the worker gets. */
function spawnOnce(code, home) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    execFile(
      freecad.path,
      ["-c", code],
      { env: { PATH: process.env.PATH ?? "", HOME: home, FREECAD_USER_HOME: home }, cwd: home },
      (err) => {
        if (err) reject(err);
        else resolve(performance.now() - t);
      },
    );
  });
}

async function timeSpawn(code) {
  const home = mkdtempSync(path.join(os.tmpdir(), "cadagent-bench-"));
  try {
    await spawnOnce(code, home);
    const samples = [];
    for (let i = 0; i < SPAWN_OPS; i++) samples.push(await spawnOnce(code, home));
    return stats(samples);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const cad = new CadClient({ freecadCmd: freecad.path, defaultTimeoutMs: 30_000 });
const started = performance.now();
const worker = await cad.start();
let rows;
try {
  // The ready line lists the worker's ops.
  if (!("create_box" in worker.ops)) {
    console.error("worker-roundtrip: the worker has no create_box op yet (primitives tool family missing)");
    process.exit(1);
  }
  const box = (i) => ({ length: 10 + (i % 5), width: 8, height: 4 });
  const workerPing = await timeWorker(cad, "ping", () => ({}));
  const workerBox = await timeWorker(cad, "create_box", box);
  const spawnPing = await timeSpawn("import FreeCAD");
  const spawnBox = await timeSpawn(
    "import FreeCAD\nd = FreeCAD.newDocument('b')\nb = d.addObject('Part::Box', 'box')\nb.Length = 10\nd.recompute()\nassert b.Shape.Volume > 0",
  );
  rows = [
    ["ping", workerPing, spawnPing],
    ["box + recompute", workerBox, spawnBox],
  ];
} finally {
  await cad.close();
}

const fmt = (x) => x.toFixed(2).padStart(9);
console.log(`worker round trip vs spawning freecadcmd -c per op (FreeCAD at ${freecad.path})`);
console.log(
  `${"op".padEnd(16)} ${"mode".padEnd(15)} ${"n".padStart(5)} ${"median ms".padStart(9)} ${"p90 ms".padStart(9)} ${"ratio".padStart(8)}`,
);
let met = true;
for (const [name, w, s] of rows) {
  const ratio = s.median / w.median;
  console.log(
    `${name.padEnd(16)} ${"worker".padEnd(15)} ${String(w.n).padStart(5)} ${fmt(w.median)} ${fmt(w.p90)} ${"".padStart(8)}`,
  );
  console.log(
    `${"".padEnd(16)} ${"spawn per op".padEnd(15)} ${String(s.n).padStart(5)} ${fmt(s.median)} ${fmt(s.p90)} ${(ratio.toFixed(0) + "×").padStart(8)}`,
  );
  if (name !== "ping") met &&= w.median <= 3 && ratio >= 80;
}
console.log(
  `goal (box + recompute: worker median ≤ 3 ms and ≥ 80× faster than spawning): ${met ? "met" : "NOT met"}; total ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

// `cadagent build` against FreeCAD itself, measured in the same run (issue #15).
//
// Cases: a 50-step plate record (a parameter, a plate and 24 cylinder + cut pairs, generated
// here), a 200-step one (99 pairs), and the three examples. Each case is run alternately 3×
// through `cadagent build` (a fresh Node + FreeCAD worker, STEP/STL/FCStd and preview.png, as CI
// runs it) and through a bare `freecadcmd` script that computes the same document features, checks
// validity once and writes the same STEP, STL (same tolerance) and FCStd. For the plates the bare
// script builds the features itself; for the examples it recomputes every feature of the FCStd
// that cadagent wrote (FreeCAD recomputing the same document). Goal: median ratio ≤ 1.25×.
//
// A second table shows how the replay grows with the number of steps, in-process: per-step
// validity checks (the old path) against the fast path, at 50 and 200 steps.
// Imports the compiled code: run `npm run bench` (builds first) or `npm run build` before.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDesign } from "../dist/agent/build-design.js";
import { CadClient } from "../dist/cad/client.js";
import { findFreecad, freecadInstallHint } from "../dist/cad/find-freecad.js";
import { createRegistry } from "../dist/tools/catalog.js";

const ROUNDS = Number(process.env.BENCH_BUILD_ROUNDS ?? 3);
const GOAL = 1.25;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "cli", "main.js");
const freecad = findFreecad();
if (!freecad) {
  console.error(`build-vs-freecad: FreeCAD not found: ${freecadInstallHint()}`);
  process.exit(4);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-bench-build-"));

/** A plate with `pairs` holes, each a create_cylinder + boolean cut step, after a parameter step. */
function plateRecord(pairs) {
  const cols = Math.ceil(Math.sqrt(pairs * 1.5));
  const holes = Array.from({ length: pairs }, (_, i) => [10 + 12 * (i % cols), 10 + 12 * Math.floor(i / cols)]);
  const length = 20 + 12 * cols;
  const width = 20 + 12 * Math.ceil(pairs / cols);
  const steps = [
    { tool: "set_parameter", input: { name: "hole_d", value: 4 } },
    { tool: "create_box", input: { name: "plate", length, width, height: 10 } },
  ];
  let base = "plate";
  holes.forEach(([x, y], i) => {
    steps.push({ tool: "create_cylinder", input: { name: `h${i}`, radius: 2, height: 10, position: [x, y, 0] } });
    steps.push({ tool: "boolean", input: { name: `p${i}`, op: "cut", base, tools: [`h${i}`] } });
    base = `p${i}`;
  });
  const record = {
    format: "cadagent.design/1",
    brief: `plate with ${pairs} holes`,
    createdWith: { cadagent: "bench", provider: null, model: null, freecad: "" },
    parameters: { hole_d: { value: 4, unit: "mm" } },
    steps,
    final: { parts: [base], summary: "plate" },
  };
  return { record, holes, length, width, final: base };
}

// The STL tolerance cadagent uses (worker tessellation.py), so both write the same mesh.
const TOLERANCE_PY = `
def tol(shape):
    d = max(shape.BoundBox.DiagonalLength, 1e-6)
    return max(min(0.1, 0.0005 * d), 1e-5 * d, 1e-6)
`;

const EXPORTS_PY = `
for p in parts:
    assert p.Shape.isValid(), p.Name
Import.export(parts, os.path.join(OUT, "model.step"))
m = Mesh.Mesh()
for p in parts:
    m.addMesh(MeshPart.meshFromShape(Shape=p.Shape.copy(), LinearDeflection=tol(p.Shape), AngularDeflection=0.2, Relative=False))
m.write(os.path.join(OUT, "model.stl"))
doc.saveCopy(os.path.join(OUT, "model.FCStd"))
`;

function plateScript(plate, out) {
  return `import os, FreeCAD, Part, Import, Mesh, MeshPart
OUT = ${JSON.stringify(out)}
${TOLERANCE_PY}
doc = FreeCAD.newDocument("bare")
prev = doc.addObject("Part::Box", "plate")
prev.Length, prev.Width, prev.Height = ${plate.length}, ${plate.width}, 10
doc.recompute()
for i, (x, y) in enumerate(${JSON.stringify(plate.holes)}):
    c = doc.addObject("Part::Cylinder", "h%d" % i)
    c.Radius, c.Height = 2, 10
    c.Placement.Base = FreeCAD.Vector(x, y, 0)
    cut = doc.addObject("Part::Cut", "p%d" % i)
    cut.Base, cut.Tool, cut.Refine = prev, c, True
    doc.recompute()
    prev = cut
parts = [prev]
${EXPORTS_PY}`;
}

function recomputeScript(fcstd, finals, out) {
  return `import os, FreeCAD, Part, Import, Mesh, MeshPart
OUT = ${JSON.stringify(out)}
${TOLERANCE_PY}
doc = FreeCAD.openDocument(${JSON.stringify(fcstd)})
for o in doc.Objects:
    o.touch()
doc.recompute()
parts = [doc.getObject(n) for n in ${JSON.stringify(finals)}]
${EXPORTS_PY}`;
}

// Both commands run with the same small environment, as bench/batch.mjs runs the CLI: PATH, LANG
// and a HOME of their own. What a machine sets for other tools then counts against neither side:
// where this was written, NODE_EXTRA_CA_CERTS (a CA bundle Node reads at every start, ~60 ms, for
// HTTPS that `build` never makes) was one. BENCH_BUILD_CALLER_ENV=1 passes the caller's environment.
const baseEnv = process.env.BENCH_BUILD_CALLER_ENV
  ? { ...process.env }
  : { PATH: process.env.PATH, LANG: process.env.LANG ?? "C.UTF-8" };
// cadagent's worker runs with glibc's malloc asking for transparent huge pages (worker-env.ts);
// BENCH_BUILD_BARE_HUGEPAGES=1 gives the bare script the same setting, to see how much of the
// ratio that is.
const BARE_EXTRA_ENV = process.env.BENCH_BUILD_BARE_HUGEPAGES ? { GLIBC_TUNABLES: "glibc.malloc.hugetlb=1" } : {};
// cadagent's HOME lasts the whole run, as a user's does: its cache (compiled worker modules) is
// filled by the warm-up build.
const cadagentHome = path.join(tmp, "home-cadagent");
mkdirSync(cadagentHome);

function run(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...baseEnv, ...env } });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${path.basename(cmd)} ${args.join(" ")} exited ${code}: ${err.slice(-800)}`));
      else resolve(performance.now() - t);
    });
  });
}

async function timeCadagent(recordFile, out) {
  rmSync(out, { recursive: true, force: true });
  return run(process.execPath, [cli, "build", recordFile, "-o", out, "--formats", "step,stl,fcstd"], {
    HOME: cadagentHome,
    FREECAD_CMD: freecad.path,
  });
}

async function timeBare(script, out) {
  rmSync(out, { recursive: true, force: true });
  const home = mkdtempSync(path.join(tmp, "home-"));
  const file = path.join(tmp, `bare-${Math.random().toString(36).slice(2)}.py`);
  writeFileSync(`${file}`, script.replaceAll("__OUT__", out));
  mkdirSync(out, { recursive: true });
  try {
    return await run(freecad.path, [file], { HOME: home, FREECAD_USER_HOME: home, ...BARE_EXTRA_ENV });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

// BENCH_BUILD_CASES=plate,growth limits the run (names: plate, examples, growth).
const parts = new Set((process.env.BENCH_BUILD_CASES ?? "plate,examples,growth").split(","));
const cases = [];
for (const pairs of parts.has("plate") ? [24, 99] : []) {
  const plate = plateRecord(pairs);
  const file = path.join(tmp, `plate-${plate.record.steps.length}.cad.json`);
  writeFileSync(file, JSON.stringify(plate.record, null, 2));
  cases.push({
    name: `plate, ${plate.record.steps.length} steps`,
    file,
    bare: () => plateScript(plate, "__OUT__"),
    record: plate.record,
  });
}
for (const ex of parts.has("examples") ? ["plate-with-holes", "l-bracket", "flanged-bushing"] : []) {
  const file = path.join(root, "examples", `${ex}.cad.json`);
  const record = JSON.parse(readFileSync(file, "utf8"));
  cases.push({ name: ex, file, record, bare: null });
}

const started = performance.now();
const rows = [];
const f = (x) => x.toFixed(0).padStart(9);
console.log(
  `cadagent build vs a bare freecadcmd script, median of ${ROUNDS} alternated runs (FreeCAD at ${freecad.path}${process.env.BENCH_BUILD_BARE_HUGEPAGES ? "; the bare script with huge pages too" : ""})`,
);
console.log(
  `${"case".padEnd(22)} ${"steps".padStart(5)} ${"cadagent ms".padStart(11)} ${"bare ms".padStart(9)} ${"ratio".padStart(7)}`,
);
try {
  for (const c of cases) {
    const outC = path.join(tmp, "out-cadagent");
    const outB = path.join(tmp, "out-bare");
    // Warm-up (untimed): page cache, and the FCStd the examples' bare script recomputes.
    const warm = path.join(tmp, "warm");
    await timeCadagent(c.file, warm);
    let bare = c.bare?.();
    if (!bare) {
      const fcstd = path.join(tmp, `${c.name}.FCStd`);
      rmSync(fcstd, { force: true });
      writeFileSync(fcstd, readFileSync(path.join(warm, "model.FCStd")));
      bare = recomputeScript(fcstd, c.record.final.parts, "__OUT__");
    }
    await timeBare(bare, outB);
    const a = [];
    const b = [];
    for (let i = 0; i < ROUNDS; i++) {
      a.push(await timeCadagent(c.file, outC));
      b.push(await timeBare(bare, outB));
    }
    const r = { name: c.name, steps: c.record.steps.length, cadagent: median(a), bare: median(b) };
    rows.push(r);
    console.log(
      `${r.name.padEnd(22)} ${String(r.steps).padStart(5)} ${f(r.cadagent).padStart(11)} ${f(r.bare)} ${((r.cadagent / r.bare).toFixed(2) + "×").padStart(7)}`,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const plate50 = rows.find((r) => r.name.startsWith("plate, 50"));
const met = plate50 !== undefined && plate50.cadagent / plate50.bare <= GOAL;

// Growth with the number of steps, in-process (no start-up): per-step checks vs the fast path.
const growth = [];
const cad = new CadClient({ freecadCmd: freecad.path, defaultTimeoutMs: 300_000 });
await cad.start();
const registry = createRegistry();
const outG = mkdtempSync(path.join(os.tmpdir(), "cadagent-bench-growth-"));
try {
  for (const pairs of parts.has("growth") ? [24, 99] : []) {
    const { record } = plateRecord(pairs);
    const ms = {};
    for (const fast of [false, true, false, true]) {
      await cad.reset();
      const t = performance.now();
      const r = await buildDesign({
        record,
        outDir: outG,
        formats: [],
        registry,
        cad,
        renderPreview: null,
        fastReplay: fast,
      });
      if (r.exitCode !== 0) throw new Error(`growth build failed: ${r.error}`);
      const key = fast ? "fast" : "checked";
      ms[key] = Math.min(ms[key] ?? Infinity, performance.now() - t);
    }
    growth.push({ steps: record.steps.length, ...ms });
  }
} finally {
  await cad.close();
  rmSync(outG, { recursive: true, force: true });
}
console.log(`\nreplay cost by number of steps (in-process, no exports; best of 2)`);
console.log(
  `${"steps".padStart(5)} ${"checked ms".padStart(10)} ${"fast ms".padStart(9)} ${"fast/checked".padStart(12)}`,
);
for (const g of growth)
  console.log(
    `${String(g.steps).padStart(5)} ${f(g.checked).padStart(10)} ${f(g.fast)} ${((g.fast / g.checked).toFixed(2) + "×").padStart(12)}`,
  );
const [g50, g200] = growth;
if (g50 && g200)
  console.log(
    `200 vs 50 steps (4× the steps): checked ${(g200.checked / g50.checked).toFixed(2)}×, fast ${(g200.fast / g50.fast).toFixed(2)}×`,
  );
console.log(
  `goal (50-step plate: cadagent build ≤ ${GOAL}× the bare script): ${met ? "met" : "NOT met"}; total ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

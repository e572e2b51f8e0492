// A simulation of scale-out: 1,000 small design-record jobs over 8 shards, run here as 8
// sequential `cadagent batch --shard i/8` processes (one per would-be machine), then
// `cadagent batch merge`. Reports that every job appears exactly once in the merged summary, the
// shard sizes, the merge time, the size of index.html and summary.json, and the projected wall
// time on 8 machines (slowest shard + merge; mean shard + merge) against 1 machine (all shards
// back to back, the same-run baseline). Runs the compiled CLI: `npm run bench` (builds first) or `npm run build`.
// BENCH_SCALE_JOBS, BENCH_SCALE_SHARDS and BENCH_SCALE_CONCURRENCY change the sizes.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findFreecad, freecadInstallHint } from "../dist/cad/find-freecad.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.join(here, "..", "dist", "cli", "main.js");
const JOBS = Number(process.env.BENCH_SCALE_JOBS ?? 1000);
const SHARDS = Number(process.env.BENCH_SCALE_SHARDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 2);

const freecad = findFreecad();
if (!freecad) {
  console.error(`scale: FreeCAD not found: ${freecadInstallHint()}`);
  process.exit(4);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-bench-scale-"));
const env = {
  PATH: process.env.PATH,
  LANG: "C.UTF-8",
  HOME: tmp,
  CADAGENT_HOME: path.join(tmp, "cadagent-home"),
  FREECAD_CMD: freecad.path,
};

// The smallest useful record: one parametric box, its size varied per job.
writeFileSync(
  path.join(tmp, "box.cad.json"),
  JSON.stringify({
    format: "cadagent.design/1",
    brief: "a parametric block",
    createdWith: { cadagent: "0.1.0", provider: null, model: null, freecad: "" },
    parameters: {},
    steps: [
      { tool: "set_parameter", input: { name: "w", value: 20, unit: "mm", description: "block length" } },
      { tool: "create_box", input: { name: "block", length: "w", width: 10, height: 5 } },
    ],
    final: { parts: ["block"], summary: "a block" },
  }),
);
const ids = Array.from({ length: JOBS }, (_, i) => `block-${String(i).padStart(4, "0")}`);
const jobsFile = path.join(tmp, "jobs.jsonl");
writeFileSync(
  jobsFile,
  ids.map((id, i) => JSON.stringify({ id, design: "box.cad.json", set: { w: 10 + (i % 90) } })).join("\n") + "\n",
);

function runCli(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [main, ...args], { env, cwd: tmp, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, ms: performance.now() - t0, stderr }));
  });
}

const readJson = (f) => JSON.parse(readFileSync(f, "utf8"));
const shardRows = [];
try {
  for (let i = 1; i <= SHARDS; i++) {
    const out = path.join("shards", `s${i}`);
    const r = await runCli(
      ["batch", jobsFile, "--shard", `${i}/${SHARDS}`, "--concurrency", String(CONCURRENCY)].concat([
        "--formats",
        "step",
        "-o",
        out,
      ]),
    );
    if (r.code !== 0) throw new Error(`shard ${i}/${SHARDS} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
    const s = readJson(path.join(tmp, out, "summary.json"));
    shardRows.push({ shard: `${i}/${SHARDS}`, jobs: s.jobs.length, ms: r.ms });
    console.error(`scale: shard ${i}/${SHARDS}: ${s.jobs.length} jobs in ${(r.ms / 1000).toFixed(1)} s`);
  }
  const dirs = shardRows.map((_, k) => path.join("shards", `s${k + 1}`));
  const m = await runCli(["batch", "merge", ...dirs, "--jobs", jobsFile, "-o", "merged"]);
  if (m.code !== 0) throw new Error(`merge exited ${m.code}:\n${m.stderr.slice(-2000)}`);
  const merged = readJson(path.join(tmp, "merged", "summary.json"));
  const seen = new Map();
  for (const j of merged.jobs) seen.set(j.id, (seen.get(j.id) ?? 0) + 1);
  const once = ids.every((id) => seen.get(id) === 1) && seen.size === ids.length;
  const allOk = merged.counts.success === JOBS;
  const htmlBytes = statSync(path.join(tmp, "merged", "index.html")).size;
  const jsonBytes = statSync(path.join(tmp, "merged", "summary.json")).size;
  const sizes = shardRows.map((r) => r.jobs);
  const oneMachine = shardRows.reduce((a, r) => a + r.ms, 0);
  const slowest = Math.max(...shardRows.map((r) => r.ms));
  const eight = slowest + m.ms;
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

  console.log(
    `${JOBS} record jobs (one parametric box each, STEP + preview), ${SHARDS} shards, concurrency ${CONCURRENCY}`,
  );
  console.log("");
  console.log("| shard | jobs | wall |");
  console.log("|---|---|---|");
  for (const r of shardRows) console.log(`| ${r.shard} | ${r.jobs} | ${s(r.ms)} |`);
  console.log("");
  console.log("| measure | value |");
  console.log("|---|---|");
  console.log(
    `| every job exactly once in the merged summary | ${once ? "yes" : "NO"} (${seen.size} ids; ${merged.counts.success} succeeded) |`,
  );
  console.log(
    `| shard sizes | ${Math.min(...sizes)}–${Math.max(...sizes)} (differ by ${Math.max(...sizes) - Math.min(...sizes)}) |`,
  );
  console.log(
    `| batch merge of ${SHARDS} folders | ${s(m.ms)} (${(m.ms / JOBS).toFixed(2)} ms per job, process start included) |`,
  );
  console.log(
    `| merged index.html | ${(htmlBytes / 1024).toFixed(0)} KiB (${(htmlBytes / JOBS).toFixed(0)} bytes per job); summary.json ${(jsonBytes / 1024).toFixed(0)} KiB |`,
  );
  console.log(
    `| 1 machine (baseline: the ${SHARDS} shards back to back) | ${s(oneMachine)} (${((JOBS / oneMachine) * 1000).toFixed(1)} jobs/s) |`,
  );
  console.log(`| ${SHARDS} machines, projected (slowest shard + merge) | ${s(eight)} |`);
  console.log(`| speed-up, ${SHARDS} machines vs 1 | ${(oneMachine / eight).toFixed(2)}× (ideal ${SHARDS}×) |`);
  // The shards ran one after another on a shared machine, so their times also carry its load; on
  // identical machines each would take about the mean.
  const typical = oneMachine / SHARDS + m.ms;
  console.log(
    `| ${SHARDS} machines, projected (mean shard + merge) | ${s(typical)}: ${(oneMachine / typical).toFixed(2)}× |`,
  );
  if (!once || !allOk) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

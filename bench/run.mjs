// Runs the benchmarks: every bench/*.mjs except this file, in name order, or only the ones
// named on the command line (`node bench/run.mjs worker-roundtrip`). Each benchmark prints its
// own table with a same-run baseline; this exits non-zero if any of them failed.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const self = path.basename(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith(".mjs") && f !== self)
  .sort();
const wanted = process.argv.slice(2).map((n) => (n.endsWith(".mjs") ? n : `${n}.mjs`));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(
    `bench: unknown benchmark(s) ${unknown.join(", ")} (available: ${all.map((f) => f.replace(/\.mjs$/, "")).join(", ")})`,
  );
  process.exit(2);
}
let failed = 0;
for (const file of wanted.length ? wanted : all) {
  console.log(`\n== ${file.replace(/\.mjs$/, "")}`);
  const r = spawnSync(process.execPath, [path.join(here, file)], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.error(`bench: ${file} failed (${r.signal ?? `exit ${r.status}`})`);
  }
}
process.exit(failed ? 1 : 0);

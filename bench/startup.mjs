// CLI start-up: `cadagent --version`, `--help`, `tools --json` and `keys list` as a user runs
// them (a fresh `node dist/cli/main.js` process each time), against `node -e 0` measured in the
// same run, interleaved so machine load hits both alike. Goal: `--version` within 3× of `node -e 0`.
// Runs the compiled CLI: `npm run bench` (builds first) or `npx tsc -p .` before.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 20);
const WARMUP = 3;
const GOAL = 3;
const main = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const home = mkdtempSync(path.join(os.tmpdir(), "cadagent-bench-startup-"));
const env = { PATH: process.env.PATH, HOME: home, CADAGENT_HOME: path.join(home, "cadagent"), NO_COLOR: "1" };

const cases = [
  ["node -e 0 (baseline)", ["-e", "0"]],
  ["cadagent --version", [main, "--version"]],
  ["cadagent --help", [main, "--help"]],
  ["cadagent tools --json", [main, "tools", "--json"]],
  ["cadagent keys list", [main, "keys", "list"]],
];

function once(args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const samples = cases.map(() => []);
try {
  for (let i = 0; i < WARMUP + RUNS; i++)
    cases.forEach(([, args], c) => {
      const ms = once(args);
      if (i >= WARMUP) samples[c].push(ms);
    });
} finally {
  rmSync(home, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
const base = median(samples[0]);
console.log(`CLI start-up, ${RUNS} runs each after ${WARMUP} warm-up, interleaved (Node ${process.version})`);
console.log(`${"command".padEnd(26)} ${"median ms".padStart(9)} ${"× node -e 0".padStart(12)}`);
cases.forEach(([name], c) => {
  const m = median(samples[c]);
  console.log(`${name.padEnd(26)} ${m.toFixed(1).padStart(9)} ${(m / base).toFixed(2).padStart(12)}`);
});
const ratio = median(samples[1]) / base;
console.log(`--version: ${ratio.toFixed(2)}× node -e 0 (goal ≤ ${GOAL}×): ${ratio <= GOAL ? "met" : "NOT met"}`);

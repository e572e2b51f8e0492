// `cadagent batch` throughput, against baselines measured or derived in the same run:
//  1. Briefs: 24 jobs of 3 scripted turns each against a local OpenAI Chat Completions SSE server (provider openrouter) that
//     takes 1 s to answer every request, concurrency 6. Wall time as a ratio of the ideal
//     (turns · 1 s · jobs / concurrency: the time the provider alone needs), goal ≤ 1.3×; and the
//     peak RSS of the whole process tree (the CLI plus its freecadcmd workers, summed from /proc
//     every 100 ms), goal ≤ 1.5 GB. Baseline row: one job alone. The 24 briefs run RUNS (3) times:
//     the goal must hold in every run, not on average.
//  2. Design records (no LLM): 12 records at concurrency 1 (baseline) and 2, records per second.
// Runs the compiled CLI as a user does: `npm run bench` (builds first) or `npm run build` before.
import { spawn } from "node:child_process";
import http from "node:http";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findFreecad, freecadInstallHint } from "../dist/cad/find-freecad.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.join(here, "..", "dist", "cli", "main.js");
const examples = path.join(here, "..", "examples");
const JOBS = Number(process.env.BENCH_BATCH_JOBS ?? 24);
const CONCURRENCY = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 6);
const TURN_MS = Number(process.env.BENCH_BATCH_TURN_MS ?? 1000);
const TURNS = 3;
const RECORDS = Number(process.env.BENCH_BATCH_RECORDS ?? 12);
const RUNS = Number(process.env.BENCH_BATCH_RUNS ?? 3);

const freecad = findFreecad();
if (!freecad) {
  console.error(`batch: FreeCAD not found: ${freecadInstallHint()}`);
  process.exit(4);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-bench-batch-"));

// ---- a local OpenAI-compatible SSE server: every answer after TURN_MS, one conversation per job ----
// Stateless: the job is the [job:<id>] marker in the brief, the turn the number of assistant messages.
const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: "b", object: "chat.completion.chunk", created: 0, model: "bench", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
function sendCall(res, id, name, args) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(
    chunk({
      role: "assistant",
      content: null,
      tool_calls: [{ index: 0, id, type: "function", function: { name, arguments: JSON.stringify(args) } }],
    }),
  );
  res.write(chunk({}, "tool_calls"));
  res.write(
    `data: ${JSON.stringify({ id: "b", object: "chat.completion.chunk", created: 0, model: "bench", choices: [], usage: { prompt_tokens: 1500, completion_tokens: 40, total_tokens: 1540 } })}\n\n`,
  );
  res.end("data: [DONE]\n\n");
}
const TURN_CALLS = [
  (n) => ["set_parameter", { name: "w", value: 20 + n }],
  () => ["create_box", { name: "x", length: "w", width: 10, height: 5 }],
  () => ["finish", { parts: ["x"], summary: "bench box" }],
];
let requests = 0;
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    requests++;
    const parsed = JSON.parse(body);
    const job = /\[job:b(\d+)\]/.exec(body)?.[1] ?? "0";
    const turn = parsed.messages.filter((m) => m.role === "assistant").length;
    const [name, args] = (TURN_CALLS[turn] ?? TURN_CALLS[2])(Number(job));
    setTimeout(() => sendCall(res, `call_${job}_${turn}`, name, args), TURN_MS);
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const baseUrl = `http://127.0.0.1:${server.address().port}/v1`;

const home = path.join(tmp, "home");
mkdirSync(home, { recursive: true });
const env = {
  PATH: process.env.PATH,
  LANG: "C.UTF-8",
  HOME: home,
  CADAGENT_HOME: path.join(home, "cadagent"),
  FREECAD_CMD: freecad.path,
  OPENROUTER_API_KEY: "sk-or-bench-not-a-real-key-000000",
};

// ---- process-tree RSS from /proc ---------------------------------------------------------------
function tree(root) {
  const kids = new Map();
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(p));
    } catch {
      // exited meanwhile
    }
  }
  const out = [];
  const walk = (pid) => {
    out.push(pid);
    for (const k of kids.get(pid) ?? []) walk(k);
  };
  walk(root);
  return out;
}
function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Run the CLI; returns wall ms, peak tree RSS, peak process count and the summary. */
function runCli(args, out) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [main, ...args, "-o", out], {
      env,
      cwd: tmp,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    let peak = 0;
    let peakProcs = 0;
    const sample = () => {
      const pids = tree(child.pid);
      peakProcs = Math.max(peakProcs, pids.length);
      peak = Math.max(
        peak,
        pids.reduce((s, p) => s + rssBytes(p), 0),
      );
    };
    const timer = setInterval(sample, 100);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`batch exited ${code}:\n${stderr}`));
      const summary = JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8"));
      const reports = summary.jobs.map((j) => JSON.parse(readFileSync(path.join(out, j.dir, "report.json"), "utf8")));
      const mean = (f) => reports.reduce((a, r) => a + f(r), 0) / Math.max(1, reports.length);
      resolve({
        ms,
        peak,
        peakProcs,
        summary,
        job: {
          total: mean((r) => r.timing.totalMs),
          llm: mean((r) => r.timing.llmMs),
          cad: mean((r) => r.timing.cadMs),
        },
      });
    });
  });
}

function briefJobs(n, name) {
  const file = path.join(tmp, `${name}.jsonl`);
  writeFileSync(
    file,
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({ id: `b${i}`, brief: `A box, ${20 + i} mm long [job:b${i}]` }),
    ).join("\n") + "\n",
  );
  return file;
}
function recordJobs(n) {
  const recs = [
    ["plate-with-holes", "length", 100],
    ["l-bracket", "width", 40],
    ["flanged-bushing", "length", 40],
  ];
  const file = path.join(tmp, "records.jsonl");
  const lines = Array.from({ length: n }, (_, i) => {
    const [rec, param, base] = recs[i % recs.length];
    return JSON.stringify({ id: `r${i}`, design: path.join(examples, `${rec}.cad.json`), set: { [param]: base + i } });
  });
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

// OpenRouter speaks Chat Completions, as this server does (the openai provider uses the Responses API).
const briefArgs = ["-p", "openrouter", "--base-url", baseUrl, "--no-review"];
try {
  const single = await runCli(
    ["batch", briefJobs(1, "one"), ...briefArgs, "--concurrency", "1"],
    path.join(tmp, "out-one"),
  );
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    requests = 0;
    const run = await runCli(
      ["batch", briefJobs(JOBS, "many"), ...briefArgs, "--concurrency", String(CONCURRENCY)],
      path.join(tmp, `out-many-${i}`),
    );
    if (run.summary.counts.success !== JOBS)
      throw new Error(`only ${run.summary.counts.success}/${JOBS} jobs succeeded`);
    if (requests !== JOBS * TURNS) throw new Error(`expected ${JOBS * TURNS} requests, got ${requests}`);
    runs.push(run);
  }
  const many = runs.reduce((a, b) => (b.ms > a.ms ? b : a));
  const recFile = recordJobs(RECORDS);
  const rec1 = await runCli(["batch", recFile, "--concurrency", "1"], path.join(tmp, "out-r1"));
  const rec2 = await runCli(["batch", recFile, "--concurrency", "2"], path.join(tmp, "out-r2"));
  for (const r of [rec1, rec2]) if (r.summary.counts.success !== RECORDS) throw new Error("a record job failed");

  const ideal = (TURNS * TURN_MS * JOBS) / CONCURRENCY;
  const gb = (b) => (b / 1024 ** 3).toFixed(2);
  const s = (ms) => (ms / 1000).toFixed(2);
  const row = (name, value, ratio = "", goal = "") =>
    console.log(`${name.padEnd(62)} ${String(value).padStart(9)} ${String(ratio).padStart(8)} ${goal.padStart(8)}`);
  console.log(
    `batch: ${JOBS} briefs × ${TURNS} turns, provider answers after ${TURN_MS} ms, concurrency ${CONCURRENCY}; ${RECORDS} design records`,
  );
  row("", "value", "ratio", "goal");
  row("baseline: ideal wall time (turns·1 s·jobs/concurrency), s", s(ideal));
  row("baseline: one brief alone (3 turns), wall s", s(single.ms), (single.ms / (TURNS * TURN_MS)).toFixed(2) + "×");
  runs.forEach((r, i) =>
    row(
      `${JOBS} briefs at concurrency ${CONCURRENCY}, run ${i + 1}/${RUNS}, wall s (vs ideal)`,
      s(r.ms),
      (r.ms / ideal).toFixed(2) + "×",
      "≤ 1.30×",
    ),
  );
  const worst = many.ms / ideal;
  row(`  goal in every run (worst ${worst.toFixed(2)}×)`, worst <= 1.3 ? "met" : "NOT met");
  console.log("  (the slowest run below)");
  row("  per job: mean wall / LLM / CAD, s", `${s(many.job.total)} / ${s(many.job.llm)} / ${s(many.job.cad)}`);
  const peak = runs.reduce((a, b) => (b.peak > a.peak ? b : a));
  row(`peak RSS, CLI + freecadcmd workers (≤ ${peak.peakProcs} processes), GB`, gb(peak.peak), "", "≤ 1.50");
  row("peak RSS, one brief alone, GB", gb(single.peak));
  const tp1 = RECORDS / (rec1.ms / 1000);
  const tp2 = RECORDS / (rec2.ms / 1000);
  row("design records at concurrency 1 (baseline), records/s", tp1.toFixed(2));
  row("design records at concurrency 2, records/s", tp2.toFixed(2), (tp2 / tp1).toFixed(2) + "×");
  row("peak RSS, records at concurrency 2, GB", gb(rec2.peak));
} finally {
  server.close();
  // BENCH_BATCH_KEEP=1 keeps the output folders (transcripts, reports) to see where time went.
  if (process.env.BENCH_BATCH_KEEP) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { near } from "../../helpers/cad.js";
import { httpError, startOpenAiResponsesServer, type ReplyTurn, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, filesContaining, readReport, type AgentCli } from "../../helpers/agent-cli.js";
import { PLATE_VOLUME } from "../../helpers/design-script.js";
import { readStep } from "../../helpers/cli-harness.js";
import { bushingVolume, plateVolume } from "../../helpers/volumes.js";
import {
  briefFor,
  brokenRecord,
  examplesDir,
  neverFinishes,
  perJobScript,
  platePlan,
  readSummary,
  requestsPerJob,
  writeJobs,
} from "../../helpers/batch-script.js";

/**
 * `cadagent batch` end to end: the compiled CLI in a child process with a clean environment,
 * brief jobs answered by a local server speaking OpenAI's real SSE wire format (one scripted
 * conversation per job, served concurrently), design-record jobs rebuilt in real FreeCAD. Every
 * volume is computed by hand from the dimensions.
 */

const KEY = "sk-batch-FAKE-KEY-0123456789abcdefXYZ";
let cli: AgentCli;

beforeAll(() => {
  cli = buildAgentCli();
});
afterAll(() => cli.close());

const plate = path.join(examplesDir, "plate-with-holes.cad.json");
const bushing = path.join(examplesDir, "flanged-bushing.cad.json");

describe("a batch of briefs and design records", () => {
  let server: WireServer;
  afterAll(async () => server?.close());

  it("runs both kinds concurrently; a failing job does not stop the others; summary.json and index.html tell it all", async () => {
    server = await startOpenAiResponsesServer({
      apiKey: KEY,
      script: perJobScript({ "plate-a": platePlan(), "plate-b": platePlan(), stuck: neverFinishes }),
    });
    const dir = path.join(cli.tmp, "mixed");
    const jobsFile = writeJobs(dir, [
      "# briefs go to the LLM, records are rebuilt without one",
      { id: "plate-a", brief: briefFor("plate-a") },
      { id: "plate-b", brief: briefFor("plate-b"), model: "gpt-5.6-luna" },
      { id: "stuck", brief: briefFor("stuck", "A part the model never finishes") },
      { id: "plate-120", design: path.relative(dir, plate), set: { length: 120 } },
      { id: "bushing-6", design: bushing, set: { bolt_count: "6" }, out: "records/bushing-6" },
      { id: "broken", design: brokenRecord(dir) },
    ]);
    const out = cli.outDir("mixed");
    const env = agentEnv(cli.tmp, { OPENAI_API_KEY: KEY });
    const r = await cli.run(
      [
        "batch",
        jobsFile,
        "-o",
        out,
        "-p",
        "openai",
        "--base-url",
        server.baseUrl,
        "--concurrency",
        "3",
        "--max-turns",
        "6",
        "--no-review",
        "--json",
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(1);

    // --json: summary.json on stdout, nothing else there.
    const summary = readSummary(out);
    expect(JSON.parse(r.stdout)).toEqual(summary);
    expect(summary).toMatchObject({ format: "cadagent.batch/1", concurrency: 3, interrupted: false });
    expect(summary.counts).toEqual({ total: 6, success: 4, failed: 2, interrupted: 0, notRun: 0, resumed: 0 });
    const byId = new Map(summary.jobs.map((j) => [j.id, j]));
    expect(summary.jobs.map((j) => j.id)).toEqual(["plate-a", "plate-b", "stuck", "plate-120", "bushing-6", "broken"]);
    expect(summary.jobs.map((j) => j.status)).toEqual(["success", "success", "failed", "success", "success", "failed"]);

    // Brief jobs: the plate with its hole, each from its own conversation of four turns.
    for (const id of ["plate-a", "plate-b"]) {
      const rep = readReport(path.join(out, id));
      expect(rep).toMatchObject({ status: "success", provider: "openai", turns: 4, toolErrors: 0 });
      expect(near(rep.parts[0]?.volume ?? 0, PLATE_VOLUME, 1e-6)).toBe(true);
      expect(rep.files).toMatchObject({
        step: "model.step",
        stl: "model.stl",
        fcstd: "model.FCStd",
        preview: "preview.png",
      });
      for (const f of Object.values(rep.files)) expect(existsSync(path.join(out, id, f))).toBe(true);
    }
    expect(readReport(path.join(out, "plate-a")).model).toBe("gpt-5.6-terra");
    expect(readReport(path.join(out, "plate-b")).model).toBe("gpt-5.6-luna");
    expect(
      server.requests.filter((q) => q.rawBody.includes("[job:plate-b]")).every((q) => q.model === "gpt-5.6-luna"),
    ).toBe(true);
    const perJob = requestsPerJob(server.requests);
    expect(Object.fromEntries(perJob)).toEqual({ "plate-a": 4, "plate-b": 4, stuck: 6 });
    expect(readReport(path.join(out, "stuck"))).toMatchObject({
      status: "failed",
      exitCode: 1,
      stopReason: "max-turns",
      turns: 6,
    });

    // Record jobs: overrides applied, volumes by hand, the STEP re-imported by a separate FreeCAD.
    const p120 = readReport(path.join(out, "plate-120"));
    expect(p120).toMatchObject({ status: "success", turns: 0, usage: null, parameters: { length: { value: 120 } } });
    expect(near(p120.parts[0]?.volume ?? 0, plateVolume(120), 1e-6)).toBe(true);
    const step = await readStep(path.join(out, "plate-120", "model.step"));
    expect(step.volume).toBeCloseTo(plateVolume(120), 3);
    const b6 = readReport(path.join(out, "records", "bushing-6"));
    expect(near(b6.parts[0]?.volume ?? 0, bushingVolume(6), 1e-6)).toBe(true);
    expect(byId.get("bushing-6")?.dir).toBe("records/bushing-6");
    expect(readReport(path.join(out, "broken"))).toMatchObject({ status: "failed", exitCode: 1 });
    expect(byId.get("broken")?.error).toMatch(/no_such_object/);

    // Totals: the tokens of both plates (scripted usage) and of six "stuck" turns.
    expect(summary.usage.inputTokens).toBe(2 * (2000 + 2600 + 3000 + 3300) + 6 * 500);
    expect(summary.usage.outputTokens).toBe(2 * (120 + 90 + 40 + 60) + 6 * 20);
    expect(summary.usage.costUsd).toBeGreaterThan(0);

    // index.html: self-contained, every link relative and pointing at a file that exists.
    const html = readFileSync(path.join(out, "index.html"), "utf8");
    expect(html).not.toMatch(/https?:\/\/|<script|<link/i);
    expect(html).toContain('<img src="plate-a/preview.png"');
    expect(html).toContain('href="records/bushing-6/model.step"');
    const refs = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => decodeURIComponent(m[1] ?? ""));
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(existsSync(path.join(out, ref)), ref).toBe(true);
    for (const id of byId.keys()) expect(html).toContain(`>${id} <span`);

    // Human progress is on stderr, one plain line per start and finish (not a TTY here).
    expect(r.stderr).toMatch(/start plate-a \(brief/);
    expect(r.stderr).toMatch(/✓ plate-120 +success/);
    expect(r.stderr).toMatch(/✗ stuck +failed/);
    expect(r.stderr).toMatch(/batch done: 4\/6 succeeded, 2 failed/);

    // The key reached the server but nothing written.
    expect(server.requests.every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(filesContaining(out, KEY)).toEqual([]);
    expect(r.stderr + r.stdout).not.toContain(KEY);
  });
});

describe("shared rate limits", () => {
  let server: WireServer;
  afterAll(async () => server?.close());

  it("a 429 in one job holds every job's next request to that provider until the retry-after has passed", async () => {
    const seen: { job: string; turn: number; t: number }[] = [];
    let limitedAt: number | undefined;
    server = await startOpenAiResponsesServer({
      apiKey: KEY,
      script: perJobScript({ "rl-a": platePlan(), "rl-b": platePlan(), "rl-c": platePlan() }, (req, job, turn) => {
        seen.push({ job, turn, t: performance.now() });
        if (job === "rl-a" && turn === 0 && limitedAt === undefined) {
          limitedAt = performance.now();
          return httpError(429, { retryAfterMs: 800 });
        }
        // B and C are mid-request when A is told to slow down; their next requests must wait.
        if (turn === 0) return { ...platePlan()(0), delayMs: 150 } as ReplyTurn;
        return undefined;
      }),
    });
    const jobsFile = writeJobs(
      path.join(cli.tmp, "rate"),
      ["rl-a", "rl-b", "rl-c"].map((id) => ({ id, brief: briefFor(id) })),
    );
    const out = cli.outDir("rate");
    // Real retry timing here (the harness scales waits down 1000×); a short base so retry-after decides.
    const env = agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, CADAGENT_RETRY_SCALE: "1", CADAGENT_RETRY_BASE_MS: "100" });
    const r = await cli.run(
      [
        "batch",
        jobsFile,
        "-o",
        out,
        "-p",
        "openai",
        "--base-url",
        server.baseUrl,
        "--concurrency",
        "3",
        "--no-review",
        "--formats",
        "step",
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readSummary(out).counts.success).toBe(3);
    const t429 = limitedAt ?? NaN;
    for (const job of ["rl-b", "rl-c"]) {
      const second = seen.find((x) => x.job === job && x.turn === 1);
      // Without the shared gate this request would come ~150 ms after the 429.
      expect((second?.t ?? 0) - t429, job).toBeGreaterThanOrEqual(780);
    }
    const retried = seen.filter((x) => x.job === "rl-a" && x.turn === 0);
    expect(retried).toHaveLength(2);
    expect((retried[1]?.t ?? 0) - t429).toBeGreaterThanOrEqual(780);
    expect(readReport(path.join(out, "rl-a"))).toMatchObject({ status: "success", retries: 1 });
  });
});

describe("usage errors stop the batch before anything runs (exit 2)", () => {
  it("names the file and line of a bad job", async () => {
    const dir = path.join(cli.tmp, "bad-line");
    const jobsFile = writeJobs(dir, [{ id: "a", design: plate }, '{"id": "b", "brief": "x", "set": {"w": 1}}']);
    const out = cli.outDir("bad-line");
    const r = await cli.run(["batch", jobsFile, "-o", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${jobsFile}:2: `);
    expect(r.stderr).toMatch(/only a design job takes it/);
    expect(existsSync(out)).toBe(false);
  });

  it("names the job and line of an override the record does not have", async () => {
    const dir = path.join(cli.tmp, "bad-set");
    const jobsFile = writeJobs(dir, [
      { id: "ok", design: plate },
      { id: "typo", design: plate, set: { lenght: 120 } },
    ]);
    const out = cli.outDir("bad-set");
    const r = await cli.run(["batch", jobsFile, "-o", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${jobsFile}:2: job 'typo': set: unknown parameter 'lenght'`);
    expect(r.stderr).toContain("length");
    expect(existsSync(out)).toBe(false);
  });

  it("a missing key names the jobs that need it and how to add it; the record jobs do not start either", async () => {
    const dir = path.join(cli.tmp, "no-key");
    const jobsFile = writeJobs(dir, [
      { id: "rec", design: plate },
      { id: "a", brief: "a cube" },
      { id: "b", brief: "a plate", provider: "openai" },
    ]);
    const out = cli.outDir("no-key");
    const r = await cli.run(["batch", jobsFile, "-o", out, "-p", "openai"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /no API key for OpenAI, needed by 2 jobs: 'a' \(.*jobs\.jsonl:2\), 'b' \(.*jobs\.jsonl:3\)/,
    );
    expect(r.stderr).toContain("OPENAI_API_KEY");
    expect(r.stderr).toContain("cadagent keys set openai");
    expect(existsSync(out)).toBe(false);
  });

  it("rejects bad flags", async () => {
    const dir = path.join(cli.tmp, "flags");
    const jobsFile = writeJobs(dir, [{ id: "a", design: plate }]);
    for (const [args, msg] of [
      [["--resume"], /--resume needs -o/],
      [["--concurrency", "0"], /invalid --concurrency '0'/],
      [["--shard", "3/2"], /--shard must be i\/n/],
      [["--retry-failed", "-o", cli.outDir("flags")], /only makes sense with --resume/],
    ] as const) {
      const r = await cli.run(["batch", jobsFile, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    const missing = await cli.run(["batch", path.join(dir, "nope.jsonl")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl: no such file or folder/);
  });
});

describe("--shard", () => {
  it("splits the jobs between shards: every job runs in exactly one, and record jobs need no API key", async () => {
    const dir = path.join(cli.tmp, "shard");
    const lengths = [80, 90, 100, 110, 120, 130, 140, 150];
    const jobsFile = writeJobs(
      dir,
      lengths.map((l) => ({ id: `plate-${l}`, design: plate, set: { length: l } })),
    );
    const ids = new Map<string, number>();
    for (const i of [1, 2]) {
      const out = cli.outDir(`shard-${i}`);
      // No key anywhere in this environment: design records must not ask for one.
      const r = await cli.run([
        "batch",
        jobsFile,
        "-o",
        out,
        "--shard",
        `${i}/2`,
        "--concurrency",
        "2",
        "--formats",
        "step",
      ]);
      expect(r.code, r.stderr).toBe(0);
      const s = readSummary(out);
      expect(s.shard).toBe(`${i}/2`);
      for (const j of s.jobs) {
        ids.set(j.id, (ids.get(j.id) ?? 0) + 1);
        const l = Number(j.id.split("-")[1]);
        expect(near(j.parts[0]?.volume ?? 0, plateVolume(l), 1e-6)).toBe(true);
        expect(existsSync(path.join(out, j.id, "model.step"))).toBe(true);
      }
    }
    expect([...ids.keys()].sort()).toEqual(lengths.map((l) => `plate-${l}`).sort());
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
  });
});

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, type CliHarness } from "../../helpers/cli-harness.js";
import { brokenRecord, examplesDir, readSummary, writeJobs } from "../../helpers/batch-script.js";
import type { BatchSummary } from "../../../src/batch/summary.js";

/**
 * Shards and `cadagent batch merge` end to end, through the compiled CLI and real FreeCAD: the
 * same jobs file run once unsharded and once as three shards (one `--shard 1/3`, two found by
 * `--shard auto` in the environment), then merged. Design-record jobs only: no LLM needed.
 */

let cli: CliHarness;
let jobsFile: string;
const ids = [
  "plate-100",
  "plate-150",
  "plate-150-thick",
  "bracket-40",
  "bracket-60-wide",
  "bushing-4-holes",
  "bushing-6-holes",
  "broken",
];

/** Nothing from the runner's own CI may leak into --shard auto. */
const noShardEnv = {
  CADAGENT_SHARD: "",
  CADAGENT_SHARD_COUNT: "",
  JOB_COMPLETION_INDEX: "",
  AWS_BATCH_JOB_ARRAY_INDEX: "",
  CI_NODE_INDEX: "",
  CI_NODE_TOTAL: "",
  CIRCLE_NODE_INDEX: "",
  CIRCLE_NODE_TOTAL: "",
};

const byId = (s: BatchSummary): Map<string, { status: string; volume: number | undefined }> =>
  new Map(s.jobs.map((j) => [j.id, { status: j.status, volume: j.parts[0]?.volume }]));

beforeAll(async () => {
  cli = buildCli();
  const dir = path.join(cli.tmp, "parts");
  mkdirSync(dir, { recursive: true });
  const ex = (f: string): string => path.join(examplesDir, f);
  jobsFile = writeJobs(dir, [
    { id: "plate-100", design: ex("plate-with-holes.cad.json") },
    { id: "plate-150", design: ex("plate-with-holes.cad.json"), set: { length: 150 } },
    { id: "plate-150-thick", design: ex("plate-with-holes.cad.json"), set: { length: 150, thickness: 10 } },
    { id: "bracket-40", design: ex("l-bracket.cad.json") },
    { id: "bracket-60-wide", design: ex("l-bracket.cad.json"), set: { width: 60, thickness: 6 } },
    { id: "bushing-4-holes", design: ex("flanged-bushing.cad.json") },
    {
      id: "bushing-6-holes",
      design: ex("flanged-bushing.cad.json"),
      set: { bolt_count: 6, flange_d: 70, bolt_circle_d: 54 },
    },
    { id: "broken", design: brokenRecord(dir) },
  ]);
  const base = ["batch", jobsFile, "--concurrency", "2", "--formats", "step"];
  const runs = await Promise.all([
    cli.run([...base, "-o", "all"], { env: noShardEnv }),
    cli.run([...base, "--shard", "1/3", "-o", "shards/s1"], { env: noShardEnv }),
  ]);
  runs.push(
    await cli.run([...base, "--shard", "auto", "-o", "shards/s2"], { env: { ...noShardEnv, CADAGENT_SHARD: "2/3" } }),
    await cli.run([...base, "--shard", "auto", "-o", "shards/s3"], {
      env: { ...noShardEnv, JOB_COMPLETION_INDEX: "2", CADAGENT_SHARD_COUNT: "3" },
    }),
  );
  // The broken job fails the unsharded batch and the one shard it lands in, as for any batch.
  const [all, ...shards] = runs;
  expect(all?.code, all?.stderr).toBe(1);
  expect(shards.map((r) => r.code).sort()).toEqual([0, 0, 1]);
}, 240_000);
afterAll(() => cli.close());

describe("balanced shards through the CLI", () => {
  it("runs 3 + 3 + 2 jobs, each job in exactly one shard, and records the resolved shard", () => {
    const shards = ["s1", "s2", "s3"].map((s) => readSummary(path.join(cli.tmp, "shards", s)));
    expect(shards.map((s) => s.jobs.length).sort()).toEqual([2, 3, 3]);
    expect(shards.map((s) => s.shard)).toEqual(["1/3", "2/3", "3/3"]);
    expect(shards.flatMap((s) => s.jobs.map((j) => j.id)).sort()).toEqual([...ids].sort());
  });

  it("refuses --shard auto without a shard in the environment (exit 2, naming what it found)", async () => {
    const r = await cli.run(["batch", jobsFile, "--shard", "auto", "-o", "never"], {
      env: { ...noShardEnv, CADAGENT_SHARD_COUNT: "4" },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard auto: CADAGENT_SHARD_COUNT is set but neither .*found CADAGENT_SHARD_COUNT=4/);
    expect(existsSync(path.join(cli.tmp, "never"))).toBe(false);
  });
});

describe("cadagent batch merge", () => {
  it("gives the same ids, statuses and volumes as one unsharded batch, with links into the shard folders", async () => {
    const r = await cli.run([
      "batch",
      "merge",
      "shards/s1",
      "shards/s2",
      "shards/s3",
      "--jobs",
      jobsFile,
      "-o",
      "merged",
    ]);
    expect(r.code, r.stderr).toBe(1); // one job failed, as for one batch
    expect(r.stderr).toMatch(/merged 8 jobs from 3 folder\(s\): 7 succeeded, 1 failed/);
    expect(r.stderr).not.toMatch(/warning/);
    const merged = readSummary(path.join(cli.tmp, "merged"));
    const single = readSummary(path.join(cli.tmp, "all"));
    expect(merged.jobs.map((j) => j.id)).toEqual(ids); // jobs-file order
    expect(byId(merged)).toEqual(byId(single));
    expect(merged.counts).toEqual(single.counts);
    expect(merged.merge?.sources.map((s) => [s.dir, s.shard])).toEqual([
      ["../shards/s1", "1/3"],
      ["../shards/s2", "2/3"],
      ["../shards/s3", "3/3"],
    ]);
    for (const j of merged.jobs) {
      expect(j.dir).toMatch(/^\.\.\/shards\/s[123]\//);
      expect(existsSync(path.join(cli.tmp, "merged", j.dir, "report.json")), j.dir).toBe(true);
      if (j.status === "success") expect(existsSync(path.join(cli.tmp, "merged", j.dir, "model.step"))).toBe(true);
    }
    const html = readFileSync(path.join(cli.tmp, "merged", "index.html"), "utf8");
    expect(html).toContain('href="../shards/s1/');
    expect(html).toMatch(/<input type="radio" name="status" id="f-bad"><label for="f-bad">failed \(1\)<\/label>/);
    expect(html).toContain('loading="lazy"');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it("--copy makes a self-contained folder", async () => {
    const r = await cli.run(["batch", "merge", "shards/s1", "shards/s2", "shards/s3", "--copy", "-o", "copied"]);
    expect(r.code).toBe(1);
    const merged = readSummary(path.join(cli.tmp, "copied"));
    expect(merged.merge?.copied).toBe(true);
    for (const j of merged.jobs) {
      expect(j.dir).toBe(j.id);
      expect(existsSync(path.join(cli.tmp, "copied", j.id, "report.json"))).toBe(true);
    }
  });

  it("--copy never replaces a folder cadagent did not write", async () => {
    const foreign = path.join(cli.tmp, "foreign", "plate-100");
    mkdirSync(foreign, { recursive: true });
    writeFileSync(path.join(foreign, "notes.txt"), "mine");
    const r = await cli.run(["batch", "merge", "shards/s1", "shards/s2", "shards/s3", "--copy", "-o", "foreign"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--copy: job 'plate-100': .*not written by cadagent/);
    expect(readFileSync(path.join(foreign, "notes.txt"), "utf8")).toBe("mine");
    expect(readdirSync(path.join(cli.tmp, "foreign"))).toEqual(["plate-100"]); // nothing copied before the check
  });

  it("reports a missing shard and the jobs it held, and a folder merged twice", async () => {
    const missing = await cli.run(["batch", "merge", "shards/s1", "shards/s2", "--jobs", jobsFile, "-o", "partial"]);
    expect(missing.code).toBe(1);
    const s3 = readSummary(path.join(cli.tmp, "shards", "s3")).jobs.map((j) => j.id);
    const partial = readSummary(path.join(cli.tmp, "partial"));
    expect(partial.merge?.missingShards).toEqual(["3/3"]);
    expect(partial.merge?.missing.sort()).toEqual([...s3].sort());
    expect(partial.jobs).toHaveLength(8);
    expect(
      partial.jobs
        .filter((j) => j.status === "not-run")
        .map((j) => j.id)
        .sort(),
    ).toEqual([...s3].sort());
    expect(missing.stderr).toMatch(/warning: .*job\(s\) of the jobs file in no folder/);
    expect(missing.stderr).toMatch(/warning: shard\(s\) with no folder: 3\/3/);

    const twice = await cli.run(["batch", "merge", "shards/s1", "shards/s1", "-o", "twice"]);
    expect(twice.code).toBe(1);
    const t = readSummary(path.join(cli.tmp, "twice"));
    const s1 = readSummary(path.join(cli.tmp, "shards", "s1"));
    expect(t.jobs.map((j) => j.id)).toEqual(s1.jobs.map((j) => j.id)); // each once
    expect(t.merge?.duplicates.map((d) => d.id)).toEqual(s1.jobs.map((j) => j.id));
    expect(twice.stderr).toMatch(/job id\(s\) in more than one folder/);
  });

  it("exits 0 when every merged job succeeded, and 2 for a folder that is not a batch", async () => {
    const one = writeJobs(path.join(cli.tmp, "one"), [
      { id: "plate", design: path.join(examplesDir, "plate-with-holes.cad.json") },
    ]);
    for (const k of ["1", "2"]) {
      const r = await cli.run(["batch", one, "--shard", `${k}/2`, "--formats", "step", "-o", `ok/s${k}`], {
        env: noShardEnv,
      });
      expect(r.code, r.stderr).toBe(0); // shard 2 of 2 has no job: nothing to do is a success
    }
    const good = await cli.run(["batch", "merge", "ok/s1", "ok/s2", "--jobs", one, "-o", "ok/all"]);
    expect(good.code, good.stderr).toBe(0);
    expect(readSummary(path.join(cli.tmp, "ok", "all")).counts).toMatchObject({ total: 1, success: 1 });

    const bad = await cli.run(["batch", "merge", "shards/s1", "parts", "-o", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/parts: no summary\.json/);
    const self = await cli.run(["batch", "merge", "shards/s1", "-o", "shards/s1"]);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/is one of the folders being merged/);
  });
});

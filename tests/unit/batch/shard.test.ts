import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadJobs } from "../../../src/batch/jobs.js";
import { parseShard, shardFromEnv, shardJobs } from "../../../src/batch/shard.js";

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const ids = (n: number, prefix = "job"): { id: string }[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}` }));

describe("balanced shards", () => {
  it("puts every job in exactly one shard, with counts differing by at most one, for 1…50 jobs and 1…8 shards", () => {
    for (let jobs = 1; jobs <= 50; jobs++) {
      const all = ids(jobs);
      for (let n = 1; n <= 8; n++) {
        const seen = new Map<string, number>();
        const sizes: number[] = [];
        for (let i = 1; i <= n; i++) {
          const s = shardJobs(all, { index: i, count: n });
          sizes.push(s.length);
          for (const j of s) seen.set(j.id, (seen.get(j.id) ?? 0) + 1);
        }
        expect(seen.size, `${jobs} jobs / ${n} shards`).toBe(jobs);
        expect([...seen.values()].every((c) => c === 1)).toBe(true);
        expect(
          Math.max(...sizes) - Math.min(...sizes),
          `${jobs} jobs / ${n} shards: ${sizes.join(",")}`,
        ).toBeLessThanOrEqual(1);
      }
    }
  });

  it("depends only on the set of ids: reordered lines give the same shards, in file order", () => {
    const all = ids(23, "part");
    const shuffled = [...all].sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? 1 : -1));
    for (let i = 1; i <= 4; i++) {
      const a = shardJobs(all, { index: i, count: 4 }).map((j) => j.id);
      const b = shardJobs(shuffled, { index: i, count: 4 }).map((j) => j.id);
      expect([...b].sort()).toEqual([...a].sort());
      expect(a).toEqual(all.map((j) => j.id).filter((id) => a.includes(id)));
    }
  });

  it("splits the shipped CI jobs file 4 + 3 over two runners (the hash alone gave 6 + 1)", () => {
    const jobs = loadJobs(path.join(repoRoot, "examples", "ci", "jobs.jsonl"));
    expect(jobs).toHaveLength(7);
    const sizes = [1, 2].map((i) => shardJobs(jobs, { index: i, count: 2 }).length);
    expect(sizes.sort()).toEqual([3, 4]);
  });

  it("parses i/n and rejects nonsense", () => {
    expect(parseShard(" 3/8 ")).toEqual({ index: 3, count: 8 });
    for (const bad of ["0/3", "4/3", "1/0", "a/b", "3", "-1/2", "1/2/3"])
      expect(() => parseShard(bad)).toThrow(/--shard/);
  });
});

describe("--shard auto", () => {
  it("reads each convention, converting 0-based indexes", () => {
    expect(shardFromEnv({ CADAGENT_SHARD: "3/8" })).toMatchObject({ index: 3, count: 8 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "0", CADAGENT_SHARD_COUNT: "8" })).toMatchObject({
      index: 1,
      count: 8,
    });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "7", CADAGENT_SHARD_COUNT: "8" })).toMatchObject({
      index: 8,
      count: 8,
    });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: "4", CADAGENT_SHARD_COUNT: "5" })).toMatchObject({
      index: 5,
      count: 5,
    });
    expect(shardFromEnv({ CI_NODE_INDEX: "1", CI_NODE_TOTAL: "3" })).toMatchObject({ index: 1, count: 3 });
    expect(shardFromEnv({ CI_NODE_INDEX: "3", CI_NODE_TOTAL: "3" })).toMatchObject({ index: 3, count: 3 });
    expect(shardFromEnv({ CIRCLE_NODE_INDEX: "0", CIRCLE_NODE_TOTAL: "2" })).toMatchObject({ index: 1, count: 2 });
    expect(shardFromEnv({ CIRCLE_NODE_INDEX: "1", CIRCLE_NODE_TOTAL: "2" })).toMatchObject({ index: 2, count: 2 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "2", CADAGENT_SHARD_COUNT: "4" }).from).toBe(
      "JOB_COMPLETION_INDEX=2, CADAGENT_SHARD_COUNT=4",
    );
  });

  it("accepts several conventions that agree, and ignores empty values and GitLab's CI_NODE_TOTAL of a job without parallel:", () => {
    expect(shardFromEnv({ CADAGENT_SHARD: "2/4", JOB_COMPLETION_INDEX: "1", CADAGENT_SHARD_COUNT: "4" })).toMatchObject(
      {
        index: 2,
        count: 4,
      },
    );
    expect(shardFromEnv({ CADAGENT_SHARD: "2/4", CADAGENT_SHARD_COUNT: "4" })).toMatchObject({ index: 2, count: 4 });
    expect(shardFromEnv({ CADAGENT_SHARD: "1/2", CI_NODE_TOTAL: "1", CIRCLE_NODE_INDEX: "" })).toMatchObject({
      index: 1,
      count: 2,
    });
  });

  it("refuses missing, partial, malformed, out-of-range and contradictory values, saying what it found", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /no shard in the environment; found none of the variables/],
      [{ CI_NODE_TOTAL: "1" }, /no shard in the environment; found CI_NODE_TOTAL=1/],
      [
        { JOB_COMPLETION_INDEX: "2" },
        /JOB_COMPLETION_INDEX is set .* but CADAGENT_SHARD_COUNT is not; found JOB_COMPLETION_INDEX=2/,
      ],
      [{ AWS_BATCH_JOB_ARRAY_INDEX: "0" }, /AWS_BATCH_JOB_ARRAY_INDEX is set .* but CADAGENT_SHARD_COUNT is not/],
      [{ CADAGENT_SHARD_COUNT: "4" }, /CADAGENT_SHARD_COUNT is set but neither/],
      [{ CI_NODE_INDEX: "2" }, /CI_NODE_INDEX is set .* but CI_NODE_TOTAL is not/],
      [{ CADAGENT_SHARD: "5/4" }, /CADAGENT_SHARD must be i\/n .*got '5\/4'/],
      [{ CADAGENT_SHARD: "auto" }, /CADAGENT_SHARD must be i\/n/],
      [{ JOB_COMPLETION_INDEX: "8", CADAGENT_SHARD_COUNT: "8" }, /from 0 to 7 \(0-based/],
      [{ CI_NODE_INDEX: "0", CI_NODE_TOTAL: "3" }, /from 1 to 3 \(1-based/],
      [{ CIRCLE_NODE_INDEX: "x", CIRCLE_NODE_TOTAL: "2" }, /CIRCLE_NODE_INDEX must be a whole number/],
      [{ JOB_COMPLETION_INDEX: "1", CADAGENT_SHARD_COUNT: "zero" }, /CADAGENT_SHARD_COUNT must be a whole number ≥ 1/],
      [
        { CADAGENT_SHARD: "1/4", JOB_COMPLETION_INDEX: "2", CADAGENT_SHARD_COUNT: "4" },
        /contradictory values: CADAGENT_SHARD=1\/4 means shard 1\/4, JOB_COMPLETION_INDEX=2, CADAGENT_SHARD_COUNT=4 means 3\/4/,
      ],
      [{ CADAGENT_SHARD: "1/4", CADAGENT_SHARD_COUNT: "8" }, /CADAGENT_SHARD=1\/4 contradicts CADAGENT_SHARD_COUNT=8/],
      [
        { CI_NODE_INDEX: "1", CI_NODE_TOTAL: "2", CIRCLE_NODE_INDEX: "1", CIRCLE_NODE_TOTAL: "2" },
        /contradictory values/,
      ],
    ];
    for (const [env, message] of cases) expect(() => shardFromEnv(env), JSON.stringify(env)).toThrow(message);
  });
});

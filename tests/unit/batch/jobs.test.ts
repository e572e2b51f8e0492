import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadJobs, type BatchJob } from "../../../src/batch/jobs.js";
import { parseShard, shardJobs } from "../../../src/batch/shard.js";

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-jobs-"));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("loadJobs", () => {
  it("reads briefs and design records, resolving design paths against the jobs file", () => {
    const f = tmpFile(
      "jobs.jsonl",
      ['{"id":"a","brief":"a plate"}', "", "# comment", '{"id":"b","design":"rec/b.cad.json","set":{"width":50}}'].join(
        "\n",
      ),
    );
    const jobs = loadJobs(f);
    expect(jobs.map((j) => [j.id, j.kind])).toEqual([
      ["a", "brief"],
      ["b", "design"],
    ]);
    expect(jobs[1]?.design).toBe(path.join(path.dirname(f), "rec/b.cad.json"));
    expect(jobs[1]?.set).toEqual({ width: 50 });
  });

  it("names the file and line of a bad job", () => {
    const f = tmpFile("jobs.jsonl", '{"id":"a","brief":"x"}\n{"id":"b"}\n');
    expect(() => loadJobs(f)).toThrow(/jobs\.jsonl:2: .*exactly one of brief or design/);
    const g = tmpFile("jobs.jsonl", '{"id":"a","brief":"x"}\n{not json\n');
    expect(() => loadJobs(g)).toThrow(/jobs\.jsonl:2: not valid JSON/);
    const h = tmpFile("jobs.jsonl", '{"id":"a","brief":"x"}\n{"id":"a","brief":"y"}\n');
    expect(() => loadJobs(h)).toThrow(/duplicate job id 'a'/);
    const k = tmpFile("jobs.jsonl", '{"id":"../evil","brief":"x"}\n');
    expect(() => loadJobs(k)).toThrow(/file-name safe/);
  });

  it("treats a folder as one design job per *.cad.json", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-jobs-"));
    writeFileSync(path.join(dir, "b.cad.json"), "{}");
    writeFileSync(path.join(dir, "a.cad.json"), "{}");
    writeFileSync(path.join(dir, "notes.txt"), "");
    expect(loadJobs(dir).map((j) => j.id)).toEqual(["a", "b"]);
  });
});

describe("sharding", () => {
  const jobs: BatchJob[] = Array.from({ length: 97 }, (_, i) => ({
    id: `job-${i}`,
    brief: "x",
    kind: "brief" as const,
    where: `jobs.jsonl:${i + 1}`,
  }));

  it("partitions every job into exactly one shard, deterministically", () => {
    for (const n of [1, 2, 3, 7]) {
      const seen = new Map<string, number>();
      for (let i = 1; i <= n; i++) {
        for (const j of shardJobs(jobs, { index: i, count: n })) seen.set(j.id, (seen.get(j.id) ?? 0) + 1);
      }
      expect(seen.size).toBe(jobs.length);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
    }
    expect(shardJobs(jobs, { index: 2, count: 3 })).toEqual(
      shardJobs([...jobs].reverse(), { index: 2, count: 3 }).reverse(),
    );
  });

  it("parses i/n and rejects nonsense", () => {
    expect(parseShard("2/5")).toEqual({ index: 2, count: 5 });
    for (const bad of ["0/3", "4/3", "a/b", "3"]) expect(() => parseShard(bad)).toThrow(/--shard/);
  });
});

describe("job fields", () => {
  it("takes set values as numbers or numeric strings, names the line of anything else, and keeps set to design jobs", () => {
    const f = tmpFile("jobs.jsonl", '{"id":"a","design":"x.cad.json","set":{"w":"50","h":2.5}}\n');
    expect(loadJobs(f)[0]?.set).toEqual({ w: 50, h: 2.5 });
    expect(loadJobs(f)[0]?.where).toBe(`${f}:1`);
    const g = tmpFile("jobs.jsonl", '\n{"id":"a","design":"x.cad.json","set":{"w":"50 mm"}}\n');
    expect(() => loadJobs(g)).toThrow(/jobs\.jsonl:2: set\.w: "50 mm" is not a number/);
    const h = tmpFile("jobs.jsonl", '{"id":"a","brief":"x","set":{"w":1}}\n');
    expect(() => loadJobs(h)).toThrow(/jobs\.jsonl:1: .*only a design job takes it/);
    const k = tmpFile("jobs.jsonl", '{"id":"a","brief":"x","colour":"red"}\n');
    expect(() => loadJobs(k)).toThrow(/jobs\.jsonl:1: .*colour/);
  });
});

describe("sharding many jobs", () => {
  it("covers 2000 ids exactly once for every n up to 16, with shards of similar size", () => {
    const many: BatchJob[] = Array.from({ length: 2000 }, (_, i) => ({
      id: `part-${i.toString(36)}`,
      design: "/x",
      kind: "design" as const,
      where: "x",
    }));
    for (let n = 1; n <= 16; n++) {
      const sizes: number[] = [];
      const seen = new Set<string>();
      for (let i = 1; i <= n; i++) {
        const s = shardJobs(many, { index: i, count: n });
        sizes.push(s.length);
        for (const j of s) {
          expect(seen.has(j.id)).toBe(false);
          seen.add(j.id);
        }
      }
      expect(seen.size).toBe(many.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});

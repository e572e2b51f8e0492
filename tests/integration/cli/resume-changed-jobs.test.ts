import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, examplesDir, type CliHarness } from "../../helpers/cli-harness.js";
import { readSummary, writeJobs } from "../../helpers/batch-script.js";

/**
 * Item 6: report.json stores a hash of the job line and its record, and `--resume` re-runs a
 * job whose definition changed (it used to keep the stale part and report success). Item 7:
 * index.html shows a design job's overrides beside the record's original brief.
 */

const PLATE = path.join(examplesDir, "plate-with-holes.cad.json");
let cli: CliHarness;

beforeAll(() => {
  cli = buildCli();
});
afterAll(() => cli.close());

interface HashedReport {
  status: string;
  jobHash?: string;
  parameters: Record<string, { value: number }>;
}
const report = (dir: string): HashedReport =>
  JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as HashedReport;
const mtime = (dir: string): number => statSync(path.join(dir, "report.json")).mtimeMs;

describe("--resume and changed jobs", () => {
  it("re-runs exactly the job whose `set` changed; an unchanged batch re-runs nothing", async () => {
    const dir = path.join(cli.tmp, "resume");
    const out = path.join(dir, "out");
    const jobs = (length: number): string =>
      writeJobs(dir, [
        { id: "a", design: PLATE, set: { length: 120 } },
        { id: "b", design: PLATE, set: { length: length } },
        { id: "c", design: PLATE },
      ]);

    const first = await cli.run(["batch", jobs(80), "-o", out]);
    expect(first.code, first.stderr).toBe(0);
    const hashes = Object.fromEntries(["a", "b", "c"].map((id) => [id, report(path.join(out, id)).jobHash]));
    for (const h of Object.values(hashes)) expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(Object.values(hashes)).size).toBe(3);
    const before = { a: mtime(path.join(out, "a")), c: mtime(path.join(out, "c")) };
    expect(readFileSync(path.join(out, "index.html"), "utf8")).toContain("with length=80 (set)");

    const second = await cli.run(["batch", jobs(90), "-o", out, "--resume"]);
    expect(second.code, second.stderr).toBe(0);
    const summary = readSummary(out);
    expect(summary.counts).toMatchObject({ total: 3, success: 3, resumed: 2 });
    expect(summary.jobs.map((j) => [j.id, j.resumed])).toEqual([
      ["a", true],
      ["b", false],
      ["c", true],
    ]);
    expect(report(path.join(out, "b")).parameters.length?.value).toBe(90);
    expect(report(path.join(out, "b")).jobHash).not.toBe(hashes.b);
    // The others were not touched.
    expect(mtime(path.join(out, "a"))).toBe(before.a);
    expect(mtime(path.join(out, "c"))).toBe(before.c);
    const html = readFileSync(path.join(out, "index.html"), "utf8");
    expect(html).toContain("with length=90 (set)");
    expect(html).toContain("with length=120 (set)");

    const third = await cli.run(["batch", jobs(90), "-o", out, "--resume"]);
    expect(third.code, third.stderr).toBe(0);
    expect(readSummary(out).counts).toMatchObject({ total: 3, resumed: 3 });
  });
});

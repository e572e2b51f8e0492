import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadJobs, type BatchJob } from "../../../src/batch/jobs.js";
import { loadRecords } from "../../../src/batch/records.js";
import { createRegistry } from "../../../src/tools/catalog.js";

const examples = path.resolve(import.meta.dirname, "..", "..", "..", "examples");
const tools = createRegistry({ allowPython: false }).names();
const job = (id: string, design: string, set?: Record<string, number>): BatchJob => ({
  id,
  kind: "design",
  design,
  where: `jobs.jsonl:${id}`,
  ...(set ? { set } : {}),
});

describe("loadRecords", () => {
  it("applies each job's overrides to its own copy of a shared record", () => {
    const plate = path.join(examples, "plate-with-holes.cad.json");
    const recs = loadRecords([job("a", plate, { length: 120 }), job("b", plate)], tools);
    const len = (id: string): unknown =>
      recs.get(id)?.record.steps.find((s) => s.tool === "set_parameter" && s.input.name === "length")?.input.value;
    expect(len("a")).toBe(120);
    expect(len("b")).toBe(100);
    expect(recs.get("a")?.source).toBe(plate);
  });

  it("reports every bad job at once: unreadable file, invalid record (file:line), unknown parameter, run_python without --allow-python", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-records-"));
    const bad = path.join(dir, "bad.cad.json");
    writeFileSync(bad, '{\n  "format": "cadagent.design/1",\n  "steps": 3\n}\n');
    const py = path.join(dir, "py.cad.json");
    writeFileSync(
      py,
      JSON.stringify({
        format: "cadagent.design/1",
        brief: "",
        createdWith: { cadagent: "0", provider: null, model: null, freecad: "" },
        parameters: {},
        steps: [{ tool: "run_python", input: { code: "1" } }],
        final: null,
      }),
    );
    const plate = path.join(examples, "plate-with-holes.cad.json");
    let message = "";
    try {
      loadRecords(
        [
          job("missing", path.join(dir, "nope.cad.json")),
          job("bad", bad),
          job("typo", plate, { lenght: 1 }),
          job("py", py),
        ],
        tools,
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("jobs.jsonl:missing: job 'missing': ");
    expect(message).toMatch(/nope\.cad\.json: cannot read the design record \(no such file\)/);
    expect(message).toMatch(/bad\.cad\.json:\d+: /);
    expect(message).toContain("jobs.jsonl:typo: job 'typo': set: unknown parameter 'lenght'");
    expect(message).toMatch(/py\.cad\.json:\d+: step 1: unknown tool 'run_python' \(.*--allow-python/);
  });
});

describe("examples/ci/jobs.jsonl (the CI recipe's jobs)", () => {
  it("loads, and every job's record takes its overrides", () => {
    const jobs = loadJobs(path.join(examples, "ci", "jobs.jsonl"));
    expect(jobs.length).toBeGreaterThanOrEqual(5);
    expect(jobs.every((j) => j.kind === "design")).toBe(true);
    const recs = loadRecords(jobs, tools);
    expect(recs.size).toBe(jobs.length);
  });
});

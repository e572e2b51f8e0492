import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderIndexHtml } from "../../../src/batch/index-html.js";
import { jobLine } from "../../../src/cli/batch-progress.js";
import { checkJobDirs, completedReport } from "../../../src/batch/run-batch.js";
import { jobSummary, notRunSummary, totals, type BatchSummary } from "../../../src/batch/summary.js";
import type { BatchJob } from "../../../src/batch/jobs.js";
import type { RunReport } from "../../../src/agent/report.js";

function report(over: Partial<RunReport> = {}): RunReport {
  return {
    status: "success",
    brief: "a plate",
    provider: "openai",
    model: "gpt-5",
    turns: 4,
    toolCalls: 8,
    toolErrors: 0,
    usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, costUsd: 0.01 },
    timing: { totalMs: 1234, llmMs: 1000, cadMs: 200 },
    parts: [
      {
        name: "part",
        volume: 11214.6,
        area: 3000,
        bbox: { min: [0, 0, 0], max: [40, 30, 10] },
        valid: true,
        solids: 1,
      },
    ],
    parameters: { width: { value: 40, unit: "mm" } },
    files: { step: "model.step", preview: "preview.png" },
    summary: "ok",
    error: null,
    exitCode: 0,
    ...over,
  };
}

describe("totals", () => {
  it("counts each status and adds tokens and cost; design jobs cost nothing; an unknown cost makes the total unknown", () => {
    const jobs = [
      jobSummary("a", "brief", "a", report()),
      jobSummary(
        "b",
        "brief",
        "b",
        report({
          status: "failed",
          exitCode: 1,
          usage: { inputTokens: 10, outputTokens: 1, cacheReadTokens: 0, costUsd: 0.02 },
        }),
      ),
      jobSummary("c", "design", "c", report({ usage: null, provider: null, model: null, turns: 0 }), true),
      jobSummary("d", "brief", "d", report({ status: "error", exitCode: 3 })),
      jobSummary("e", "brief", "e", report({ status: "interrupted", exitCode: 130 })),
      notRunSummary("f", "brief", "f", "x"),
    ];
    const t = totals(jobs);
    expect(t.counts).toEqual({ total: 6, success: 2, failed: 2, interrupted: 1, notRun: 1, resumed: 1 });
    expect(t.usage.inputTokens).toBe(1000 + 10 + 1000 + 1000);
    expect(t.usage.costUsd).toBeCloseTo(0.01 + 0.02 + 0.01 + 0.01, 10);
    const unpriced = totals([
      ...jobs,
      jobSummary(
        "g",
        "brief",
        "g",
        report({ usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, costUsd: null } }),
      ),
    ]);
    expect(unpriced.usage.costUsd).toBeNull();
  });
});

describe("index.html", () => {
  const summary = (jobs: BatchSummary["jobs"]): BatchSummary => ({
    format: "cadagent.batch/1",
    startedAt: "2026-01-01T00:00:00.000Z",
    totalMs: 5000,
    concurrency: 2,
    shard: "1/2",
    interrupted: false,
    ...totals(jobs),
    jobs,
  });

  it("shows the tools' warnings on the card and under the job line", () => {
    const j = jobSummary("w", "design", "w", report({ warnings: ["step 3 (boolean): cut removed no material <x>"] }));
    expect(j.warnings).toEqual(["step 3 (boolean): cut removed no material <x>"]);
    expect(renderIndexHtml(summary([j]))).toContain(
      '<ul class="warnings"><li>⚠ step 3 (boolean): cut removed no material &#60;x&#62;</li></ul>',
    );
    expect(jobLine(j)).toMatch(/→ w\/\n {4}warning: step 3 \(boolean\): cut removed no material <x>$/);
    expect(jobLine(jobSummary("q", "design", "q", report()))).not.toContain("warning");
  });

  it("is self-contained, links relative to itself (also for a job's own out folder), escapes what users wrote", () => {
    const html = renderIndexHtml(
      summary([
        jobSummary("a", "brief", "a", report({ brief: 'a <b>bold</b> "plate" & co' })),
        jobSummary("nested", "design", "records/my part", report({ usage: null })),
        jobSummary(
          "bad",
          "brief",
          "bad",
          report({ status: "failed", exitCode: 1, files: {}, error: "<script>alert(1)</script>" }),
        ),
      ]),
    );
    expect(html).not.toMatch(/https?:\/\/|<script|<link|@import/i);
    expect(html).toContain('<img src="a/preview.png"');
    expect(html).toContain('href="records/my%20part/model.step"');
    expect(html).toContain('<img src="records/my%20part/preview.png"');
    expect(html).toContain("a &#60;b&#62;bold&#60;/b&#62; &#34;plate&#34; &#38; co");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(html).toContain("no preview");
    expect(html).toContain("11214.6 mm³");
    expect(html).toContain("40.0 × 30.0 × 10.0 mm");
    expect(html).toContain("width=40");
    // A record job has no turns, tokens or cost to show.
    expect(html.split("<article")[2]).not.toContain("<th>turns</th>");
    expect(html).toContain("shard 1/2");
    expect(html).toContain("2 of 3 jobs succeeded, 1 failed");
  });
});

describe("completedReport (what --resume trusts)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-resume-"));
  const write = (name: string, text: string): string => {
    mkdirSync(path.join(dir, name), { recursive: true });
    writeFileSync(path.join(dir, name, "report.json"), text);
    return path.join(dir, name);
  };

  it("accepts only a whole report with a final status", () => {
    expect(completedReport(write("ok", JSON.stringify(report())))?.status).toBe("success");
    expect(completedReport(write("failed", JSON.stringify(report({ status: "failed" }))))?.status).toBe("failed");
    expect(completedReport(write("failed2", JSON.stringify(report({ status: "failed" }))), true)).toBeUndefined();
    expect(completedReport(write("int", JSON.stringify(report({ status: "interrupted" }))))).toBeUndefined();
    expect(completedReport(write("err", JSON.stringify(report({ status: "error" }))))).toBeUndefined();
    expect(completedReport(write("half", JSON.stringify(report()).slice(0, 40)))).toBeUndefined();
    expect(completedReport(path.join(dir, "missing"))).toBeUndefined();
  });
});

describe("checkJobDirs", () => {
  const job = (id: string, out?: string): BatchJob => ({
    id,
    kind: "brief",
    brief: "x",
    where: `jobs.jsonl:${id}`,
    ...(out ? { out } : {}),
  });

  it("gives every job a folder of its own inside the batch folder", () => {
    expect(() => checkJobDirs("/tmp/b", [job("a"), job("b"), job("c", "x/c")])).not.toThrow();
    expect(() => checkJobDirs("/tmp/b", [job("a"), job("b", "a")])).toThrow(
      /jobs\.jsonl:b: job 'b' has the same output folder as job 'a'/,
    );
    expect(() => checkJobDirs("/tmp/b", [job("b", "a/inner"), job("a")])).toThrow(
      /job 'b' would write inside the folder of job 'a'/,
    );
    expect(() => checkJobDirs("/tmp/b", [job("a", "../elsewhere")])).toThrow(
      /must be a folder inside the batch output folder/,
    );
    expect(() => checkJobDirs("/tmp/b", [job("summary.json")])).toThrow(/is a file the batch writes/);
  });
});

describe("failed requirements in batch output", () => {
  it("a job whose part missed a declared requirement says so in its summary, its line and its card", async () => {
    const { jobLine } = await import("../../../src/cli/batch-progress.js");
    const j = jobSummary(
      "plate",
      "brief",
      "plate",
      report({
        requirements: [
          { id: "holes", kind: "holes", expected: 4, measured: 3, pass: false, diameter: 6 },
          { id: "length", kind: "size", expected: 40, measured: 40, pass: true, axis: "x" },
        ],
      }),
    );
    expect(j.failedRequirements).toEqual(["holes: holes Ø6 × 4, measured 3"]);
    expect(jobLine(j)).toContain("requirements FAILED: holes: holes Ø6 × 4, measured 3");
    const page = renderIndexHtml({
      format: "cadagent.batch/1",
      startedAt: "2026-12-02T00:00:00Z",
      totalMs: 1,
      concurrency: 1,
      shard: null,
      interrupted: false,
      counts: { total: 1, success: 1, failed: 0, interrupted: 0, notRun: 0, resumed: 0 },
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      jobs: [j],
    });
    expect(page).toContain("requirement failed: holes: holes Ø6 × 4, measured 3");
    expect(jobSummary("ok", "brief", "ok", report()).failedRequirements).toBeUndefined();
  });
});

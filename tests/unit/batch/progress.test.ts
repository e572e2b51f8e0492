import { describe, expect, it } from "vitest";
import { BatchProgress } from "../../../src/batch/progress.js";
import { jobSummary } from "../../../src/batch/summary.js";
import type { RunReport } from "../../../src/agent/report.js";
import { batchProgress, duration, statusLine } from "../../../src/cli/batch-progress.js";

const rep = (cost: number | null, status: RunReport["status"] = "success"): RunReport => ({
  status,
  brief: "b",
  provider: "openai",
  model: "gpt-5",
  turns: 3,
  toolCalls: 3,
  toolErrors: 0,
  usage: { inputTokens: 1000, outputTokens: 50, cacheReadTokens: 0, costUsd: cost },
  timing: { totalMs: 3000, llmMs: 0, cadMs: 0 },
  parts: [],
  parameters: {},
  files: {},
  summary: null,
  error: status === "success" ? null : "the model gave up",
  exitCode: status === "success" ? 0 : 1,
});

describe("BatchProgress", () => {
  it("adds live usage of running jobs to finished ones, and estimates the rest from throughput", () => {
    let now = 0;
    const p = new BatchProgress(() => now);
    p.update({ type: "batch-start", outDir: "/o", total: 6, toRun: 5, resumed: 1, concurrency: 2 });
    p.update({ type: "job-start", id: "a", kind: "brief", dir: "/o/a" });
    p.update({ type: "job-start", id: "b", kind: "brief", dir: "/o/b" });
    p.update({ type: "job-usage", id: "a", inputTokens: 400, outputTokens: 10, costUsd: 0.001 });
    expect(p.snapshot()).toMatchObject({
      done: 0,
      running: 2,
      inputTokens: 400,
      outputTokens: 10,
      etaMs: undefined,
      resumed: 1,
    });
    now = 10_000;
    p.update({ type: "job-done", job: jobSummary("a", "brief", "a", rep(0.002)) });
    p.update({ type: "job-done", job: jobSummary("b", "brief", "b", rep(0.003, "failed")) });
    const s = p.snapshot();
    expect(s).toMatchObject({ done: 2, failed: 1, running: 0, inputTokens: 2000, outputTokens: 100 });
    expect(s.costUsd).toBeCloseTo(0.005, 10);
    // Two jobs in 10 s: the three left take about 15 s.
    expect(s.etaMs).toBe(15_000);
    p.update({ type: "job-start", id: "c", kind: "brief", dir: "/o/c" });
    p.update({ type: "job-usage", id: "c", inputTokens: 1, outputTokens: 1, costUsd: null });
    expect(p.snapshot().costUsd).toBeNull();
  });
});

describe("batch progress rendering", () => {
  it("on a TTY: one status line redrawn with \\r, finished jobs printed above it", () => {
    let out = "";
    const r = batchProgress((s) => (out += s), { tty: true, width: () => 200, now: () => 0, redrawMs: 60_000 });
    r.onEvent({ type: "batch-start", outDir: "/o", total: 2, toRun: 2, resumed: 0, concurrency: 2 });
    r.onEvent({ type: "job-start", id: "a", kind: "brief", dir: "/o/a" });
    r.onEvent({ type: "job-usage", id: "a", inputTokens: 12_000, outputTokens: 300, costUsd: 0.05 });
    expect(out).toContain("\r\x1b[2Kbatch: 0/2 done · 1 running");
    expect(out).toContain("12k in / 300 out tokens · $0.0500");
    r.onEvent({ type: "job-done", job: jobSummary("a", "brief", "a", rep(0.05)) });
    expect(out).toMatch(
      // eslint-disable-next-line no-control-regex -- the progress line is erased with ESC[2K
      /\r\x1b\[2K✓ a {2}success {2}3 turns {2}3\.0 s {2}\$0\.0500 {2}→ a\/\n\r\x1b\[2Kbatch: 1\/2 done/,
    );
    r.stop();
    expect(out.endsWith("\r\x1b[2K")).toBe(true);
  });

  it("elsewhere: plain lines, no carriage returns", () => {
    let out = "";
    const r = batchProgress((s) => (out += s), { tty: false });
    r.onEvent({ type: "batch-start", outDir: "/o", total: 1, toRun: 1, resumed: 0, concurrency: 1 });
    r.onEvent({ type: "job-start", id: "a", kind: "design", dir: "/o/a" });
    r.onEvent({ type: "job-usage", id: "a", inputTokens: 1, outputTokens: 1, costUsd: 0 });
    r.onEvent({ type: "job-done", job: jobSummary("a", "design", "a", rep(null, "failed")) });
    expect(out).not.toContain("\r");
    expect(out.split("\n")).toEqual([
      "batch: 1 job to run, concurrency 1 → /o",
      "start a (design record, 1 of 1)",
      "[1/1] ✗ a  failed  3.0 s: the model gave up",
      "",
    ]);
  });

  it("formats durations and the status line", () => {
    expect([duration(1500), duration(42_000), duration(125_000), duration(3 * 3600_000 + 60_000)]).toEqual([
      "1.5 s",
      "42 s",
      "2m05s",
      "3h01m",
    ]);
    expect(
      statusLine({
        toRun: 10,
        done: 4,
        failed: 1,
        running: 3,
        resumed: 2,
        elapsedMs: 60_000,
        etaMs: 90_000,
        inputTokens: 2_500_000,
        outputTokens: 999,
        costUsd: null,
      }),
    ).toBe(
      "batch: 4/10 done · 1 failed · 3 running · 2 resumed · 1m00s · ETA 1m30s · 2.5M in / 999 out tokens · cost unknown",
    );
  });
});

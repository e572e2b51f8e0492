import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunReport } from "../../../src/agent/report.js";
import { DEFAULT_THRESHOLDS, runEval, type StepImport } from "../../../src/eval/run-eval.js";
import type { EvalSuite } from "../../../src/eval/suite.js";

let tmp = "";
afterEach(() => tmp && rmSync(tmp, { recursive: true, force: true }));

const suite: EvalSuite = {
  dir: "/suite",
  cases: [
    {
      name: "box",
      dir: "/suite/box",
      prompt: "a 50x40x5 box",
      bbox: { min: [0, 0, 0], max: [50, 40, 5] },
      volume: 10000,
      notes: null,
      referenceStl: null,
      reference: null,
    },
  ],
};

function report(over: Partial<RunReport>, volume: number, size: [number, number, number]): RunReport {
  return {
    status: "success",
    brief: "",
    provider: "p",
    model: "m",
    turns: 3,
    toolCalls: 2,
    toolErrors: 0,
    usage: { inputTokens: 100, outputTokens: 10, cacheReadTokens: 0, costUsd: 0.01 },
    timing: { totalMs: 1000, llmMs: 600, cadMs: 300 },
    parts: [
      {
        name: "part",
        volume,
        area: 1,
        bbox: { min: [1, 1, 1], max: [1 + size[0], 1 + size[1], 1 + size[2]] },
        valid: true,
        solids: 1,
      },
    ],
    parameters: {},
    files: { step: "model.step", stl: "model.stl" },
    summary: null,
    error: null,
    exitCode: 0,
    stopReason: "finished",
    ...over,
  };
}

describe("runEval", () => {
  it("funnels, measures and scores each run; a STEP reading back with another volume fails the re-import step", async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-run-eval-"));
    const reports = [
      report({}, 10000, [50, 40, 5]), // exact: passes
      report({}, 10400, [52, 40, 5]), // 4 % and 2 mm long in x: x tolerance max(0.5, 1) = 1 mm → fails
      report({}, 10000, [50, 40, 5]), // STEP reads back 5 % smaller → re-import fails
      report({ status: "failed", exitCode: 1, stopReason: "max-turns", parts: [] }, 0, [0, 0, 0]),
    ];
    const imports: StepImport[] = [
      { ok: true, valid: true, solids: 1, volume: 10000, error: null },
      { ok: true, valid: true, solids: 1, volume: 10400, error: null },
      { ok: true, valid: true, solids: 1, volume: 9500, error: null },
    ];
    let i = 0;
    let j = 0;
    const result = await runEval({
      suite,
      outDir: tmp,
      repeat: 4,
      thresholds: DEFAULT_THRESHOLDS,
      runCase: async ({ outDir }) => {
        mkdirSync(outDir, { recursive: true });
        writeFileSync(path.join(outDir, "model.step"), "ISO-10303-21;");
        return reports[i++]!;
      },
      reimportStep: async () => imports[j++]!,
    });
    expect(result.runs.map((r) => r.pass)).toEqual([true, false, false, false]);
    expect(result.runs[1]?.volumeErrorPct).toBeCloseTo(4, 10);
    expect(result.runs[1]?.bboxErrorMm).toEqual([2, 0, 0]);
    expect(result.runs[1]?.failures).toEqual(["bbox x error 2.000 mm > 1.000 mm"]);
    expect(result.runs[2]?.funnel).toEqual({
      finished: true,
      shapeExists: true,
      validSolid: true,
      stepReimports: false,
    });
    expect(result.runs[3]?.funnel).toEqual({
      finished: false,
      shapeExists: false,
      validSolid: false,
      stepReimports: false,
    });
    expect(result.summary.funnel).toEqual({ runs: 4, finished: 3, shapeExists: 3, validSolid: 3, stepReimports: 2 });
    // One case, n = 4, c = 1: pass@2 = 1 − C(3,2)/C(4,2) = 1 − 3/6.
    expect(result.summary.passAtK).toEqual({
      "1": 0.25,
      "2": 0.5,
      "3": expect.closeTo(1 - 1 / 4, 12) as number,
      "4": 1,
    });
    expect(result.summary.costUsd).toBeCloseTo(0.04, 12);
    expect(result.summary.timing).toEqual({ llmMs: 2400, cadMs: 1200, totalMs: 4000 });
    expect(existsSync(path.join(tmp, "box", "4", "model.step"))).toBe(true);
    expect(
      (JSON.parse(readFileSync(path.join(tmp, "eval.json"), "utf8")) as { summary: { passes: number } }).summary.passes,
    ).toBe(1);
    expect(readFileSync(path.join(tmp, "eval.html"), "utf8")).toContain("pass@1 25.0 %");
  });
});

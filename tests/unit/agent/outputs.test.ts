import { describe, expect, it } from "vitest";
import { modelFileName, parseFormats, partProblems, runOutcome } from "../../../src/agent/outputs.js";
import type { PartSummary } from "../../../src/agent/report.js";

const part = (over: Partial<PartSummary> = {}): PartSummary => ({
  name: "p",
  volume: 10,
  area: 30,
  bbox: { min: [0, 0, 0], max: [1, 1, 1] },
  valid: true,
  solids: 1,
  ...over,
});

describe("outputs", () => {
  it("names model files, FreeCAD's own as FCStd", () => {
    expect(modelFileName("step")).toBe("model.step");
    expect(modelFileName("fcstd")).toBe("model.FCStd");
  });

  it("parses format lists case-insensitively and rejects unknown ones", () => {
    expect(parseFormats("STEP, stl,step,fcstd")).toEqual(["step", "stl", "fcstd"]);
    expect(() => parseFormats("step,dwg")).toThrow(/unknown format 'dwg' \(known: step, stl/);
    expect(() => parseFormats(" , ")).toThrow(/no formats/);
  });

  it("maps parts to status and exit code", () => {
    expect(runOutcome([part()])).toEqual({ status: "success", exitCode: 0, error: null });
    expect(runOutcome([part({ valid: false })])).toMatchObject({
      status: "failed",
      exitCode: 1,
      error: "part 'p' is not a valid solid",
    });
    expect(runOutcome([])).toMatchObject({ exitCode: 1, error: "no final parts" });
    expect(runOutcome([part()], "step 3 (fillet): too big")).toMatchObject({
      status: "failed",
      exitCode: 1,
      error: "step 3 (fillet): too big",
    });
    expect(partProblems([part({ solids: 0 }), part({ name: "q", volume: 0 })])).toEqual([
      "part 'p' has no solid",
      "part 'q' has no volume",
    ]);
  });
});

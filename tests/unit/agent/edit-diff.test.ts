import { describe, expect, it } from "vitest";
import { editDiff, partsFigures } from "../../../src/agent/edit-diff.js";
import { compactSteps } from "../../../src/agent/edit.js";

describe("edit diff", () => {
  const box = { tool: "create_box", input: { name: "b", length: 10, width: 10, height: 10 } };
  const cyl = { tool: "create_cylinder", input: { name: "c", radius: 1, height: 5 } };
  const del = { tool: "delete_object", input: { name: "c" } };

  it("parameters changed, added and removed; steps added and removed as a multiset; figures before and after", () => {
    const d = editDiff({
      parentSteps: [box, cyl, cyl],
      steps: [box, cyl, del],
      parametersBefore: { t: { value: 10 }, w: { value: 5 }, gone: { value: 1 } },
      parametersAfter: { t: { value: 15 }, w: { value: 5 }, added: { value: 2 } },
      before: partsFigures([{ volume: 1000, bbox: { min: [0, 0, 0], max: [10, 10, 10] } }]),
      after: partsFigures([
        { volume: 500, bbox: { min: [0, 0, 0], max: [10, 10, 5] } },
        { volume: 20, bbox: { min: [-1, 2, 0], max: [1, 4, 12] } },
      ]),
    });
    expect(d.parameters).toEqual([
      { name: "t", before: 10, after: 15 },
      { name: "gone", before: 1, after: null },
      { name: "added", before: null, after: 2 },
    ]);
    expect(d.stepsAdded).toEqual([{ step: 3, ...del }]);
    expect(d.stepsRemoved).toEqual([{ step: 3, ...cyl }]);
    expect(d.volume).toEqual({ before: 1000, after: 520 });
    expect(d.bbox.after).toEqual({ min: [-1, 0, 0], max: [10, 10, 12] });
  });

  it("no change, no parts after: empty lists and null figures", () => {
    const d = editDiff({
      parentSteps: [box],
      steps: [box],
      parametersBefore: {},
      parametersAfter: {},
      before: null,
      after: null,
    });
    expect(d).toEqual({
      parameters: [],
      stepsAdded: [],
      stepsRemoved: [],
      volume: { before: null, after: null },
      bbox: { before: null, after: null },
    });
  });

  it("compact steps: one numbered line each, long inputs cut", () => {
    const long = { tool: "create_sketch", input: { name: "s", points: Array.from({ length: 80 }, (_, i) => i) } };
    const lines = compactSteps([box, long]).split("\n");
    expect(lines[0]).toBe('1. create_box {"name":"b","length":10,"width":10,"height":10}');
    expect(lines[1]?.startsWith("2. create_sketch ")).toBe(true);
    expect(lines[1]?.endsWith("…")).toBe(true);
    expect(compactSteps([])).toBe("(none)");
  });
});

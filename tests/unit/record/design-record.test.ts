import { createRegistry } from "../../../src/tools/catalog.js";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DESIGN_FORMAT,
  DesignRecordError,
  ParameterOverrideError,
  applyOverrides,
  newDesignRecord,
  parseDesignRecord,
  recordParameterNames,
  writeDesignRecord,
  type DesignRecord,
} from "../../../src/record/design-record.js";

const createdWith = { cadagent: "0.1.0", provider: null, model: null, freecad: "0.20.2" };

function sample(): DesignRecord {
  return {
    ...newDesignRecord("a plate", createdWith),
    parameters: { width: { value: 40, unit: "mm" }, thickness: { value: 4, unit: "mm" } },
    steps: [
      { tool: "set_parameter", input: { name: "width", value: 40, unit: "mm" } },
      { tool: "create_box", input: { name: "plate", length: "width", width: 30, height: "thickness" } },
    ],
    final: { parts: ["plate"], summary: "plate" },
  };
}

/** The error a parse throws, so tests can look at line and reason. */
function parseError(text: string, opts: Parameters<typeof parseDesignRecord>[2] = {}): DesignRecordError {
  try {
    parseDesignRecord(text, "d.cad.json", opts);
  } catch (e) {
    if (e instanceof DesignRecordError) return e;
    throw e;
  }
  throw new Error("expected a DesignRecordError");
}

describe("design record", () => {
  it("round-trips a record written with 2-space JSON", () => {
    const text = JSON.stringify(sample(), null, 2);
    expect(parseDesignRecord(text, "d.cad.json")).toEqual(sample());
  });

  it("new records are empty and carry the format", () => {
    const r = newDesignRecord("brief", createdWith);
    expect(r).toEqual({ format: DESIGN_FORMAT, brief: "brief", createdWith, parameters: {}, steps: [], final: null });
  });

  it("names file and line of a trailing comma", () => {
    const text = ["{", '  "format": "cadagent.design/1",', '  "brief": "x",', "}"].join("\n");
    const e = parseError(text);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^d\.cad\.json:4: invalid JSON: trailing comma/);
  });

  it("names the line of a missing comma and of an unterminated file", () => {
    expect(parseError('{\n "a": 1\n "b": 2\n}').line).toBe(3);
    expect(parseError('{\n "a": [1,\n 2').line).toBe(3);
    expect(parseError('{\n "a": "line\nbreak"\n}').line).toBe(2);
  });

  it("maps a schema issue path to the line of the offending key", () => {
    const r = sample() as unknown as { steps: Array<{ tool: unknown }> };
    const step = r.steps[1];
    if (!step) throw new Error("sample has two steps");
    step.tool = 42;
    const text = JSON.stringify(r, null, 2);
    const e = parseError(text);
    const expectedLine = text.split("\n").findIndex((l) => l.includes('"tool": 42')) + 1;
    expect(e.line).toBe(expectedLine);
    expect(e.reason).toBe("field 'steps[1].tool' must be a string, got 42");
  });

  it("reports a wrong format and a missing property at the object's line", () => {
    const wrong = JSON.stringify({ ...sample(), format: "other/2" }, null, 2);
    expect(parseError(wrong).reason).toBe(`field 'format' must be "cadagent.design/1", got "other/2"`);
    expect(parseError(wrong).line).toBe(2);
    const noBrief: Partial<ReturnType<typeof sample>> = sample();
    delete noBrief.brief;
    const e = parseError(JSON.stringify(noBrief, null, 2));
    expect(e.line).toBe(1);
    expect(e.reason).toBe("missing required field 'brief': expected a string");
  });

  it("a record without createdWith (written by hand) parses", () => {
    const r: Partial<ReturnType<typeof sample>> = sample();
    delete r.createdWith;
    expect(parseDesignRecord(JSON.stringify(r), "d.cad.json").createdWith).toBeUndefined();
  });

  it("a step with an unknown or mistyped argument fails at the argument's line, in plain words", () => {
    const registry = createRegistry();
    const r = sample();
    r.steps.push({ tool: "create_box", input: { length: 5, width: 5, height: 5, postion: [100, 0, 0] } });
    const text = JSON.stringify(r, null, 2);
    const e = parseError(text, { validator: registry });
    expect(e.line).toBe(text.split("\n").findIndex((l) => l.includes('"postion"')) + 1);
    expect(e.reason).toBe(
      "step 3 (create_box): unknown argument 'postion' for create_box (did you mean 'position'? allowed: name, length, width, height, position, rotation)",
    );
    const typed = sample();
    typed.steps.push({ tool: "fillet", input: { object: "plate", radius: { mm: 2 }, edges: "|Z" } });
    const text2 = JSON.stringify(typed, null, 2);
    const e2 = parseError(text2, { validator: registry });
    expect(e2.reason).toBe(
      `step 3 (fillet): 'radius' for fillet must be a number or an expression string, got {"mm":2}`,
    );
    expect(e2.line).toBe(text2.split("\n").findIndex((l) => l.includes('"radius"')) + 1);
  });

  it("rejects a step naming a tool outside the catalog, with the step number and line", () => {
    const r = sample();
    r.steps.push({ tool: "make_gear", input: {} });
    const text = JSON.stringify(r, null, 2);
    const e = parseError(text, { tools: ["set_parameter", "create_box"] });
    expect(e.reason).toMatch(/step 3: unknown tool 'make_gear'/);
    expect(e.line).toBe(text.split("\n").findIndex((l) => l.includes("make_gear")) + 1);
  });

  it("tolerates a byte-order mark", () => {
    expect(parseDesignRecord(`\ufeff${JSON.stringify(sample())}`, "d.cad.json").brief).toBe("a plate");
  });

  it("overrides replace set_parameter step values without touching the original", () => {
    const r = sample();
    const o = applyOverrides(r, { width: 55 });
    expect(o.steps[0]).toEqual({ tool: "set_parameter", input: { name: "width", value: 55, unit: "mm" } });
    expect(o.parameters.width).toEqual({ value: 55, unit: "mm" });
    expect(r.steps[0]?.input.value).toBe(40);
  });

  it("a parameter declared without a step gets a set_parameter step first", () => {
    const o = applyOverrides(sample(), { thickness: 6 });
    expect(o.steps[0]).toEqual({ tool: "set_parameter", input: { name: "thickness", value: 6, unit: "mm" } });
    expect(o.steps).toHaveLength(3);
  });

  it("an unknown override lists the record's parameters", () => {
    expect(recordParameterNames(sample()).sort()).toEqual(["thickness", "width"]);
    expect(() => applyOverrides(sample(), { depth: 3 })).toThrow(ParameterOverrideError);
    expect(() => applyOverrides(sample(), { depth: 3 })).toThrow(
      /unknown parameter 'depth' \(this design's parameters: width, thickness\)/,
    );
    expect(() => applyOverrides(sample(), { width: Number.NaN })).toThrow(/finite number/);
  });

  it("writes atomically, leaving only design.cad.json", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-record-"));
    try {
      const file = await writeDesignRecord(dir, sample());
      expect(readdirSync(dir)).toEqual(["design.cad.json"]);
      expect(parseDesignRecord(readFileSync(file, "utf8"), file)).toEqual(sample());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from "vitest";
import { DesignLog } from "../../../src/record/design-log.js";
import type { ToolOutcome } from "../../../src/tools/registry.js";

const createdWith = { cadagent: "0.1.0", provider: "mcp", model: "client 1.0", freecad: "0.20.2" };

function outcome(
  name: string,
  input: Record<string, unknown>,
  opts: { ok?: boolean; mutates?: boolean; result?: Record<string, unknown> } = {},
): ToolOutcome {
  return {
    name,
    ok: opts.ok ?? true,
    mutates: opts.mutates ?? true,
    input,
    ...(opts.result ? { result: opts.result } : {}),
    content: [],
    ms: 0,
  };
}

describe("DesignLog", () => {
  it("keeps only successful mutating calls, in order, with their input", () => {
    const log = new DesignLog();
    log.note(outcome("set_parameter", { name: "w", value: 10 }, { result: { name: "w", value: 10, unit: "mm" } }));
    log.note(outcome("create_box", { name: "b", length: "w", width: 5, height: 2 }));
    log.note(outcome("create_box", { length: -1, width: 5, height: 2 }, { ok: false }));
    log.note(outcome("measure", {}, { mutates: false }));
    log.note(outcome("export", { format: "step" }, { mutates: false }));
    const r = log.toRecord("a box", createdWith);
    expect(r.steps).toEqual([
      { tool: "set_parameter", input: { name: "w", value: 10 } },
      { tool: "create_box", input: { name: "b", length: "w", width: 5, height: 2 } },
    ]);
    expect(r.brief).toBe("a box");
    expect(r.final).toBeNull();
  });

  it("records evaluated parameter values and keeps the expression in the step", () => {
    const log = new DesignLog();
    log.note(outcome("set_parameter", { name: "w", value: 10, description: "width" }, { result: { value: 10 } }));
    log.note(outcome("set_parameter", { name: "h", value: "w/2", unit: "mm" }, { result: { value: 5 } }));
    log.note(outcome("set_parameter", { name: "a", value: 30, unit: "deg" }, { result: { value: 30 } }));
    const r = log.toRecord("", createdWith);
    expect(r.parameters).toEqual({
      w: { value: 10, unit: "mm", description: "width" },
      h: { value: 5, unit: "mm" },
      a: { value: 30, unit: "deg" },
    });
    expect(r.steps[1]?.input.value).toBe("w/2");
  });

  it("takes final parts from the last successful finish, which is not a step", () => {
    const log = new DesignLog();
    log.note(outcome("create_box", { name: "b", length: 1, width: 1, height: 1 }));
    log.note(outcome("finish", { parts: ["b"], summary: "s1" }, { mutates: false }));
    log.note(outcome("finish", { parts: ["zz"], summary: "bad" }, { mutates: false, ok: false }));
    expect(log.toRecord("", createdWith).final).toEqual({ parts: ["b"], summary: "s1" });
    expect(log.stepCount).toBe(1);
    log.dropFinal();
    expect(log.toRecord("", createdWith).final).toBeNull();
  });

  it("returns copies: later changes to inputs or records do not leak", () => {
    const log = new DesignLog();
    const input = { name: "b", length: 1, width: 1, height: 1 };
    log.note(outcome("create_box", input));
    input.length = 99;
    const r = log.toRecord("", createdWith);
    r.steps.length = 0;
    expect(log.toRecord("", createdWith).steps[0]?.input.length).toBe(1);
  });

  it("gives final the material of the last measure with one (else a mass requirement's), for the report's mass", () => {
    const log = new DesignLog();
    log.note(
      outcome("declare_requirements", { requirements: [{ id: "m", kind: "mass", value: 50, material: "petg" }] }),
    );
    log.note(outcome("create_box", { name: "b", length: 10, width: 10, height: 10 }));
    log.note(outcome("finish", { parts: ["b"], summary: "s" }, { mutates: false }));
    expect(log.toRecord().final).toEqual({ parts: ["b"], summary: "s", material: "petg" });
    log.note(outcome("measure", { object: "b", density: 7.9 }, { mutates: false }));
    expect(log.toRecord().final).toEqual({ parts: ["b"], summary: "s", density: 7.9 });
    log.note(outcome("measure", { object: "b", material: "unknown-stuff" }, { mutates: false, ok: false }));
    log.note(outcome("measure", { object: "b" }, { mutates: false }));
    log.note(outcome("finish", { parts: ["b"], summary: "t" }, { mutates: false }));
    expect(log.toRecord().final).toEqual({ parts: ["b"], summary: "t", density: 7.9 });
    const plain = new DesignLog();
    plain.note(outcome("finish", { parts: ["b"], summary: "s" }, { mutates: false }));
    expect(plain.toRecord().final).toEqual({ parts: ["b"], summary: "s" });
  });

  it("an edit keeps the material of the record it started from", () => {
    const log = new DesignLog();
    log.seed({ parameters: {}, steps: [], final: { parts: ["b"], summary: "s", material: "brass" } });
    log.note(outcome("finish", { parts: ["c"], summary: "t" }, { mutates: false }));
    expect(log.toRecord().final).toEqual({ parts: ["c"], summary: "t", material: "brass" });
  });
});

import { describe, expect, it } from "vitest";
import type { CadClient } from "../../../src/cad/client.js";
import { createRegistry } from "../../../src/tools/catalog.js";
import { badCalls, validArgs } from "../../helpers/bad-calls.js";

/** The registry refuses unknown, misspelt and mistyped arguments for every tool, in plain words. */

const registry = createRegistry({ allowPython: true });
const specs = registry.specs({ all: true });
const noCad = {
  call: () => Promise.reject(new Error("FreeCAD must not be reached by an invalid call")),
} as unknown as CadClient;

describe("strict tool arguments", () => {
  it("every schema the model sees forbids extra properties on every object", () => {
    const loose: string[] = [];
    const walk = (s: unknown, where: string): void => {
      if (!s || typeof s !== "object") return;
      const o = s as Record<string, unknown>;
      if (o.type === "object" && o.additionalProperties !== false) loose.push(where);
      for (const [k, v] of Object.entries(o)) {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}.${k}[${i}]`));
        else walk(v, `${where}.${k}`);
      }
    };
    for (const s of specs) walk(s.inputSchema, s.name);
    expect(loose).toEqual([]);
  });

  it("the planted calls start from valid arguments", () => {
    for (const s of specs) {
      if (s.name === "transform") continue; // needs translate or rotate: checked by its refine
      expect(registry.validate(s.name, validArgs(s.inputSchema)).ok, s.name).toBe(true);
    }
  });

  const calls = badCalls(specs);
  it("covers every tool with an unknown and a wrong-type call", () => {
    for (const s of specs) {
      expect(calls.filter((c) => c.tool === s.name && c.kind !== "misspelt").length, s.name).toBe(
        Object.keys(s.inputSchema.properties ?? {}).length ? 2 : 1,
      );
    }
  });

  it.each(calls.map((c) => [`${c.tool} ${c.kind}`, c] as const))("%s is refused naming the argument", async (_, c) => {
    const outcome = await registry.execute(c.tool, c.args, { cad: noCad, outDir: "/nonexistent" });
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe("bad_arguments");
    for (const text of c.expect) expect(outcome.error?.message).toContain(text);
    // Never the validator's own wording.
    expect(outcome.error?.message).not.toMatch(/Invalid input|Unrecognized key|expected \w+, received/);
  });

  it("reads the issue's own example as a sentence", () => {
    const v = registry.validate("create_box", { length: 10, width: 10, height: 10, postion: [100, 0, 0] });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.message).toBe(
      "unknown argument 'postion' for create_box (did you mean 'position'? allowed: name, length, width, height, position, rotation)",
    );
  });

  it("names a missing argument and a bad value with what was expected and received", () => {
    const v = registry.validate("fillet", { object: "box", edges: ">Z", radius: -2 });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.message).toContain("'radius' for fillet");
    expect(v.message).toContain("got -2");
    const m = registry.validate("fillet", { object: "box", edges: ">Z" });
    expect(!m.ok && m.message).toContain("missing required argument 'radius' for fillet");
  });

  it("looks inside a union for the branch meant (a sketch profile by its type)", () => {
    const v = registry.validate("create_sketch", {
      plane: "XY",
      profiles: [{ type: "circle", radius: 5, centre: [0, 0] }],
    });
    expect(!v.ok && v.message).toContain("unknown argument 'profiles[0].centre' for create_sketch");
  });
});

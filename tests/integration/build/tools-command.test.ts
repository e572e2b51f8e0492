import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolSpec } from "../../../src/llm/types.js";
import { buildCli, type CliHarness } from "../../helpers/cli-harness.js";

let cli: CliHarness;
beforeAll(() => {
  cli = buildCli();
});
afterAll(() => cli.close());

describe("cadagent tools", () => {
  it("--json lists every tool with an object JSON Schema", async () => {
    const r = await cli.run(["tools", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const specs = JSON.parse(r.stdout) as ToolSpec[];
    const names = specs.map((s) => s.name);
    for (const n of ["set_parameter", "create_box", "fillet", "hole", "export", "finish"]) expect(names).toContain(n);
    expect(names).not.toContain("run_python");
    for (const s of specs) {
      expect(s.inputSchema.type).toBe("object");
      expect(s.description.length).toBeGreaterThan(10);
    }
    const box = specs.find((s) => s.name === "create_box");
    expect(box?.inputSchema.required).toEqual(expect.arrayContaining(["length", "width", "height"]));
  });

  it("--allow-python adds run_python", async () => {
    const r = await cli.run(["tools", "--json", "--allow-python"]);
    expect((JSON.parse(r.stdout) as ToolSpec[]).map((s) => s.name)).toContain("run_python");
  });

  it("human output: name, first sentence, arguments", async () => {
    const r = await cli.run(["tools"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^finish\s+Deliver the final part\(s\) and end the session, after measure\/check_design confirm the brief\.\n\s+\{parts, summary, allow_multiple_solids\?\}$/m,
    );
    expect(r.stdout).toMatch(/^create_box\s+.+\n\s+\{.*length.*width.*height.*\}$/m);
  });
});

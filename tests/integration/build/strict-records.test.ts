import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../../src/agent/report.js";
import { DesignRecordError, readDesignRecord } from "../../../src/record/design-record.js";
import { createRegistry } from "../../../src/tools/catalog.js";
import { badCalls } from "../../helpers/bad-calls.js";
import { buildCli, examplesDir, type CliHarness } from "../../helpers/cli-harness.js";

/**
 * `cadagent build` is as strict as the loop: a step with an unknown, misspelt or mistyped
 * argument exits 2 naming file:line before FreeCAD builds anything; a delivered part made of
 * several solids fails (exit 1) unless the record allows it; tool warnings reach stderr.
 */

let cli: CliHarness;
beforeAll(() => {
  cli = buildCli();
});
afterAll(() => cli.close());

const bushing = path.join(examplesDir, "flanged-bushing.cad.json");

function record(name: string, steps: Array<{ tool: string; input: unknown }>, final: unknown = null): string {
  const file = path.join(cli.tmp, `${name}.cad.json`);
  writeFileSync(
    file,
    JSON.stringify({ format: "cadagent.design/1", brief: name, parameters: {}, steps, final }, null, 2),
  );
  return file;
}

describe("strict records", () => {
  const registry = createRegistry({ allowPython: true });
  const calls = badCalls(registry.specs({ all: true }));

  /** Where the planted argument sits in the record text. */
  const lineOf = (file: string, args: Record<string, unknown>, expect: string[]): number => {
    const planted = Object.keys(args).find((k) => expect.some((e) => e.includes(`'${k}'`))) ?? "";
    const lines = readFileSync(file, "utf8").split("\n");
    const input = lines.findIndex((l) => l.includes('"input"'));
    return lines.findIndex((l, i) => i >= input && l.includes(`"${planted}"`)) + 1;
  };

  // Every tool, through the parser `build` runs before FreeCAD starts (in-process: a CLI start
  // per call would take minutes); then one of each kind end to end through the CLI.
  it.each(calls.map((c) => [`${c.tool} ${c.kind}`, c] as const))("%s: file:line and the argument", (_, c) => {
    const file = record(`${c.kind}-${c.tool}`, [{ tool: c.tool, input: c.args }]);
    let message = "";
    try {
      readDesignRecord(file, registry, "python hint");
    } catch (e) {
      if (!(e instanceof DesignRecordError)) throw e;
      message = e.message;
    }
    expect(message).toContain(`${file}:${lineOf(file, c.args, c.expect)}: step 1 (${c.tool}): `);
    for (const e of c.expect) expect(message).toContain(e);
    expect(message).not.toMatch(/Invalid input|Unrecognized key/);
  });

  it.each(["unknown", "misspelt", "wrong-type"] as const)("cadagent build: a %s argument exits 2", async (kind) => {
    const c = calls.find((x) => x.kind === kind && x.tool === "create_cylinder");
    if (!c) throw new Error("no planted call");
    const file = record(`cli-${kind}`, [{ tool: c.tool, input: c.args }]);
    const r = await cli.run(["build", file, "-o", path.join(cli.tmp, "never")]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${file}:${lineOf(file, c.args, c.expect)}: step 1 (create_cylinder): `);
    for (const e of c.expect) expect(r.stderr).toContain(e);
    expect(r.stderr).not.toMatch(/Invalid input| {4}at /);
  });
});

describe("several separate solids", () => {
  it("--set bolt_count=100 cuts the flange ring loose: the build fails with exit 1 saying so", async () => {
    const out = path.join(cli.tmp, "bushing-100");
    const r = await cli.run(["build", bushing, "--set", "bolt_count=100", "-o", out, "--formats", "step"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/part 'bushing' is \d+ separate solids/);
    const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as RunReport;
    expect(report).toMatchObject({ status: "failed", exitCode: 1 });
    expect(report.parts[0]?.solids).toBeGreaterThan(1);
  });

  it("two separate boxes pass when the record's final.allow_multiple_solids is true", async () => {
    const steps = [
      { tool: "create_box", input: { name: "a", length: 5, width: 5, height: 5 } },
      { tool: "create_box", input: { name: "b", length: 5, width: 5, height: 5, position: [10, 0, 0] } },
      { tool: "boolean", input: { name: "pair", op: "union", base: "a", tools: ["b"] } },
    ];
    const refused = await cli.run([
      "build",
      record("pair", steps, { parts: ["pair"], summary: "two cubes" }),
      "-o",
      path.join(cli.tmp, "pair"),
      "--formats",
      "step",
    ]);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain("part 'pair' is 2 separate solids");
    // The union's own warning is printed on stderr, not only written to report.json.
    expect(refused.stderr).toMatch(/\[3\/3\] boolean pair.*\n\s+warning: .*solids/);
    const allowed = await cli.run([
      "build",
      record("pair-ok", steps, { parts: ["pair"], summary: "two cubes", allow_multiple_solids: true }),
      "-o",
      path.join(cli.tmp, "pair-ok"),
      "--formats",
      "step",
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
  });
});

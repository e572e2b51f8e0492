import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../../src/agent/report.js";
import { buildCli, type CliHarness } from "../../helpers/cli-harness.js";
import { callOk, callTool, connectMcp, resultJson, resultText, type McpConnection } from "../../helpers/mcp-client.js";

/**
 * Issue #13 over MCP on real FreeCAD: replay stays deterministic after failed calls, cancels do
 * not kill the worker, non-finite numbers are refused at once, and an expression means the same
 * number to the Python evaluator and to FreeCAD's expression engine.
 */

let cli: CliHarness;
let out: string;
beforeAll(() => {
  cli = buildCli();
  out = mkdtempSync(path.join(os.tmpdir(), "cadagent-mcp-rel-"));
});
afterAll(() => {
  cli.close();
  rmSync(out, { recursive: true, force: true });
});

describe("deterministic replay", () => {
  it("a failed create does not use up a generated name: a restart and a `build` both rebuild the right part", async () => {
    const dir = path.join(out, "names");
    const mcp = await connectMcp(cli.main, cli.tmp, ["--out", dir]);
    try {
      const bad = await callTool(mcp.client, "create_sphere", { radius: "0-1" });
      expect(bad.isError).toBe(true);
      const sphere = await callOk(mcp.client, "create_sphere", { radius: 5 });
      const sphereName = String(sphere.name);
      await callOk(mcp.client, "create_box", {
        name: "cube",
        length: 20,
        width: 20,
        height: 20,
        position: [-10, -10, -10],
      });
      await callOk(mcp.client, "boolean", { name: "hollow", op: "cut", base: "cube", tools: [sphereName] });
      const expected = 20 ** 3 - (4 / 3) * Math.PI * 5 ** 3;

      // The worker dies: the session restarts it and replays the journal, which names the sphere the same way.
      const pid = mcp.workerPid();
      expect(pid, mcp.stderr()).toBeGreaterThan(0);
      process.kill(pid, "SIGKILL");
      const m = await callOk(mcp.client, "measure", { object: "hollow" });
      expect(m.volume).toBeCloseTo(expected, 4);
      expect(mcp.stderr()).toMatch(/FreeCAD worker restarted/);

      await callOk(mcp.client, "save_design", {});
      const rebuilt = path.join(out, "names-rebuilt");
      const r = await cli.run(["build", path.join(dir, "design.cad.json"), "--out", rebuilt, "--formats", "step"]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(path.join(rebuilt, "report.json"), "utf8")) as RunReport;
      expect(report.parts.map((p) => p.name)).toEqual(["hollow"]);
      expect(report.parts[0]?.volume).toBeCloseTo(expected, 4);
    } finally {
      await mcp.close();
    }
  });
});

describe("cancels", () => {
  it("three cancelled calls do not kill the worker; the next call succeeds on the same worker", async () => {
    const mcp = await connectMcp(cli.main, cli.tmp, ["--out", path.join(out, "cancel"), "--allow-python"]);
    try {
      await callOk(mcp.client, "create_box", { name: "b", length: 10, width: 20, height: 3 });
      const pid = mcp.workerPid();
      // A call that keeps the worker busy for certain while the others are queued and cancelled
      // (check_design of one box once answered before the first cancel arrived).
      const slow = callTool(mcp.client, "run_python", { code: "import time\ntime.sleep(1.5)" });
      const cancelled = [1, 2, 3].map((i) => {
        const ac = new AbortController();
        const p = callTool(mcp.client, "create_box", { name: `c${i}`, length: 1, width: 1, height: 1 }, ac.signal);
        ac.abort();
        return p.then(
          () => "answered",
          () => "cancelled",
        );
      });
      expect(await Promise.all(cancelled)).toEqual(["cancelled", "cancelled", "cancelled"]);
      expect((await slow).isError ?? false).toBe(false);
      const m = await callOk(mcp.client, "measure", { object: "b" });
      expect(m.volume).toBeCloseTo(600, 6);
      expect(mcp.workerPid()).toBe(pid);
      expect(mcp.stderr()).not.toMatch(/restarted|unavailable/);
      // The cancelled boxes were never built: creating one by the same name works.
      await callOk(mcp.client, "create_box", { name: "c1", length: 1, width: 1, height: 1 });
    } finally {
      await mcp.close();
    }
  });
});

describe("finite numbers and one meaning per expression", () => {
  let mcp: McpConnection;
  beforeAll(async () => {
    mcp = await connectMcp(cli.main, cli.tmp, ["--out", path.join(out, "numbers")]);
  });
  afterAll(async () => {
    await mcp.close();
  });

  it("non-finite expressions are tool errors at once, and the worker carries on", async () => {
    for (const value of ["1e308*10", "1e999", "1e999-1e999", "9**9**9", "(-8)**(1/3)"]) {
      const started = performance.now();
      const r = await callTool(mcp.client, "set_parameter", { name: "big", value });
      // The call timeout is 120 s; before the fix this hung for two of them.
      expect(performance.now() - started).toBeLessThan(30_000);
      expect(r.isError, `${value}: ${resultText(r)}`).toBe(true);
      expect(String(resultJson(r).error)).toMatch(/finite|cannot evaluate/);
    }
    const axis = await callTool(mcp.client, "create_box", {
      length: 1,
      width: 1,
      height: 1,
      rotation: { axis: ["1e999", 0, 0], angle: 90 },
    });
    expect(axis.isError).toBe(true);
    await callOk(mcp.client, "set_parameter", { name: "ok", value: 3 });
  });

  // FreeCAD reads `^` left-associatively and below unary minus, and rounds halves away from zero;
  // Python does neither. Each expression is evaluated by the worker's evaluator (set_parameter's
  // value) and by FreeCAD's engine (a box's x bound to it, recomputed after `size` changes).
  const corpus = [
    "2**3**2",
    "2^3^2",
    "-2**2+5",
    "-2^2+5",
    "-size**2+5",
    "(-size)**2",
    "size**2**0.5",
    "2**-1",
    "-size**-2",
    "round(2.5)",
    "round(-2.5)",
    "round(size+0.5)",
    "round(0.5)",
    "-7 % size",
    "7 % -size",
    "size % 2",
    "1e1*size",
    "1.5e-1 + size",
    "min(size, 2)",
    "max(1, size, 2)",
    "sqrt(size*12)",
    "sin(30)*size",
    "cos(60)",
    "tan(45)",
    "floor(-size/2)",
    "ceil(size/2)",
    "abs(-size)",
    "pi*size",
    "e",
    "size/4",
    "--size",
    "+size",
    "size - -1",
    "(size + 1) * (size - 1) / 2",
  ];

  it("the corpus gives the same number in the worker's evaluator and in FreeCAD's expression engine", async () => {
    await callOk(mcp.client, "set_parameter", { name: "size", value: 2 });
    for (const [i, expr] of corpus.entries()) {
      await callOk(mcp.client, "create_box", { name: `x${i}`, length: 1, width: 1, height: 1, position: [expr, 0, 0] });
    }
    await callOk(mcp.client, "set_parameter", { name: "size", value: 3 });
    const listed = await callOk(mcp.client, "list_objects", {});
    const objects = listed.objects as { name: string; bbox?: { min: number[] } }[];
    const freecad = new Map(objects.map((o) => [o.name, o.bbox?.min[0]]));
    const mismatches: string[] = [];
    for (const [i, expr] of corpus.entries()) {
      const python = Number((await callOk(mcp.client, "set_parameter", { name: `p${i}`, value: expr })).value);
      const fc = freecad.get(`x${i}`);
      // list_objects rounds coordinates to 1e-6 mm; every disagreement above was whole units.
      if (fc === undefined || Math.abs(fc - python) > 2e-6) mismatches.push(`${expr}: python ${python}, FreeCAD ${fc}`);
    }
    expect(mismatches).toEqual([]);
    // Known answers at size = 3, so agreement is not agreement on a wrong number.
    const value = async (v: string): Promise<number> =>
      Number((await callOk(mcp.client, "set_parameter", { name: "probe", value: v })).value);
    expect(await value("2**3**2")).toBe(512);
    expect(await value("-2**2+5")).toBe(1);
    expect(await value("round(2.5)")).toBe(3);
    expect(await value("round(-2.5)")).toBe(-3);
  });
});

describe("small ones", () => {
  it("a description is text, 'Params' is refused, descriptions are not echoed", async () => {
    const dir = path.join(out, "small");
    const mcp = await connectMcp(cli.main, cli.tmp, ["--out", dir]);
    try {
      await callOk(mcp.client, "create_box", { name: "B", length: 2, width: 2, height: 2 });
      const set = await callOk(mcp.client, "set_parameter", {
        name: "t",
        value: 4,
        description: "=B.Shape.Volume",
      });
      expect(JSON.stringify(set.parameters)).not.toContain("B.Shape");
      const refused = await callTool(mcp.client, "set_parameter", { name: "Params", value: 1 });
      expect(refused.isError).toBe(true);
      const long = await callTool(mcp.client, "set_parameter", { name: "u", value: 1, description: "x".repeat(201) });
      expect(long.isError).toBe(true);
      const check = await callOk(mcp.client, "check_design", {});
      expect(check.ok, JSON.stringify(check)).toBe(true);
      await callOk(mcp.client, "save_design", {});
      const record = JSON.parse(readFileSync(path.join(dir, "design.cad.json"), "utf8")) as {
        parameters: Record<string, { description?: string }>;
      };
      expect(record.parameters.t?.description).toBe("=B.Shape.Volume");
      const rebuilt = path.join(out, "small-rebuilt");
      const r = await cli.run(["build", path.join(dir, "design.cad.json"), "--out", rebuilt, "--formats", "step"]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      await mcp.close();
    }
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDesignRecord } from "../../../src/record/design-record.js";
import type { RunReport } from "../../../src/agent/report.js";
import { createRegistry } from "../../../src/tools/catalog.js";
import { buildCli, type CliHarness } from "../../helpers/cli-harness.js";
import { freecadCmd } from "../../helpers/cad.js";

/**
 * `cadagent mcp` as a client runs it: the compiled CLI in a child process, driven over stdio by
 * the official MCP client. Anything but JSON-RPC on the server's stdout breaks the connection,
 * so every passing call here also proves stdout stays clean.
 */

let cli: CliHarness;
let out: string;
beforeAll(() => {
  cli = buildCli();
  out = mkdtempSync(path.join(os.tmpdir(), "cadagent-mcp-out-"));
});
afterAll(() => {
  cli.close();
  rmSync(out, { recursive: true, force: true });
});

/** The built CLI entry (compiled once for the test run). */
function mainJs(): string {
  return cli.main;
}

async function connect(args: string[]): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [mainJs(), "mcp", ...args],
    env: { ...(process.env as Record<string, string>), FREECAD_CMD: freecadCmd() },
    cwd: cli.tmp,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: "cadagent-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

function text(r: CallToolResult): string {
  const first = r.content[0];
  return first?.type === "text" ? first.text : "";
}

function json(r: CallToolResult): Record<string, unknown> {
  return JSON.parse(text(r)) as Record<string, unknown>;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** Call and require success, showing the error and hint otherwise. */
async function ok(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await call(client, name, args);
  expect(r.isError ?? false, `${name}: ${text(r)}`).toBe(false);
  return json(r);
}

// 40 x 30 x 10 box (length bound to the `width` parameter) minus a Ø10 through hole.
const EXPECTED_VOLUME = 40 * 30 * 10 - Math.PI * 5 * 5 * 10;

describe("cadagent mcp", () => {
  let client: Client;
  let stderr: () => string;
  beforeAll(async () => {
    ({ client, stderr } = await connect(["--out", out, "--brief", "test block with a hole"]));
  });
  afterAll(async () => {
    await client?.close();
  });

  it("lists every catalog tool with an object JSON Schema, plus save_design, without run_python", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    // Every family at once: MCP has no more_tools step.
    for (const name of createRegistry({ allowPython: false }).names())
      if (name !== "more_tools") expect(names).toContain(name);
    expect(names).not.toContain("more_tools");
    expect(names).toContain("save_design");
    expect(names).not.toContain("run_python");
    for (const t of tools) {
      expect(t.inputSchema.type, t.name).toBe("object");
      expect(t.description?.length ?? 0, t.name).toBeGreaterThan(20);
    }
    const box = tools.find((t) => t.name === "create_box");
    expect(box?.inputSchema.required).toEqual(expect.arrayContaining(["length", "width", "height"]));
  });

  it("builds a parametric part with the hand-computed volume", async () => {
    expect((await ok(client, "set_parameter", { name: "width", value: 40 })).value).toBe(40);
    const box = await ok(client, "create_box", { name: "block", length: "width", width: 30, height: 10 });
    expect(box.volume).toBeCloseTo(12000, 6);
    await ok(client, "create_cylinder", { name: "bore", radius: 5, height: 12, position: ["width/2", 15, -1] });
    const cut = await ok(client, "boolean", { name: "part", op: "cut", base: "block", tools: ["bore"] });
    expect(cut.volume).toBeCloseTo(EXPECTED_VOLUME, 4);
    expect(cut.valid).toBe(true);
    expect(cut.solids).toBe(1);
    const fin = await ok(client, "finish", { parts: ["part"], summary: "40x30x10 block with a Ø10 hole" });
    expect(fin.finished).toBe(true);
  });

  it("bad input is a tool error with a recovery hint, not a protocol error", async () => {
    const r = await call(client, "create_box", { length: 10, width: 10 });
    expect(r.isError).toBe(true);
    const body = json(r);
    expect(body.error).toMatch(/height/);
    expect(body.hint).toMatch(/expected arguments/);
    const missing = await call(client, "boolean", { op: "cut", base: "nope", tools: ["bore"] });
    expect(missing.isError).toBe(true);
    expect(json(missing).hint).toBeTruthy();
  });

  it("exports STEP inside the output folder and refuses paths outside it", async () => {
    const r = await ok(client, "export", { format: "step", filename: "part.step" });
    expect(r.path).toBe("part.step");
    expect(existsSync(path.join(out, "part.step"))).toBe(true);
    for (const filename of ["../escape.step", path.join(os.tmpdir(), "escape.step")]) {
      const bad = await call(client, "export", { format: "step", filename });
      expect(bad.isError, filename).toBe(true);
      expect(json(bad).hint).toBeTruthy();
    }
    expect(existsSync(path.join(out, "..", "escape.step"))).toBe(false);
  });

  it("serves the design record and the parts as resources", async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(["cadagent://design", "cadagent://parts"]));
    const design = await client.readResource({ uri: "cadagent://design" });
    const designText = design.contents[0] && "text" in design.contents[0] ? design.contents[0].text : "";
    const record = parseDesignRecord(designText, "cadagent://design");
    expect(record.brief).toBe("test block with a hole");
    // Only successful mutating calls, in order: not finish, the failed calls or the export.
    expect(record.steps.map((s) => s.tool)).toEqual(["set_parameter", "create_box", "create_cylinder", "boolean"]);
    expect(record.steps[1]?.input.length).toBe("width");
    expect(record.parameters.width).toEqual({ value: 40, unit: "mm" });
    expect(record.final?.parts).toEqual(["part"]);

    const parts = await client.readResource({ uri: "cadagent://parts" });
    const partsText = parts.contents[0] && "text" in parts.contents[0] ? parts.contents[0].text : "";
    const body = JSON.parse(partsText) as { parts: { name: string; volume: number }[] };
    expect(body.parts.map((p) => p.name)).toEqual(["part"]);
    expect(body.parts[0]?.volume).toBeCloseTo(EXPECTED_VOLUME, 4);
    await expect(client.readResource({ uri: "cadagent://nope" })).rejects.toThrow(/unknown resource/);
  });

  it("save_design writes a record that `cadagent build` rebuilds to the same volume", async () => {
    const saved = await ok(client, "save_design", { filename: "block.cad.json" });
    expect(saved.path).toBe("block.cad.json");
    expect(saved.steps).toBe(4);
    const file = path.join(out, "block.cad.json");
    expect(existsSync(file)).toBe(true);
    const outside = await call(client, "save_design", { filename: "../block.cad.json" });
    expect(outside.isError).toBe(true);

    const rebuilt = path.join(cli.tmp, "rebuilt");
    const r = await cli.run(["build", file, "--out", rebuilt, "--formats", "step"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(rebuilt, "report.json"), "utf8")) as RunReport;
    expect(report.status).toBe("success");
    expect(report.parts.map((p) => p.name)).toEqual(["part"]);
    expect(report.parts[0]?.volume).toBeCloseTo(EXPECTED_VOLUME, 4);

    const wider = path.join(cli.tmp, "rebuilt-60");
    const r60 = await cli.run(["build", file, "--set", "width=60", "--out", wider, "--formats", "step"]);
    expect(r60.code, r60.stderr).toBe(0);
    const report60 = JSON.parse(readFileSync(path.join(wider, "report.json"), "utf8")) as RunReport;
    expect(report60.parts[0]?.volume).toBeCloseTo(60 * 30 * 10 - Math.PI * 25 * 10, 4);
  });

  it("logs on stderr only (stdout carried nothing but JSON-RPC, or the client would have failed)", () => {
    expect(stderr()).toMatch(/serving \d+ tools on stdio/);
  });
});

describe("cadagent mcp --allow-python", () => {
  it("offers run_python", async () => {
    const { client } = await connect(["--out", out, "--allow-python"]);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("run_python");
    } finally {
      await client.close();
    }
  });
});

describe("cadagent mcp when the FreeCAD worker dies", () => {
  it("restarts it and rebuilds the design, and the session goes on", async () => {
    const { client, stderr } = await connect(["--out", out]);
    try {
      await ok(client, "create_box", { name: "b", length: 10, width: 20, height: 3 });
      const pid = Number(/ready \(pid (\d+)\)/.exec(stderr())?.[1]);
      expect(pid, stderr()).toBeGreaterThan(0);
      process.kill(pid, "SIGKILL");
      const m = await ok(client, "measure", { object: "b" });
      expect(m.volume).toBeCloseTo(600, 6);
      expect(stderr()).toMatch(/FreeCAD worker restarted/);
    } finally {
      await client.close();
    }
  });
});

describe("cadagent mcp without FreeCAD", () => {
  it("still lists tools, and a call is a clear tool error with the install hint", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [mainJs(), "mcp", "--out", out],
      env: { ...(process.env as Record<string, string>), FREECAD_CMD: path.join(cli.tmp, "no-such-freecadcmd") },
      cwd: cli.tmp,
      stderr: "pipe",
    });
    const client = new Client({ name: "cadagent-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(10);
      const r = await call(client, "create_box", { length: 1, width: 1, height: 1 });
      expect(r.isError).toBe(true);
      expect(json(r).error).toMatch(/FreeCAD is unavailable/);
      expect(json(r).hint).toMatch(/FREECAD_CMD|install/i);
      // The server survived: a second call answers too.
      expect((await call(client, "list_objects", {})).isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});

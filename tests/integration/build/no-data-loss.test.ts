import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../../src/agent/report.js";
import { freecadCmd } from "../../helpers/cad.js";
import { buildCli, examplesDir, type CliHarness } from "../../helpers/cli-harness.js";

/** Issue #13 items 5, 7, 9 and 10 through `cadagent build`. */

let cli: CliHarness;
beforeAll(() => {
  cli = buildCli();
});
afterAll(() => cli.close());

const plate = path.join(examplesDir, "plate-with-holes.cad.json");
const noStack = (s: string): void => expect(s).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);

function record(steps: unknown[], final: string[] | null = null): string {
  return JSON.stringify({
    format: "cadagent.design/1",
    brief: "test",
    createdWith: { cadagent: "0.1.0", provider: null, model: null, freecad: "" },
    parameters: {},
    steps,
    final: final ? { parts: final, summary: "test" } : null,
  });
}

describe("no data loss by overwrite", () => {
  it("building a record with --set into its own folder is refused and the record is unchanged", async () => {
    const dir = path.join(cli.tmp, "own");
    mkdirSync(dir);
    const file = path.join(dir, "design.cad.json");
    copyFileSync(plate, file);
    const before = readFileSync(file, "utf8");
    const r = await cli.run(["build", file, "--set", "thickness=9", "-o", dir, "--formats", "step"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/would overwrite the record/);
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("a failed build into a folder built before leaves no stale models beside its failed report", async () => {
    const out = path.join(cli.tmp, "stale");
    const ok = await cli.run(["build", plate, "-o", out, "--formats", "step,stl"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(path.join(out, "model.step"))).toBe(true);
    const broken = path.join(cli.tmp, "broken.cad.json");
    writeFileSync(
      broken,
      record([
        { tool: "create_box", input: { name: "box", length: 10, width: 10, height: 10 } },
        { tool: "boolean", input: { name: "part", op: "cut", base: "box", tools: ["missing"] } },
      ]),
    );
    const bad = await cli.run(["build", broken, "-o", out, "--formats", "step,stl"]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(existsSync(path.join(out, "model.step"))).toBe(false);
    expect(existsSync(path.join(out, "model.stl"))).toBe(false);
    const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as RunReport;
    expect(report.status).toBe("failed");
  });
});

describe("bounded record reading and early validation", () => {
  // FreeCAD "missing" proves these are refused before it would be started (that would be exit 4).
  const noFreecad = { FREECAD_CMD: "/nonexistent/freecadcmd" };

  it("`build /dev/zero` is refused at once with exit 2", async () => {
    const r = await cli.run(["build", "/dev/zero"], { env: noFreecad });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/regular file/);
    noStack(r.stderr);
  });

  it("10,000-deep JSON is exit 2 with a message, not a stack overflow", async () => {
    const file = path.join(cli.tmp, "deep.cad.json");
    writeFileSync(file, `${"[".repeat(10_000)}${"]".repeat(10_000)}`);
    const r = await cli.run(["build", file], { env: noFreecad });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/nested deeper than/);
    noStack(r.stderr);
  });

  it("a step whose input breaks its tool's schema (a count past the bound) is exit 2 before FreeCAD starts", async () => {
    const file = path.join(cli.tmp, "huge-pattern.cad.json");
    writeFileSync(
      file,
      record([
        { tool: "create_box", input: { name: "b", length: 1, width: 1, height: 1 } },
        { tool: "linear_pattern", input: { object: "b", direction: "X", count: 5000, spacing: 2 } },
      ]),
    );
    const r = await cli.run(["build", file], { env: noFreecad });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/step 2 \(linear_pattern\): 'count'.*whole number from 2 to 1000/);
  });
});

describe("config that runs programs", () => {
  it("a project cadagent.config.json naming freecadPath is refused; the program never runs", async () => {
    const dir = path.join(cli.tmp, "project");
    mkdirSync(dir);
    const marker = path.join(dir, "ran");
    const evil = path.join(dir, "evil.sh");
    writeFileSync(evil, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    writeFileSync(path.join(dir, "cadagent.config.json"), JSON.stringify({ freecadPath: "./evil.sh" }));
    const env = { FREECAD_CMD: "" };
    const jobs = path.join(dir, "jobs.jsonl");
    writeFileSync(jobs, `${JSON.stringify({ id: "a", design: plate })}\n`);
    for (const args of [["doctor"], ["batch", jobs, "-o", path.join(dir, "out")]]) {
      const r = await cli.run(args, { cwd: dir, env });
      expect(r.code, `${args[0]}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stdout + r.stderr).toMatch(/names a program to run/);
    }
    expect(existsSync(marker)).toBe(false);
  });
});

describe("Ctrl-C during build", () => {
  it("exits 130 'interrupted', not a failed step", async () => {
    const steps = Array.from({ length: 400 }, (_, i) => ({
      tool: "create_cylinder",
      input: { name: `c${i}`, radius: 1, height: 1, position: [i * 3, 0, 0] },
    }));
    const file = path.join(cli.tmp, "long.cad.json");
    writeFileSync(file, record(steps));
    const out = path.join(cli.tmp, "interrupted");
    const child = spawn(process.execPath, [cli.main, "build", file, "-o", out, "--formats", "step"], {
      cwd: cli.tmp,
      env: { ...process.env, FREECAD_CMD: freecadCmd() },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so the SIGINT reaches the CLI and its FreeCAD worker as a terminal's would.
      detached: true,
    });
    let stderr = "";
    let sent = false;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      // Interrupt mid-replay, as a terminal's Ctrl-C would (the whole process group).
      if (!sent && /\[20\/400\]/.test(stderr)) {
        sent = true;
        process.kill(-child.pid!, "SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(sent, stderr).toBe(true);
    expect(code, stderr).toBe(130);
    const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as RunReport;
    expect(report.status).toBe("interrupted");
    expect(report.exitCode).toBe(130);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DoctorReport } from "../../../src/cli/doctor.js";
import { freecadCmd } from "../../helpers/cad.js";
import { scanProcesses } from "../../helpers/proc-scan.js";
import { buildKeysCli, cleanEnv, type KeysCli } from "../../helpers/keys-cli.js";

/** `cadagent doctor` against the real FreeCAD (scripts/setup installs it), with no session bus. */

const KEY = "sk-proj-DOCTOR-TEST-0123456789abcdef7e7e";

let cli: KeysCli;
let tmp: string;
let home: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-doctor-it-"));
  home = path.join(tmp, "home");
  mkdirSync(home);
  cli = buildKeysCli();
}, 120_000);

afterAll(() => {
  cli?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv =>
  cleanEnv({ CADAGENT_HOME: home, FREECAD_CMD: freecadCmd(), ...extra });

describe("cadagent doctor", () => {
  it("ready: FreeCAD found with its version, worker answers ping, key source shown — the key never", async () => {
    let cliPid = -1;
    const scan = scanProcesses(KEY, { envAllowed: () => new Set([cliPid]), watchFor: "cadagent_worker" });
    let r;
    try {
      r = await cli.run(["doctor", "--json"], { env: env({ OPENAI_API_KEY: KEY }), onSpawn: (pid) => (cliPid = pid) });
    } finally {
      await scan.stop();
    }
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.freecad).toMatchObject({ ok: true, path: freecadCmd(), source: "FREECAD_CMD" });
    expect(report.freecad.version).toMatch(/^\d+\.\d+/);
    expect(report.freecad.tested).toEqual(["0.20.2", "1.0.0"]);
    expect(report.worker.ok).toBe(true);
    expect(report.worker.startMs).toBeGreaterThan(0);
    expect(report.worker.pingMs).toBeGreaterThanOrEqual(0);
    expect(report.keychain.available).toBe(false);
    expect(report.keychain.reason).toMatch(/no D-Bus session bus/);
    expect(report.providers.find((p) => p.id === "openai")).toMatchObject({
      ready: true,
      source: "env",
      detail: "OPENAI_API_KEY",
    });
    expect(report.render.preview).toBe("tessellation preview: built in");
    expect(report.node.version).toBe(process.version);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(r.stdout).not.toContain(KEY.slice(-12));
    // Neither the FreeCAD worker nor the keychain helper got the key in argv or environment.
    expect(scan.seen.length).toBeGreaterThan(0); // the scan saw the FreeCAD worker it checked
    expect(scan.hits, `cli pid ${cliPid}`).toEqual([]);
  });

  it("human output: one line per check and the verdict", async () => {
    const r = await cli.run(["doctor"], { env: env({ OPENAI_API_KEY: KEY }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}FreeCAD \d+\.\d+\S* at /m);
    expect(r.stdout).toMatch(/^ok {3}worker started in \d+ ms, ping answered in \d+ ms$/m);
    expect(r.stdout).toMatch(/^warn keychain: .* unavailable — no D-Bus session bus/m);
    expect(r.stdout).toContain("openai (env: OPENAI_API_KEY)");
    expect(r.stdout).toContain("render: tessellation preview: built in");
    expect(r.stdout).toContain("ready: a design can run");
    expect(r.stdout).not.toContain(KEY);
  });

  it("no FreeCAD → exit 2 with what to fix", async () => {
    const r = await cli.run(["doctor"], {
      env: env({ FREECAD_CMD: path.join(tmp, "missing-freecadcmd"), OPENAI_API_KEY: KEY }),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("not ready; to fix:");
    expect(r.stdout).toMatch(/missing-freecadcmd does not run: .*FREECAD_CMD/);
  });

  it("the configured provider without a key → exit 2 naming how to add one", async () => {
    const project = path.join(tmp, "project");
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, "cadagent.config.json"), JSON.stringify({ provider: "anthropic" }));
    const r = await cli.run(["doctor", "--json"], { env: env(), cwd: project });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.problems.join("\n")).toContain("cadagent keys set anthropic");
  });

  it("a bad config → exit 2 naming file, key and expectation (keys list too)", async () => {
    const project = path.join(tmp, "bad-project");
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, "cadagent.config.json"), '{\n  "maxTurns": "many"\n}');
    const list = await cli.run(["keys", "list"], { env: env(), cwd: project });
    expect(list.code).toBe(2);
    expect(list.stderr).toBe(
      `cadagent: invalid config ${path.join(project, "cadagent.config.json")}:2: "maxTurns" must be a whole number of at least 1 (e.g. 30), got "many"\n`,
    );
  });
});

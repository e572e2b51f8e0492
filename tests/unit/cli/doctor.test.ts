import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freecadVersionWarning, runDoctor, TESTED_FREECAD } from "../../../src/cli/doctor.js";
import { memoryKeychain } from "../../helpers/memory-keychain.js";

/** Doctor's logic without FreeCAD (FREECAD_CMD points at nothing); the real run is in tests/integration/keys/doctor-cli.test.ts. */

let root: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "cadagent-doctor-"));
  mkdirSync(path.join(root, "home"));
  env = { PATH: process.env.PATH, CADAGENT_HOME: path.join(root, "home"), FREECAD_CMD: path.join(root, "no-freecad") };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("runDoctor", () => {
  it("FreeCAD that does not run → not ok, with what to fix; other checks still reported", async () => {
    const r = await runDoctor({
      env: { ...env, OPENAI_API_KEY: "sk-doctor-secret-0000000000001111" },
      cwd: root,
      keychain: memoryKeychain(),
    });
    expect(r.ok).toBe(false);
    expect(r.freecad).toMatchObject({ ok: false, path: path.join(root, "no-freecad"), source: "FREECAD_CMD" });
    expect(r.worker.ok).toBe(false);
    expect(r.problems.join("\n")).toContain("does not run");
    expect(r.providers.find((p) => p.id === "openai")).toMatchObject({
      ready: true,
      source: "env",
      detail: "OPENAI_API_KEY",
    });
    expect(r.providers.find((p) => p.id === "ollama")).toMatchObject({
      ready: true,
      source: undefined,
      keyRequired: false,
    });
    expect(r.render.preview).toBe("tessellation preview: built in");
    expect(r.node.ok).toBe(true);
    expect(JSON.stringify(r)).not.toContain("sk-doctor-secret");
  });

  it("reports an unavailable keychain with its reason (a warning, not a blocker)", async () => {
    const r = await runDoctor({ env, cwd: root, keychain: memoryKeychain({}, "no D-Bus session bus") });
    expect(r.keychain).toEqual({ label: "OS keychain (test)", available: false, reason: "no D-Bus session bus" });
    expect(r.problems.join("\n")).not.toContain("no D-Bus session bus");
    // …and it is one of the warnings, so doctor --json carries it.
    expect(
      r.warnings.some((w) => w.startsWith("keychain: OS keychain (test) unavailable — no D-Bus session bus")),
    ).toBe(true);
  });

  it("the configured provider must have a key", async () => {
    writeFileSync(path.join(root, "cadagent.config.json"), JSON.stringify({ provider: "anthropic" }));
    const r = await runDoctor({ env, cwd: root, keychain: memoryKeychain() });
    expect(r.config.provider).toBe("anthropic");
    expect(r.problems.join("\n")).toContain(
      "no API key for Anthropic (the configured provider): set ANTHROPIC_API_KEY",
    );
  });

  it("a bad config is a problem in the report, not a crash", async () => {
    writeFileSync(path.join(root, "cadagent.config.json"), JSON.stringify({ maxturns: 3 }));
    const r = await runDoctor({ env, cwd: root, keychain: memoryKeychain() });
    expect(r.config.ok).toBe(false);
    expect(r.config.error).toContain('"maxturns": unknown key (did you mean "maxTurns"?)');
    expect(r.problems[0]).toBe(r.config.error);
  });

  it("a group-readable api_keys.json is a problem", async () => {
    const file = path.join(root, "home", "api_keys.json");
    writeFileSync(file, "{}", { mode: 0o644 });
    const r = await runDoctor({ env, cwd: root, keychain: memoryKeychain() });
    expect(r.apiKeysFile.status).toBe("refused");
    expect(r.problems.some((p) => p.includes("chmod 600"))).toBe(true);
  });
});

describe("FreeCAD version lines", () => {
  it("warns below 0.20 and names the tested versions", () => {
    expect(TESTED_FREECAD).toEqual(["0.20.2", "1.0.0"]);
    expect(freecadVersionWarning("0.19.4")).toMatch(/0\.19\.4 is older than 0\.20.*0\.20\.2 and 1\.0\.0/);
    for (const v of ["0.20.2", "0.21.2", "1.0.0", "1.1.0", undefined]) expect(freecadVersionWarning(v)).toBeUndefined();
  });
});

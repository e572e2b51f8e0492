import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../../src/util/user-error.js";
import { loadConfig, mergeFlags } from "../../../src/config/load.js";
import { loadProviders } from "../../../src/llm/providers.js";

let root: string;
let home: string;
let project: string;
let env: NodeJS.ProcessEnv;

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value, null, 2));
}
const userFile = (): string => path.join(home, "config.json");
const projectFile = (): string => path.join(project, "cadagent.config.json");

function failure(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "cadagent-config-"));
  home = path.join(root, "home");
  project = path.join(root, "project");
  mkdirSync(home);
  mkdirSync(project);
  env = { CADAGENT_HOME: home, HOME: root };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("loadConfig", () => {
  it("defaults when there is no file and no variable", () => {
    const c = loadConfig({ providers: loadProviders, cwd: project, env });
    expect(c).toMatchObject({
      home,
      provider: undefined,
      model: undefined,
      outDir: path.join(project, "cadagent-out"),
      out: undefined,
      formats: ["step", "stl", "fcstd"],
      maxTurns: 30,
      budgetUsd: undefined,
      timeoutSeconds: undefined,
      freecadPath: undefined,
      apiKeysFile: path.join(home, "api_keys.json"),
      files: { user: { path: userFile(), loaded: false }, project: { path: projectFile(), loaded: false } },
    });
    expect(new Set(Object.values(c.sources))).toEqual(new Set(["default"]));
  });

  it("precedence: flags > env > project > user > defaults, with the source of each value", () => {
    writeJson(userFile(), {
      provider: "anthropic",
      model: "u-model",
      maxTurns: 10,
      budgetUsd: 1,
      timeoutSeconds: 100,
      formats: ["step"],
    });
    writeJson(projectFile(), { model: "p-model", maxTurns: 20, budgetUsd: 2 });
    env.CADAGENT_MAX_TURNS = "40";
    env.CADAGENT_PROVIDER = "openai";
    const c = loadConfig({ providers: loadProviders, cwd: project, env });
    expect(c).toMatchObject({
      provider: "openai",
      model: "p-model",
      maxTurns: 40,
      budgetUsd: 2,
      timeoutSeconds: 100,
      formats: ["step"],
    });
    expect(c.sources).toMatchObject({
      provider: "env",
      model: "project",
      maxTurns: "env",
      budgetUsd: "project",
      timeoutSeconds: "user",
      formats: "user",
      outDir: "default",
    });
    expect(c.files.user.loaded && c.files.project.loaded).toBe(true);

    const f = mergeFlags(
      c,
      { provider: "gemini", maxTurns: "50", budget: "0.5", formats: "stl,STEP", out: "run1" },
      { providers: loadProviders, cwd: project, env },
    );
    expect(f).toMatchObject({
      provider: "gemini",
      maxTurns: 50,
      budgetUsd: 0.5,
      formats: ["stl", "step"],
      out: path.join(project, "run1"),
      model: "p-model",
    });
    expect(f.sources).toMatchObject({
      provider: "flag",
      maxTurns: "flag",
      budgetUsd: "flag",
      formats: "flag",
      out: "flag",
      model: "project",
    });
    // mergeFlags does not mutate its input.
    expect(c.provider).toBe("openai");
  });

  it("paths in a file resolve against that file's folder; env paths against cwd; bare commands stay bare", () => {
    writeJson(userFile(), { outDir: "runs", apiKeysFile: "~/secrets/keys.json", freecadPath: "../bin/FreeCADCmd" });
    let c = loadConfig({ providers: loadProviders, cwd: project, env });
    expect(c.outDir).toBe(path.join(home, "runs"));
    expect(c.apiKeysFile).toBe(path.join(root, "secrets", "keys.json"));
    expect(c.freecadPath).toBe(path.join(path.dirname(home), "bin", "FreeCADCmd"));
    writeJson(userFile(), { outDir: "runs", apiKeysFile: "~/secrets/keys.json", freecadPath: "freecadcmd" });
    c = loadConfig({ providers: loadProviders, cwd: project, env: { ...env, CADAGENT_OUT_DIR: "out2" } });
    expect(c.freecadPath).toBe("freecadcmd");
    expect(c.outDir).toBe(path.join(project, "out2"));
  });

  it("a project config may not name the FreeCAD program: exit 2 saying why, even when the user config names one", () => {
    writeJson(userFile(), { freecadPath: "freecadcmd" });
    writeJson(projectFile(), { freecadPath: "./evil.sh" });
    let err: unknown;
    try {
      loadConfig({ providers: loadProviders, cwd: project, env });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).message).toContain(projectFile());
    expect((err as UserError).message).toMatch(/"freecadPath" names a program to run.*FREECAD_CMD/);
    rmSync(projectFile());
    expect(loadConfig({ providers: loadProviders, cwd: project, env }).freecadPath).toBe("freecadcmd");
  });

  it("FREECAD_CMD and CADAGENT_API_KEYS_FILE are the environment's freecadPath and apiKeysFile", () => {
    const c = loadConfig({
      providers: loadProviders,
      cwd: project,
      env: { ...env, FREECAD_CMD: "/opt/fc/bin/freecadcmd", CADAGENT_API_KEYS_FILE: "/etc/k.json" },
    });
    expect(c).toMatchObject({ freecadPath: "/opt/fc/bin/freecadcmd", apiKeysFile: "/etc/k.json" });
    expect(c.sources).toMatchObject({ freecadPath: "env", apiKeysFile: "env" });
  });

  it("formats accept a list or a comma string, case-insensitive, deduplicated", () => {
    writeJson(projectFile(), { formats: "STEP, stl,step" });
    expect(loadConfig({ providers: loadProviders, cwd: project, env }).formats).toEqual(["step", "stl"]);
  });
});

describe("bad configuration → exit 2 naming the file, line, key and what is expected", () => {
  it("unknown key, with did-you-mean and the known keys", () => {
    writeJson(userFile(), '{\n  "provider": "openai",\n  "mdoel": "gpt-5"\n}');
    const e = failure(() => loadConfig({ providers: loadProviders, cwd: project, env }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(
      `invalid config ${userFile()}:3: "mdoel": unknown key (did you mean "model"?); known keys: provider, model, outDir, formats, maxTurns, budgetUsd, timeoutSeconds, effort, freecadPath, apiKeysFile`,
    );
  });

  it("wrong type", () => {
    writeJson(projectFile(), '{\n  "maxTurns": "ten"\n}');
    expect(failure(() => loadConfig({ providers: loadProviders, cwd: project, env })).message).toBe(
      `invalid config ${projectFile()}:2: "maxTurns" must be a whole number of at least 1 (e.g. 30), got "ten"`,
    );
  });

  it("every problem at once", () => {
    writeJson(projectFile(), { maxTurns: 0, budgetUsd: -1, formats: ["stp"] });
    const lines = failure(() => loadConfig({ providers: loadProviders, cwd: project, env })).message.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('"maxTurns" must be a whole number of at least 1');
    expect(lines[1]).toContain('"budgetUsd" must be a positive number of US dollars');
    expect(lines[2]).toContain("unknown format 'stp' (known: step, stl");
  });

  it("unknown provider, with did-you-mean and the catalog", () => {
    writeJson(userFile(), { provider: "antropic" });
    expect(failure(() => loadConfig({ providers: loadProviders, cwd: project, env })).message).toBe(
      `invalid config ${userFile()}:2: "provider" must be a known provider id, got "antropic" (did you mean "anthropic"?); known: anthropic, gemini, ollama, openai, openrouter`,
    );
  });

  it("invalid JSON, with its line", () => {
    writeJson(userFile(), '{\n  "provider": "openai",\n}');
    expect(failure(() => loadConfig({ providers: loadProviders, cwd: project, env })).message).toMatch(
      new RegExp(`^invalid config ${userFile().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: invalid JSON`),
    );
  });

  it("not an object", () => {
    writeJson(userFile(), "[1, 2]");
    expect(failure(() => loadConfig({ providers: loadProviders, cwd: project, env })).message).toContain(
      `invalid config ${userFile()}: expected an object`,
    );
  });

  it("bad environment variable, named", () => {
    expect(
      failure(() =>
        loadConfig({ providers: loadProviders, cwd: project, env: { ...env, CADAGENT_BUDGET_USD: "5 dollars" } }),
      ).message,
    ).toBe(
      'invalid environment variable CADAGENT_BUDGET_USD: must be a positive number of US dollars (e.g. 2.5), got "5 dollars"',
    );
    expect(
      failure(() => loadConfig({ providers: loadProviders, cwd: project, env: { ...env, CADAGENT_MAX_TURNS: "2.5" } }))
        .message,
    ).toContain("CADAGENT_MAX_TURNS: must be a whole number");
  });

  it("bad flag, named as typed", () => {
    const c = loadConfig({ providers: loadProviders, cwd: project, env });
    expect(
      failure(() => mergeFlags(c, { maxTurns: "lots" }, { providers: loadProviders, cwd: project, env })).message,
    ).toBe('invalid --max-turns "lots": must be a whole number of at least 1 (e.g. 30), got "lots"');
    expect(
      failure(() => mergeFlags(c, { timeout: "-3" }, { providers: loadProviders, cwd: project, env })).message,
    ).toContain("invalid --timeout");
    expect(
      failure(() => mergeFlags(c, { provider: "opnai" }, { providers: loadProviders, cwd: project, env })).message,
    ).toContain('(did you mean "openai"?)');
  });
});

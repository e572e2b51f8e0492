import net from "node:net";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, examplesDir, type CliHarness } from "../../helpers/cli-harness.js";
import { buildKeysCli, cleanEnv, type KeysCli } from "../../helpers/keys-cli.js";
import type { DoctorReport } from "../../../src/cli/doctor.js";
import { freecadCmd } from "../../helpers/cad.js";

/**
 * Item 7: commands agree with one another. build reads cadagent.config.json like design and
 * batch; a record handed to batch points at build; doctor says "ready" only when a provider can
 * run and its --json carries every warning.
 */

const PLATE = path.join(examplesDir, "plate-with-holes.cad.json");
let cli: CliHarness;
let keysCli: KeysCli;

beforeAll(() => {
  cli = buildCli();
  keysCli = buildKeysCli();
});
afterAll(() => {
  cli.close();
  keysCli.close();
});

function project(name: string, config: unknown): string {
  const dir = path.join(cli.tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "cadagent.config.json"), JSON.stringify(config));
  return dir;
}

const isolated = (): NodeJS.ProcessEnv => ({ CADAGENT_HOME: path.join(cli.tmp, "home"), OPENAI_API_KEY: "" });

describe("build honours cadagent.config.json", () => {
  it("outDir and formats from the project config; flags still win", async () => {
    const dir = project("cfg-ok", { outDir: "parts", formats: "step" });
    const r = await cli.run(["build", PLATE], { cwd: dir, env: isolated() });
    expect(r.code, r.stderr).toBe(0);
    const runs = readdirSync(path.join(dir, "parts"));
    expect(runs).toHaveLength(1);
    const files = readdirSync(path.join(dir, "parts", runs[0] ?? ""));
    expect(files).toContain("model.step");
    expect(files).not.toContain("model.stl");
    const flagged = await cli.run(["build", PLATE, "--formats", "stl", "-o", "flag-out"], {
      cwd: dir,
      env: isolated(),
    });
    expect(flagged.code, flagged.stderr).toBe(0);
    expect(readdirSync(path.join(dir, "flag-out"))).toContain("model.stl");
  });

  it("an invalid config is refused by build exactly as by design (exit 2, same line)", async () => {
    const dir = project("cfg-bad", { maxTurns: "lots" });
    const build = await cli.run(["build", PLATE], { cwd: dir, env: isolated() });
    const design = await cli.run(["-p", "openai", "a 20 mm cube"], { cwd: dir, env: isolated() });
    expect(build.code).toBe(2);
    expect(design.code).toBe(2);
    expect(build.stderr).toContain("cadagent.config.json");
    expect(build.stderr).toBe(design.stderr);
    expect(existsSync(path.join(dir, "cadagent-out"))).toBe(false);
  });
});

it("a design record given to batch says to use build, or give its folder", async () => {
  const r = await cli.run(["batch", PLATE], { env: isolated() });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${PLATE} is a design record, not a jobs file: use \`cadagent build ${PLATE}\``);
  expect(r.stderr).toContain(`cadagent batch ${examplesDir}`);
});

describe("doctor", () => {
  const env = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
    cleanEnv({ CADAGENT_HOME: path.join(cli.tmp, "doctor-home"), FREECAD_CMD: freecadCmd(), ...extra });

  it("no hosted key and Ollama not running: not 'ready', exit 2, says how to fix both", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await keysCli.run(["doctor"], { env: env({ OLLAMA_BASE_URL: `http://127.0.0.1:${port}/v1` }) });
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain("ready: a design can run");
    expect(r.stdout).toContain("no provider can run");
    expect(r.stdout).toContain(
      `ollama does not answer at http://127.0.0.1:${port}/v1 (start it with \`ollama serve\`)`,
    );
  });

  it("Ollama listening: ready, with the warning — and --json carries every warning the text shows", async () => {
    const ollama = net.createServer((s) => s.end());
    await new Promise<void>((r) => ollama.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(ollama.address() as net.AddressInfo).port}/v1`;
    try {
      const text = await keysCli.run(["doctor"], { env: env({ OLLAMA_BASE_URL: url }) });
      expect(text.code, text.stdout).toBe(0);
      expect(text.stdout).toContain("ready: a design can run");
      const json = await keysCli.run(["doctor", "--json"], { env: env({ OLLAMA_BASE_URL: url }) });
      const report = JSON.parse(json.stdout) as DoctorReport;
      expect(report.warnings.some((w) => w.includes(`ollama (answers at ${url})`))).toBe(true);
      // No session bus here: the keychain warning is in the JSON too.
      expect(report.warnings.some((w) => /^keychain: .* unavailable/.test(w))).toBe(true);
      const printed = text.stdout.split("\n").filter((l) => l.startsWith("warn "));
      expect(printed.map((l) => l.slice(5))).toEqual(report.warnings);
    } finally {
      await new Promise<void>((r) => ollama.close(() => r()));
    }
  });
});

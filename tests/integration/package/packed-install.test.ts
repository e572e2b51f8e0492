import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freecadCmd, near } from "../../helpers/cad.js";
import { compilePrivateCli } from "../../helpers/private-cli.js";
import { bracketVolume } from "../../helpers/volumes.js";

/**
 * The package as a user installs it: `npm pack`, then `npm install -g --prefix <empty folder>` of
 * the tarball, then the installed `cadagent` run from a folder outside the repository. The
 * tarball is packed from a staging copy of the package's `files` with the CLI this test run
 * compiled (so the repository's dist/ is never written). The install is --offline: it resolves
 * from the npm cache that `scripts/setup --test` fills (tests never use the network).
 */

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  name: string;
  version: string;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let tmp: string;
let prefix: string;
let installed: string;
let packed: string[];
let env: NodeJS.ProcessEnv;
let outside: string;

beforeAll(async () => {
  const cli = compilePrivateCli("cadagent-pack-test-");
  tmp = cli.tmp;
  const stage = path.join(tmp, "stage");
  mkdirSync(stage);
  for (const f of ["package.json", "README.md", ...pkg.files.filter((f) => f !== "dist")]) {
    cpSync(path.join(repoRoot, f), path.join(stage, f), {
      recursive: true,
      filter: (src) => !src.includes("__pycache__"),
    });
  }
  cpSync(path.dirname(path.dirname(cli.main)), path.join(stage, "dist"), { recursive: true });
  const packOut = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], { cwd: stage });
  const info = (JSON.parse(packOut.stdout) as { filename: string; files: { path: string }[] }[])[0];
  if (!info) throw new Error(`npm pack printed nothing: ${packOut.stderr}`);
  packed = info.files.map((f) => f.path);

  prefix = path.join(tmp, "prefix");
  try {
    await run(
      "npm",
      [
        "install",
        "--global",
        "--prefix",
        prefix,
        path.join(tmp, info.filename),
        "--offline",
        "--no-audit",
        "--no-fund",
      ],
      { cwd: tmp, timeout: 240_000 },
    );
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    throw new Error(
      /ENOTCACHED/.test(stderr)
        ? `the npm cache lacks what the tarball's dependencies resolve to: run scripts/setup --test (it fills the cache once per lock file)\n${stderr}`
        : stderr,
      { cause: e },
    );
  }
  installed = path.join(prefix, "lib", "node_modules", pkg.name);
  outside = path.join(tmp, "elsewhere");
  mkdirSync(path.join(outside, "home"), { recursive: true });
  env = {
    PATH: `${path.join(prefix, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
    HOME: path.join(outside, "home"),
    CADAGENT_HOME: path.join(outside, "home", "cadagent"),
    FREECAD_CMD: freecadCmd(),
    LANG: "C.UTF-8",
  };
}, 300_000);
// Retries: a FreeCAD worker that outlives its CLI by a moment may still be compiling into
// HOME/.cache/cadagent/pycache (inside tmp) when this runs.
afterAll(() => rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));

describe("the packed tarball", () => {
  it("holds the compiled CLI, the Python worker, providers, prompts and examples, and no sources or tests", () => {
    for (const f of [
      "package.json",
      "README.md",
      "dist/cli/main.js",
      "src/cad/worker/cadagent_worker/main.py",
      "providers/anthropic.json",
      "prompts/system.md",
      "examples/l-bracket.cad.json",
    ])
      expect(packed, f).toContain(f);
    expect(packed.filter((f) => /^(tests|bench|scripts|node_modules)\//.test(f) || /\.ts$/.test(f))).toEqual([]);
  });

  it("installs runtime dependencies only, with cadagent on the prefix's PATH", () => {
    expect(existsSync(path.join(prefix, "bin", "cadagent"))).toBe(true);
    const modules = readdirSync(path.join(installed, "node_modules"));
    for (const dep of Object.keys(pkg.dependencies)) {
      const top = dep.startsWith("@") ? dep.split("/")[0] : dep;
      expect(modules, dep).toContain(top);
    }
    for (const dev of ["typescript", "vitest", "eslint", "prettier", "yaml"]) expect(modules).not.toContain(dev);
  });
});

describe("the installed cadagent, from a folder outside the repository", () => {
  it("doctor finds FreeCAD; with no key anywhere, the only problem it names is that no provider can run", async () => {
    // No key is given on purpose: a key would make doctor ask the provider for its models (no network in tests).
    const r = await run("cadagent", ["doctor", "--json"], { cwd: outside, env }).catch(
      (e: { code?: number; stdout?: string }) => ({ stdout: e.stdout ?? "", code: e.code }),
    );
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      freecad: { ok: boolean; version: string };
      problems: string[];
    };
    expect(report.freecad.ok).toBe(true);
    expect(report.freecad.version).toMatch(/^\d+\.\d+/);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^no provider can run/);
  });

  it("builds its bundled example with the hand-computed volume", async () => {
    const example = path.join(installed, "examples", "l-bracket.cad.json");
    await run("cadagent", ["build", example, "-o", "out", "--formats", "step,stl"], { cwd: outside, env });
    const report = JSON.parse(readFileSync(path.join(outside, "out", "report.json"), "utf8")) as {
      status: string;
      parts: { volume: number }[];
    };
    expect(report.status).toBe("success");
    expect(near(report.parts[0]?.volume ?? 0, bracketVolume(), 1e-4)).toBe(true);
    expect(existsSync(path.join(outside, "out", "model.step"))).toBe(true);
    expect(existsSync(path.join(outside, "out", "preview.png"))).toBe(true);
  });

  it("mcp answers an MCP client's initialize and lists the tool catalog", async () => {
    const child = spawn("cadagent", ["mcp", "--out", path.join(outside, "mcp-out")], {
      cwd: outside,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const lines: unknown[] = [];
    let buf = "";
    const got = (n: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => void (lines.length >= n && resolve());
        child.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
            lines.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
          }
          check();
        });
        child.on("exit", (code) => reject(new Error(`cadagent mcp exited ${code}`)));
      });
    const send = (m: object): boolean => child.stdin.write(`${JSON.stringify(m)}\n`);
    try {
      const two = got(2);
      send({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "test", version: "1" } },
      });
      send({ jsonrpc: "2.0", method: "notifications/initialized" });
      send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
      await two;
      const [init, list] = lines as [
        { result: { serverInfo: { name: string } } },
        { result: { tools: { name: string }[] } },
      ];
      expect(init.result.serverInfo.name).toMatch(/cadagent/);
      expect(list.result.tools.map((t) => t.name)).toContain("create_box");
    } finally {
      const exited = new Promise((resolve) => child.once("close", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });
});

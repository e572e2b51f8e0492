import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAiResponsesServer, textReply, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, type AgentCli } from "../../helpers/agent-cli.js";

/**
 * Item 1 of "a CLI that never surprises": a command word is not a brief. `cadagent doctr` used
 * to start a paid 30-turn design about "doctr"; now it is refused before anything is sent or
 * written, `help` and `version` are commands, and a brief the shell split gets a quoting hint.
 */

const KEY = "sk-words-FAKE-KEY-0123456789abcdef";
const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
let cli: AgentCli;
let server: WireServer;

beforeAll(async () => {
  cli = buildAgentCli();
  server = await startOpenAiResponsesServer({ apiKey: KEY, script: [textReply("nothing should ask me")] });
});
afterAll(async () => {
  await server.close();
  cli.close();
});

const env = (): NodeJS.ProcessEnv => agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl });

describe("a command word is not a brief", () => {
  it.each([
    ["doctr", "doctor"],
    ["tool", "tools"],
    ["versoin", "version"],
    ["hepl", "help"],
    ["Build", "build"],
    ["provider", "providers"],
  ])("`cadagent %s` → exit 2, did you mean `cadagent %s`?, nothing sent, no folder", async (word, meant) => {
    const out = cli.outDir(`word-${word}`);
    const r = await cli.run(["-p", "openai", word, "-o", out], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`did you mean \`cadagent ${meant}\`?`);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
    expect(existsSync(out)).toBe(false);
    // Without -o the default folder would be ./cadagent-out/<slug>-…: it is not created either.
    const bare = await cli.run([word], { env: env() });
    expect(bare.code).toBe(2);
    expect(existsSync(path.join(cli.tmp, "cadagent-out"))).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it("a one-word brief that is no command still runs (the guard is not a word filter)", async () => {
    const out = cli.outDir("word-flange");
    const r = await cli.run(["-p", "openai", "flange", "-o", out, "--max-turns", "1", "--no-review"], { env: env() });
    expect(r.stderr).not.toContain("did you mean");
    expect(server.requests.length).toBeGreaterThan(0);
    expect(existsSync(path.join(out, "report.json"))).toBe(true);
  });

  it("an unquoted multi-word brief gets a hint to quote it, and nothing is sent", async () => {
    const before = server.requests.length;
    const r = await cli.run(["-p", "openai", "a", "20", "mm", "cube"], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('quote it, e.g. cadagent "a 20 mm cube"');
    expect(server.requests.length).toBe(before);
  });
});

describe("help and version are commands", () => {
  it("`cadagent version` and `--version` print the package version", async () => {
    for (const args of [["version"], ["--version"], ["-V"]]) {
      const r = await cli.run(args, { env: env() });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
      expect(r.stderr).toBe("");
    }
  });

  it("`cadagent help` lists every command; `cadagent help build` is build's help", async () => {
    const all = await cli.run(["help"], { env: env() });
    expect(all.code).toBe(0);
    for (const c of [
      "design",
      "build",
      "batch",
      "tools",
      "providers",
      "keys",
      "doctor",
      "mcp",
      "eval",
      "version",
      "help",
    ])
      expect(all.stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
    const build = await cli.run(["help", "build"], { env: env() });
    expect(build.code).toBe(0);
    expect(build.stdout).toContain("Usage: cadagent build");
    expect(build.stdout).toContain("--set <name=value>");
    const typo = await cli.run(["help", "biuld"], { env: env() });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean `cadagent help build`?");
  });
});

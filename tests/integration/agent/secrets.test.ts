import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { httpError, textReply, toolReply, type Script, type WireServer } from "../../helpers/wire/index.js";
import {
  agentEnv,
  buildAgentCli,
  filesContaining,
  readReport,
  readTranscript,
  type AgentCli,
} from "../../helpers/agent-cli.js";
import {
  boxAndToolTurn,
  cutTurn,
  parametersTurn,
  PROVIDER_CASES,
  type ProviderCase,
} from "../../helpers/design-script.js";

/**
 * Keys never leave the process that needs them: not in stdout/stderr, the output folder
 * (record, transcript, report, models), nor the FreeCAD worker's environment — checked by
 * reading /proc/<pid>/environ of every process the CLI started while the run is live. Even a
 * model or server that echoes the key does not get it written anywhere.
 */

const KEY = "sk-secret-FAKE-KEY-9f8e7d6c5b4a3210";
let cli: AgentCli;
let server: WireServer | undefined;

beforeAll(() => {
  cli = buildAgentCli();
});
afterAll(() => cli.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** pids of every live descendant of `root` (Linux /proc). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (ppid) comes after the parenthesised command, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
}

const caseOf = (id: ProviderCase["id"]): ProviderCase => PROVIDER_CASES.find((p) => p.id === id) as ProviderCase;

describe.skipIf(process.platform !== "linux")("API keys", () => {
  it.each(["anthropic", "gemini"] as const)(
    "%s: the FreeCAD worker's environment holds no key (read from /proc while the run is live)",
    async (id) => {
      const pc = caseOf(id);
      let cliPid = -1;
      const seen: Array<{ pid: number; env: string[] }> = [];
      const script: Script = (_req, i) => {
        if (i === 1) for (const pid of descendants(cliPid)) seen.push({ pid, env: environOf(pid) });
        return (
          [
            parametersTurn(),
            boxAndToolTurn(),
            cutTurn(),
            toolReply([["finish", { parts: ["part"], summary: "plate" }]]),
          ][i] ?? textReply("done")
        );
      };
      server = await pc.start({ script, apiKey: KEY });
      const out = cli.outDir("secrets");
      const env = agentEnv(cli.tmp, {
        [pc.keyVar]: KEY,
        [pc.baseUrlVar]: server.baseUrl,
        CADAGENT_EXTRA_SECRET_PROBE: "harmless",
      });
      const r = await cli.run(["a plate", "-p", id, "-o", out, "--events"], { env, onSpawn: (p) => (cliPid = p) });
      expect(r.code, r.stderr).toBe(0);

      // The CLI itself has the key (the user gave it); the worker it started must not.
      const workers = seen.filter((s) => s.env.some((v) => v.startsWith("FREECAD_USER_HOME=")));
      expect(workers.length).toBeGreaterThanOrEqual(1);
      for (const s of seen) {
        expect(s.env.join("\n"), `pid ${s.pid}`).not.toContain(KEY);
        expect(s.env.some((v) => v.startsWith(`${pc.keyVar}=`))).toBe(false);
        // An allow-list: unrelated variables of the user do not reach it either.
        expect(s.env.some((v) => v.startsWith("CADAGENT_EXTRA_SECRET_PROBE="))).toBe(false);
      }
      expect(r.stdout + r.stderr).not.toContain(KEY);
      expect(filesContaining(out, KEY)).toEqual([]);
    },
  );

  it("a key from api_keys.json is used and appears nowhere; a model echoing it is redacted everywhere", async () => {
    const pc = caseOf("openai");
    const home = path.join(cli.tmp, "home-file-key");
    mkdirSync(path.join(home, "cadagent"), { recursive: true });
    const keysFile = path.join(home, "cadagent", "api_keys.json");
    writeFileSync(keysFile, JSON.stringify({ openai: KEY }));
    chmodSync(keysFile, 0o600);
    const lookalike = "sk-ant-api03-LOOKSLIKEAKEY0123456789abcdefghij";
    server = await pc.start({
      apiKey: KEY,
      script: [
        toolReply([["set_parameter", { name: "w", value: 5, description: "cube edge" }]], {
          text: `My key is ${KEY} and another is ${lookalike}.`,
        }),
        toolReply([["create_box", { name: "cube", length: "w", width: "w", height: "w" }]]),
        toolReply([["finish", { parts: ["cube"], summary: `cube; key ${KEY}` }]]),
      ],
    });
    const out = cli.outDir("file-key");
    const env = {
      ...agentEnv(cli.tmp, { OPENAI_BASE_URL: server.baseUrl }),
      HOME: home,
      CADAGENT_HOME: path.join(home, "cadagent"),
    };
    const r = await cli.run(["a 5 mm cube", "-p", "openai", "-o", out, "--events"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(r.stdout + r.stderr).not.toContain(lookalike);
    expect(filesContaining(out, KEY)).toEqual([]);
    expect(filesContaining(out, lookalike)).toEqual([]);
    const text = readTranscript(out).find((e) => e.type === "turn-end");
    expect(String(text?.text)).toContain("[redacted]");
    expect(readReport(out).summary).toBe("cube; key [redacted]");
  });

  it("a server error echoing the key does not get it printed or saved", async () => {
    const pc = caseOf("anthropic");
    server = await pc.start({ script: [httpError(403, { message: `key ${KEY} is not allowed (x-api-key: ${KEY})` })] });
    const out = cli.outDir("echo-error");
    const r = await cli.run(["a cube", "-p", "anthropic", "-o", out, "--json"], {
      env: agentEnv(cli.tmp, { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.baseUrl }),
    });
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(filesContaining(out, KEY)).toEqual([]);
    expect(readReport(out).error).toContain("[redacted]");
  });

  it("`cadagent providers` says where keys come from, never what they are", async () => {
    const env = agentEnv(cli.tmp, { ANTHROPIC_API_KEY: KEY, GEMINI_BASE_URL: "http://127.0.0.1:9/" });
    const json = await cli.run(["providers", "--json"], { env });
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as Array<{
      id: string;
      protocol: string;
      defaultModel: string;
      baseUrl: string;
      key: { available: boolean; source: string | null; detail: string | null };
    }>;
    expect(list.map((p) => p.id)).toEqual(expect.arrayContaining(["anthropic", "gemini", "openai", "openrouter"]));
    expect(list.find((p) => p.id === "anthropic")).toMatchObject({
      protocol: "anthropic",
      key: { available: true, source: "env", detail: "ANTHROPIC_API_KEY" },
    });
    expect(list.find((p) => p.id === "openai")?.key).toEqual({ available: false, source: null, detail: null });
    expect(list.find((p) => p.id === "gemini")?.baseUrl).toBe("http://127.0.0.1:9");
    const human = await cli.run(["providers"], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /anthropic\s+anthropic\s+claude-\S+\s+\d{4}-\d{2}-\d{2}\s+yes \(env: ANTHROPIC_API_KEY\)/,
    );
    expect(human.stdout).toMatch(/openai .*no — set OPENAI_API_KEY or run `cadagent keys set openai`/);
    for (const out of [json.stdout, json.stderr, human.stdout, human.stderr]) {
      expect(out).not.toContain(KEY);
      expect(out).not.toContain(KEY.slice(-4));
    }
  });
});

import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findProvider, type Provider } from "../../../src/llm/providers.js";
import { HELPER_MARKER } from "../../../src/keys/keychain-helper.js";
import { resolveKey } from "../../../src/keys/key-store.js";
import { scanProcesses } from "../../helpers/proc-scan.js";
import { startSessionBus, type SessionBus } from "../../helpers/secret-service.js";
import { buildKeysCli, cleanEnv, type KeysCli } from "../../helpers/keys-cli.js";

/**
 * The OS keychain for real: a private D-Bus session with gnome-keyring unlocked
 * (tests/helpers/secret-service.ts), the compiled CLI in child processes, and secret-tool
 * (libsecret) as an independent witness of what is stored.
 */

const KEY = "sk-proj-TESTONLY-9f8e7d6c5b4a39281706c3f9";
const MASKED = "sk-…c3f9";

let bus: SessionBus;
let cli: KeysCli;
let tmp: string;
let home: string;

const provider = (id: string): Provider => {
  const p = findProvider(id);
  if (!p) throw new Error(`providers/${id}.json missing`);
  return p;
};

/** CLI environment: this session's bus, a private CADAGENT_HOME, nothing else. */
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv =>
  cleanEnv({ CADAGENT_HOME: home, ...bus.env, ...extra });

/** secret-tool (libsecret), as a second client of the same Secret Service. keyring-rs names the account attribute `username`. */
function secretToolLookup(account: string): { code: number | null; out: string } {
  const r = spawnSync("secret-tool", ["lookup", "service", "cadagent", "username", account], {
    env: { PATH: process.env.PATH, ...bus.env },
    encoding: "utf8",
    timeout: 10_000,
  });
  return { code: r.status, out: r.stdout };
}

function secretToolStore(account: string, secret: string): void {
  const r = spawnSync(
    "secret-tool",
    ["store", "--label", `test ${account}`, "service", "cadagent", "username", account],
    {
      env: { PATH: process.env.PATH, ...bus.env },
      input: secret,
      encoding: "utf8",
      timeout: 10_000,
    },
  );
  if (r.status !== 0) throw new Error(`secret-tool store failed: ${r.stderr}`);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-keychain-it-"));
  home = path.join(tmp, "home");
  bus = await startSessionBus("unlocked");
  cli = buildKeysCli();
}, 120_000);

afterAll(async () => {
  await bus?.close();
  cli?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("OS keychain through a real Secret Service", () => {
  it("keys set → list (masked, keychain) → resolveKey → secret-tool sees it → remove → gone", async () => {
    const scan = scanProcesses(KEY, { watchFor: HELPER_MARKER });
    try {
      const set = await cli.run(["keys", "set", "openai"], { env: env(), input: `  ${KEY}\n` });
      expect(set.stderr).toContain(`stored the openai key (${MASKED})`);
      expect(set.code).toBe(0);
      expect(set.stdout).toBe("");

      const list = await cli.run(["keys", "list", "--json"], { env: env() });
      expect(list.code).toBe(0);
      const listed = JSON.parse(list.stdout) as {
        providers: Array<{ provider: string; source: string | null; masked: string | null }>;
        keychain: { available: boolean };
      };
      expect(listed.keychain.available).toBe(true);
      expect(listed.providers.find((p) => p.provider === "openai")).toMatchObject({
        source: "keychain",
        masked: MASKED,
      });
      const human = await cli.run(["keys", "list"], { env: env() });
      expect(human.stdout).toMatch(/openai\s+keychain\s+sk-…c3f9/);
      for (const out of [set.stdout, set.stderr, list.stdout, list.stderr, human.stdout, human.stderr])
        expect(out).not.toContain(KEY);

      const resolved = await resolveKey(provider("openai"), {
        env: { PATH: process.env.PATH, ...bus.env },
        apiKeysFile: path.join(tmp, "none.json"),
      });
      expect(resolved).toEqual({
        key: KEY,
        source: "keychain",
        detail: "OS keychain (Secret Service), service cadagent, account openai",
      });
      expect(secretToolLookup("openai")).toEqual({ code: 0, out: KEY });

      const removed = await cli.run(["keys", "remove", "openai"], { env: env() });
      expect(removed.code).toBe(0);
      expect(removed.stderr).toContain("removed the openai key");
      expect(secretToolLookup("openai").out).toBe("");
      expect(
        await resolveKey(provider("openai"), {
          env: { PATH: process.env.PATH, ...bus.env },
          apiKeysFile: path.join(tmp, "none.json"),
        }),
      ).toBeUndefined();
      const again = await cli.run(["keys", "remove", "openai"], { env: env() });
      expect(again.code).toBe(0);
      expect(again.stderr).toContain("no openai key in the OS keychain");
    } finally {
      await scan.stop();
    }
    // The `ps` check: the key never appeared in any process's argv or environment, and the
    // scan demonstrably saw the keychain helper processes it would have caught.
    expect(scan.hits).toEqual([]);
    expect(scan.seen.length).toBeGreaterThan(0);
  });

  it("resolves a key stored by another Secret Service client (secret-tool)", async () => {
    secretToolStore("anthropic", "sk-ant-from-secret-tool-0000abcd");
    const r = await resolveKey(provider("anthropic"), {
      env: { PATH: process.env.PATH, ...bus.env },
      apiKeysFile: path.join(tmp, "none.json"),
    });
    expect(r).toMatchObject({ key: "sk-ant-from-secret-tool-0000abcd", source: "keychain" });
  });

  it("precedence with the real keychain: environment > keychain > api_keys.json", async () => {
    secretToolStore("gemini", "AIza-keychain-000000000000000000");
    const file = path.join(tmp, "api_keys.json");
    writeFileSync(
      file,
      JSON.stringify({ gemini: "AIza-file-00000000000000000000000", openrouter: "sk-or-file-000000000000000000" }),
    );
    chmodSync(file, 0o600);
    const base = { PATH: process.env.PATH, ...bus.env };
    expect(
      await resolveKey(provider("gemini"), { env: { ...base, GOOGLE_API_KEY: "AIza-env-google" }, apiKeysFile: file }),
    ).toEqual({ key: "AIza-env-google", source: "env", detail: "GOOGLE_API_KEY" });
    expect(await resolveKey(provider("gemini"), { env: base, apiKeysFile: file })).toMatchObject({
      key: "AIza-keychain-000000000000000000",
      source: "keychain",
    });
    expect(await resolveKey(provider("openrouter"), { env: base, apiKeysFile: file })).toEqual({
      key: "sk-or-file-000000000000000000",
      source: "file",
      detail: file,
    });

    const list = await cli.run(["keys", "list", "--json"], {
      env: env({ CADAGENT_API_KEYS_FILE: file, GEMINI_API_KEY: "AIza-env-gemini-1234567" }),
    });
    const listed = JSON.parse(list.stdout) as {
      providers: Array<{ provider: string; source: string | null; shadowed: string[] }>;
    };
    expect(listed.providers.find((p) => p.provider === "gemini")).toMatchObject({
      source: "env",
      shadowed: ["keychain", "file"],
    });
    expect(list.stdout).not.toMatch(/AIza-(env|keychain|file)/);
  });

  it("keys set refuses empty input and unknown providers (exit 2), storing nothing", async () => {
    const empty = await cli.run(["keys", "set", "openai"], { env: env(), input: "  \n" });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("no key given");
    const unknown = await cli.run(["keys", "set", "opnai"], { env: env(), input: KEY });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      "unknown provider 'opnai' (did you mean 'openai'?); known: anthropic, gemini, ollama, openai, openrouter",
    );
    expect(secretToolLookup("opnai").out).toBe("");
    expect(secretToolLookup("openai").out).toBe("");
  });

  it.skipIf(spawnSync("sh", ["-c", "command -v script"]).status !== 0)(
    "on a terminal the key is read hidden (raw mode, no echo)",
    async () => {
      const secret = "sk-tty-HIDDEN-0123456789abcdef5a5a";
      // util-linux `script` gives the CLI a pseudo-terminal; everything the terminal would show comes back on stdout.
      const child = spawn(
        "script",
        ["-qec", `${JSON.stringify(process.execPath)} ${JSON.stringify(cli.main)} keys set openai`, "/dev/null"],
        { env: env(), stdio: ["pipe", "pipe", "pipe"] },
      );
      let screen = "";
      const prompted = new Promise<void>((resolve) => {
        child.stdout.on("data", (d: Buffer) => {
          screen += d.toString();
          if (screen.includes("input hidden")) resolve();
        });
      });
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      await prompted;
      child.stdin.write(`${secret.slice(0, 10)}X\u007f${secret.slice(10)}\r`);
      const code = await exited;
      expect(screen).toContain("stored the openai key (sk-…5a5a)");
      expect(code).toBe(0);
      expect(screen).not.toContain(secret.slice(0, 12));
      expect(screen).not.toContain(secret.slice(-12));
      expect(secretToolLookup("openai").out).toBe(secret);
      await cli.run(["keys", "remove", "openai"], { env: env() });
    },
  );

  it("doctor sees the usable keychain and the stored key's source, never the key", async () => {
    const set = await cli.run(["keys", "set", "openrouter"], { env: env(), input: KEY });
    expect(set.code).toBe(0);
    const r = await cli.run(["doctor", "--json"], { env: env() });
    const report = JSON.parse(r.stdout) as {
      keychain: { available: boolean };
      providers: Array<{ id: string; source: string | null; ready: boolean }>;
    };
    expect(report.keychain.available).toBe(true);
    expect(report.providers.find((p) => p.id === "openrouter")).toMatchObject({ source: "keychain", ready: true });
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(r.stdout + r.stderr).not.toContain(KEY.slice(0, 12));
    await cli.run(["keys", "remove", "openrouter"], { env: env() });
  });
});

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../../src/util/user-error.js";
import { findProvider, type Provider } from "../../../src/llm/providers.js";
import { readApiKeysFile } from "../../../src/keys/api-keys-file.js";
import { listKeys, normalizeKey, removeKey, requireKey, resolveKey, setKey } from "../../../src/keys/key-store.js";
import { memoryKeychain } from "../../helpers/memory-keychain.js";

const provider = (id: string): Provider => {
  const p = findProvider(id);
  if (!p) throw new Error(`providers/${id}.json missing`);
  return p;
};

let dir: string;
let file: string;

function writeKeys(content: unknown, mode = 0o600): void {
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  chmodSync(file, mode);
}

async function thrown(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-keystore-"));
  file = path.join(dir, "api_keys.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("resolveKey precedence: environment > keychain > api_keys.json", () => {
  it("the environment wins, and the keychain is not even consulted", async () => {
    writeKeys({ openai: "sk-file" });
    const kc = memoryKeychain({ openai: "sk-keychain" });
    const r = await resolveKey(provider("openai"), {
      env: { OPENAI_API_KEY: "sk-env" },
      keychain: kc,
      apiKeysFile: file,
    });
    expect(r).toEqual({ key: "sk-env", source: "env", detail: "OPENAI_API_KEY" });
    expect(kc.calls.read).toBe(0);
  });

  it("then the keychain, then the file", async () => {
    writeKeys({ openai: "sk-file" });
    const kc = memoryKeychain({ openai: "sk-keychain" });
    expect(await resolveKey(provider("openai"), { env: {}, keychain: kc, apiKeysFile: file })).toEqual({
      key: "sk-keychain",
      source: "keychain",
      detail: "OS keychain (test), service cadagent, account openai",
    });
    kc.store.clear();
    expect(await resolveKey(provider("openai"), { env: {}, keychain: kc, apiKeysFile: file })).toEqual({
      key: "sk-file",
      source: "file",
      detail: file,
    });
  });

  it("an unavailable keychain falls through to the file", async () => {
    writeKeys({ openai: "sk-file" });
    const r = await resolveKey(provider("openai"), {
      env: {},
      keychain: memoryKeychain({}, "no D-Bus session bus"),
      apiKeysFile: file,
    });
    expect(r?.source).toBe("file");
  });

  it("honours keyEnv order and ignores empty or blank variables", async () => {
    const gemini = provider("gemini");
    const kc = memoryKeychain();
    expect(
      await resolveKey(gemini, {
        env: { GEMINI_API_KEY: "g1", GOOGLE_API_KEY: "g2" },
        keychain: kc,
        apiKeysFile: file,
      }),
    ).toMatchObject({ key: "g1", detail: "GEMINI_API_KEY" });
    expect(
      await resolveKey(gemini, {
        env: { GEMINI_API_KEY: "  ", GOOGLE_API_KEY: " g2 " },
        keychain: kc,
        apiKeysFile: file,
      }),
    ).toMatchObject({ key: "g2", detail: "GOOGLE_API_KEY" });
  });

  it("undefined when there is no key anywhere (missing file is fine)", async () => {
    expect(
      await resolveKey(provider("openai"), { env: {}, keychain: memoryKeychain(), apiKeysFile: file }),
    ).toBeUndefined();
  });
});

describe("api_keys.json", () => {
  it("is refused when group/other can access it (0644), like ssh; accepted at 0600", async () => {
    writeKeys({ openai: "sk-file-secret" }, 0o644);
    const err = await thrown(
      resolveKey(provider("openai"), { env: {}, keychain: memoryKeychain(), apiKeysFile: file }),
    );
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(file);
    expect(err.message).toContain("mode 0644");
    expect(err.message).toContain(`chmod 600 '${file}'`);
    expect(err.message).not.toContain("sk-file-secret");
    chmodSync(file, 0o600);
    expect(
      await resolveKey(provider("openai"), { env: {}, keychain: memoryKeychain(), apiKeysFile: file }),
    ).toMatchObject({ source: "file" });
  });

  it.each([0o640, 0o604, 0o660, 0o602])("refuses mode %s", (mode) => {
    writeKeys({ openai: "k" }, mode);
    expect(readApiKeysFile(file).status).toBe("refused");
  });

  it("is not read at all when a higher-precedence source has the key", async () => {
    writeKeys({ openai: "sk-file" }, 0o644);
    expect(
      await resolveKey(provider("openai"), {
        env: { OPENAI_API_KEY: "sk-env" },
        keychain: memoryKeychain(),
        apiKeysFile: file,
      }),
    ).toMatchObject({ source: "env" });
  });

  it("reports invalid JSON with its line, and wrong value types without echoing them", async () => {
    writeKeys('{\n  "openai": "sk-1",\n  "anthropic": \n}');
    const e1 = await thrown(resolveKey(provider("openai"), { env: {}, keychain: memoryKeychain(), apiKeysFile: file }));
    expect(e1.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4: invalid JSON`));
    writeKeys('{\n  "openai": {"key": "sk-nested-secret"}\n}');
    const e2 = await thrown(resolveKey(provider("openai"), { env: {}, keychain: memoryKeychain(), apiKeysFile: file }));
    expect(e2.message).toContain(`${file}:2: "openai" must be a string (the API key), got object`);
    expect(e2.message).not.toContain("sk-nested-secret");
  });

  it("skips _comment entries and empty values (the example file can be copied as is)", () => {
    writeKeys({ _comment: "copy me", openai: "", anthropic: " sk-ant-1 " });
    const f = readApiKeysFile(file);
    expect(f.status === "ok" ? [...f.keys] : f).toEqual([["anthropic", "sk-ant-1"]]);
  });

  it("the repo's api_keys.example.json parses and sets no key", () => {
    const example = path.resolve(import.meta.dirname, "..", "..", "..", "api_keys.example.json");
    const f = readApiKeysFile(example, "win32"); // skip the permission check: the repo copy is 0644
    expect(f.status).toBe("ok");
    if (f.status === "ok") expect(f.keys.size).toBe(0);
  });
});

describe("requireKey", () => {
  it("keyless providers (ollama) need no key", async () => {
    expect(
      await requireKey(provider("ollama"), { env: {}, keychain: memoryKeychain(), apiKeysFile: file }),
    ).toBeUndefined();
    expect(
      await requireKey(provider("ollama"), {
        env: { OLLAMA_API_KEY: "tok" },
        keychain: memoryKeychain(),
        apiKeysFile: file,
      }),
    ).toMatchObject({ key: "tok" });
  });

  it("a missing key is exit 2 with every way to add one, and why the keychain did not help", async () => {
    const err = await thrown(
      requireKey(provider("openai"), {
        env: {},
        keychain: memoryKeychain({}, "no D-Bus session bus"),
        apiKeysFile: file,
      }),
    );
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain("no API key for OpenAI");
    expect(err.message).toContain("OPENAI_API_KEY");
    expect(err.message).toContain("cadagent keys set openai");
    expect(err.message).toContain(file);
    expect(err.message).toContain("the OS keychain is unavailable: no D-Bus session bus");
  });
});

describe("setKey / removeKey", () => {
  it("stores the trimmed key in the keychain and warns when an env var shadows it", async () => {
    const kc = memoryKeychain();
    const r = await setKey(provider("openai"), "  sk-new \n", {
      env: { OPENAI_API_KEY: "sk-env" },
      keychain: kc,
      apiKeysFile: file,
    });
    expect(kc.store.get("openai")).toBe("sk-new");
    expect(r.shadowedBy).toBe("OPENAI_API_KEY");
  });

  it("an unavailable keychain is exit 2 naming the env var and api_keys.json", async () => {
    const err = await thrown(
      setKey(provider("openai"), "sk-new", {
        env: {},
        keychain: memoryKeychain({}, "the keyring is locked"),
        apiKeysFile: file,
      }),
    );
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain("the OS keychain is unavailable: the keyring is locked");
    expect(err.message).toContain("export OPENAI_API_KEY=");
    expect(err.message).toContain(`{"openai": "…"} in ${file}`);
    expect(err.message).not.toContain("sk-new");
  });

  it("normalizeKey refuses empty and multi-part input", () => {
    expect(normalizeKey("\n sk-abc \r\n")).toBe("sk-abc");
    expect(() => normalizeKey(" \n")).toThrow(/no key given/);
    expect(() => normalizeKey("sk-a sk-b")).toThrow(/whitespace/);
    expect(() => normalizeKey("sk-a\nsk-b")).toThrow(/whitespace/);
  });

  it("remove reports whether something was deleted and what still provides a key", async () => {
    writeKeys({ openai: "sk-file" });
    const kc = memoryKeychain({ openai: "sk-keychain" });
    expect(
      await removeKey(provider("openai"), { env: { OPENAI_API_KEY: "sk-env" }, keychain: kc, apiKeysFile: file }),
    ).toEqual({ removed: true, stillProvidedBy: ["OPENAI_API_KEY", file] });
    expect(await removeKey(provider("openai"), { env: {}, keychain: kc, apiKeysFile: file })).toEqual({
      removed: false,
      stillProvidedBy: [file],
    });
  });
});

describe("listKeys", () => {
  it("one keychain round trip, the effective source per provider, shadowed sources, never a key", async () => {
    writeKeys({ openai: "sk-file-aaaaaaaaaaaaaaaaaaaaaaaaaaaa1111", gemini: "AIza-file-bbbbbbbbbbbbbbbbbbbbbbbb2222" });
    const kc = memoryKeychain({ openai: "sk-keychain-cccccccccccccccccccccc3333" });
    const providers = ["anthropic", "gemini", "ollama", "openai"].map(provider);
    const l = await listKeys(providers, {
      env: { ANTHROPIC_API_KEY: "sk-ant-env-dddddddddddddddddddddd4444" },
      keychain: kc,
      apiKeysFile: file,
    });
    expect(kc.calls.read).toBe(1);
    expect(l.entries).toEqual([
      {
        provider: "anthropic",
        keyRequired: true,
        source: "env",
        detail: "ANTHROPIC_API_KEY",
        masked: "sk-…4444",
        shadowed: [],
      },
      { provider: "gemini", keyRequired: true, source: "file", detail: file, masked: "…2222", shadowed: [] },
      { provider: "ollama", keyRequired: false, source: undefined, detail: undefined, masked: undefined, shadowed: [] },
      {
        provider: "openai",
        keyRequired: true,
        source: "keychain",
        detail: "OS keychain (test), service cadagent, account openai",
        masked: "sk-…3333",
        shadowed: ["file"],
      },
    ]);
    expect(l.keychain).toEqual({ available: true, label: "OS keychain (test)" });
    const text = JSON.stringify(l);
    for (const k of ["aaaa1111", "bbbb2222", "cccc3333", "dddd4444"]) expect(text).not.toContain(k);
  });

  it("never throws: a refused file and an unavailable keychain are reported", async () => {
    writeKeys({ openai: "sk-x" }, 0o644);
    const l = await listKeys([provider("openai")], {
      env: {},
      keychain: memoryKeychain({}, "no Secret Service"),
      apiKeysFile: file,
    });
    expect(l.keychain).toEqual({ available: false, reason: "no Secret Service", label: "OS keychain (test)" });
    expect(l.apiKeysFile).toMatchObject({ status: "refused", path: file });
    expect(l.entries[0]?.source).toBeUndefined();
  });
});

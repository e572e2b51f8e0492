import type { Command } from "commander";
import { loadConfig } from "../../config/load.js";
import { requireProvider } from "../../llm/provider-id.js";
import { loadProviders } from "../../llm/providers.js";
import {
  assertKeychainWritable,
  listKeys,
  normalizeKey,
  removeKey,
  setKey,
  type KeyListing,
  type KeyStoreOptions,
} from "../../keys/key-store.js";
import { maskKey } from "../../keys/mask-key.js";
import { readSecret } from "../read-secret.js";

/**
 * `cadagent keys set|list|remove`. The key is only ever read from stdin (hidden on a TTY) and
 * only ever printed masked. Human messages go to stderr; `list` prints its table (or --json)
 * on stdout.
 */
export function register(program: Command): void {
  const keys = program
    .command("keys")
    .description("Manage provider API keys in the OS keychain (environment variables and api_keys.json are read too)");

  keys
    .command("set")
    .description("Store a provider's API key in the OS keychain; the key is read from stdin, never from arguments")
    .argument("<provider>", "provider id (see `cadagent providers`)")
    .addHelpText(
      "after",
      '\nExamples:\n  cadagent keys set anthropic            (prompts; input hidden)\n  printf %s "$KEY" | cadagent keys set openai',
    )
    .action(async (id: string) => {
      await setCommand(id);
    });

  keys
    .command("list")
    .description("Show, per provider, where its key comes from (env / keychain / file) and the key masked")
    .option("--json", "machine-readable output on stdout")
    .action(async (flags: { json?: boolean }) => {
      const listing = await listKeys(loadProviders(), storeOptions());
      process.stdout.write(flags.json ? `${JSON.stringify(listingJson(listing), null, 2)}\n` : formatListing(listing));
    });

  keys
    .command("remove")
    .description("Delete a provider's key from the OS keychain")
    .argument("<provider>", "provider id")
    .action(async (id: string) => {
      const provider = requireProvider(id);
      const r = await removeKey(provider, storeOptions());
      process.stderr.write(
        r.removed
          ? `removed the ${provider.id} key from the OS keychain\n`
          : `no ${provider.id} key in the OS keychain (nothing removed)\n`,
      );
      if (r.stillProvidedBy.length)
        process.stderr.write(`note: a ${provider.id} key is still provided by ${r.stillProvidedBy.join(" and ")}\n`);
    });
}

/** Key-store options from the environment and config (a bad config stops here with exit 2). */
function storeOptions(): KeyStoreOptions {
  const config = loadConfig({ cwd: process.cwd(), env: process.env, providers: loadProviders });
  return { env: process.env, apiKeysFile: config.apiKeysFile };
}

async function setCommand(id: string): Promise<void> {
  const provider = requireProvider(id);
  const opts = storeOptions();
  if (!provider.keyRequired) process.stderr.write(`note: ${provider.name} needs no key; storing one anyway\n`);
  // Do not make the user paste a key only to hear it cannot be stored.
  if (process.stdin.isTTY) await assertKeychainWritable(provider, opts);
  const key = normalizeKey(await readSecret(`${provider.name} API key (input hidden, Enter to finish): `));
  const r = await setKey(provider, key, opts);
  process.stderr.write(`stored the ${provider.id} key (${maskKey(key)}) in the ${r.detail}\n`);
  if (r.shadowedBy) process.stderr.write(`note: ${r.shadowedBy} is set and takes precedence over the stored key\n`);
}

/** The JSON shape of `keys list --json`. */
export interface KeyListJson {
  providers: Array<{
    provider: string;
    keyRequired: boolean;
    source: string | null;
    masked: string | null;
    detail: string | null;
    shadowed: string[];
  }>;
  keychain: { label: string; available: boolean; reason: string | null };
  apiKeysFile: { path: string; status: string; reason: string | null };
}

function listingJson(l: KeyListing): KeyListJson {
  return {
    providers: l.entries.map((e) => ({
      provider: e.provider,
      keyRequired: e.keyRequired,
      source: e.source ?? null,
      masked: e.masked ?? null,
      detail: e.detail ?? null,
      shadowed: e.shadowed,
    })),
    keychain: {
      label: l.keychain.label,
      available: l.keychain.available,
      reason: l.keychain.available ? null : l.keychain.reason,
    },
    apiKeysFile: { path: l.apiKeysFile.path, status: l.apiKeysFile.status, reason: l.apiKeysFile.reason ?? null },
  };
}

/** A table: provider, source, masked key, where from; then the keychain and file status. */
export function formatListing(l: KeyListing): string {
  const providers = loadProviders();
  const rows = l.entries.map((e) => {
    const p = providers.find((x) => x.id === e.provider);
    const from = e.source
      ? `${e.detail ?? ""}${e.shadowed.length ? ` (also in: ${e.shadowed.join(", ")})` : ""}`
      : e.keyRequired
        ? `no key: ${p?.keyEnv.length ? `set ${p.keyEnv.join(" or ")} or ` : ""}run \`cadagent keys set ${e.provider}\``
        : "no key needed";
    return [e.provider, e.source ?? "-", e.masked ?? "-", from];
  });
  const head = ["provider", "source", "key", "from"];
  const widths = [0, 1, 2].map((i) => Math.max(head[i]?.length ?? 0, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]): string => `${r.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c)).join("  ")}\n`;
  const keychain = l.keychain.available
    ? `${l.keychain.label}: available`
    : `${l.keychain.label}: unavailable — ${l.keychain.reason}`;
  const file = l.apiKeysFile.reason
    ? `api_keys.json: ${l.apiKeysFile.reason}`
    : `api_keys.json: ${l.apiKeysFile.path} (${l.apiKeysFile.status === "ok" ? "read" : "not present"})`;
  return `${line(head)}${rows.map(line).join("")}\n${keychain}\n${file}\n`;
}

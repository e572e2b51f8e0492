import { UserError, ExitCode } from "../util/user-error.js";
import { defaultApiKeysFile } from "../config/paths.js";
import { readApiKeysFile, type ApiKeysFile } from "./api-keys-file.js";
import { KEYCHAIN_SERVICE, osKeychain, type Keychain } from "./keychain.js";
import { maskKey } from "./mask-key.js";

/**
 * What the key store needs to know of a provider. The catalog's `Provider` (llm/providers.ts)
 * has these fields; the keys layer sits below llm and so names only what it reads.
 */
export interface KeyOwner {
  id: string;
  name: string;
  /** Environment variables holding the key, in order of precedence. */
  keyEnv: readonly string[];
  /** False for local servers such as Ollama that take no key. */
  keyRequired: boolean;
}

/**
 * Where API keys come from, in precedence order (CLI.md): the provider's environment
 * variables (catalog `keyEnv`, in order) > the OS keychain (service `cadagent`, account =
 * provider id) > api_keys.json. A key is never taken from argv and never printed unmasked.
 */

export type KeySource = "env" | "keychain" | "file";

/** A key and where it came from. `detail` names the variable, keychain entry or file — never the key. */
export interface ResolvedKey {
  key: string;
  source: KeySource;
  detail: string;
}

export interface KeyStoreOptions {
  /** Environment for key variables and for the keychain (D-Bus address…); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** api_keys.json path; default `<CADAGENT_HOME>/api_keys.json` (ResolvedConfig.apiKeysFile). */
  apiKeysFile?: string;
  /** Keychain to use; default the OS keychain (tests inject their own). */
  keychain?: Keychain;
}

export type KeychainState = { available: true } | { available: false; reason: string };

/** Everything one lookup learned, so "no key" messages can say why the keychain did not help. */
export interface KeyLookup {
  found: ResolvedKey | undefined;
  /** Undefined when an environment variable answered and the keychain was not consulted. */
  keychain: KeychainState | undefined;
  /** Undefined when an earlier source answered and the file was not read. */
  file: ApiKeysFile | undefined;
}

function keychainOf(opts: KeyStoreOptions): Keychain {
  return opts.keychain ?? osKeychain({ env: opts.env ?? process.env });
}

function fileOf(opts: KeyStoreOptions): string {
  return opts.apiKeysFile ?? defaultApiKeysFile(opts.env ?? process.env);
}

function fromEnv(provider: KeyOwner, env: NodeJS.ProcessEnv): ResolvedKey | undefined {
  for (const name of provider.keyEnv) {
    const v = env[name]?.trim();
    if (v) return { key: v, source: "env", detail: name };
  }
  return undefined;
}

function keychainDetail(keychain: Keychain, account: string): string {
  return `${keychain.label}, service ${KEYCHAIN_SERVICE}, account ${account}`;
}

/** The file's problem as a usage error (exit 2), like ssh refusing a readable private key. */
function fileError(file: ApiKeysFile): UserError | undefined {
  return file.status === "refused" || file.status === "invalid"
    ? new UserError(file.reason, ExitCode.usage)
    : undefined;
}

/**
 * Look a provider's key up through every source in precedence order, stopping at the first
 * hit. Throws UserError (exit 2) only when it has to read api_keys.json and the file is refused
 * (group/other-accessible) or invalid.
 */
export async function lookupKey(provider: KeyOwner, opts: KeyStoreOptions = {}): Promise<KeyLookup> {
  const env = opts.env ?? process.env;
  const envKey = fromEnv(provider, env);
  if (envKey) return { found: envKey, keychain: undefined, file: undefined };
  const keychain = keychainOf(opts);
  const read = await keychain.read([provider.id]);
  const state: KeychainState = read.ok ? { available: true } : { available: false, reason: read.reason };
  const stored = read.ok ? read.values.get(provider.id) : undefined;
  if (stored)
    return {
      found: { key: stored, source: "keychain", detail: keychainDetail(keychain, provider.id) },
      keychain: state,
      file: undefined,
    };
  const file = readApiKeysFile(fileOf(opts));
  const err = fileError(file);
  if (err) throw err;
  const fromFile = file.status === "ok" ? file.keys.get(provider.id) : undefined;
  return { found: fromFile ? { key: fromFile, source: "file", detail: file.path } : undefined, keychain: state, file };
}

/** The provider's key and its source, or undefined when none is configured anywhere. */
export async function resolveKey(provider: KeyOwner, opts: KeyStoreOptions = {}): Promise<ResolvedKey | undefined> {
  return (await lookupKey(provider, opts)).found;
}

/** How to give cadagent a key for this provider (for error messages). */
export function keyHelp(provider: KeyOwner, apiKeysFile: string): string {
  const vars = provider.keyEnv.length ? `set ${provider.keyEnv.join(" or ")}, ` : "";
  return `${vars}run \`cadagent keys set ${provider.id}\` (key on stdin, stored in the OS keychain), or add "${provider.id}" to ${apiKeysFile} (chmod 600)`;
}

/**
 * What a design run calls: the key, or undefined for a keyless provider (Ollama) without one,
 * or a UserError (exit 2) saying how to add a key — including why the keychain did not help.
 */
export async function requireKey(provider: KeyOwner, opts: KeyStoreOptions = {}): Promise<ResolvedKey | undefined> {
  const lookup = await lookupKey(provider, opts);
  if (lookup.found || !provider.keyRequired) return lookup.found;
  const why =
    lookup.keychain && !lookup.keychain.available
      ? `\n(the OS keychain is unavailable: ${lookup.keychain.reason})`
      : "";
  throw new UserError(`no API key for ${provider.name}: ${keyHelp(provider, fileOf(opts))}${why}`, ExitCode.usage);
}

/** Trimmed key, or a usage error for input that cannot be a key. */
export function normalizeKey(input: string): string {
  const key = input.trim();
  if (!key)
    throw new UserError(
      'no key given: the key is read from stdin (e.g. printf %s "$KEY" | cadagent keys set <provider>)',
      ExitCode.usage,
    );
  if (/\s/.test(key))
    throw new UserError("the key contains whitespace or several lines; paste exactly one key", ExitCode.usage);
  return key;
}

export interface SetKeyResult {
  detail: string;
  /** An environment variable that still takes precedence over the stored key. */
  shadowedBy: string | undefined;
}

function cannotStore(provider: KeyOwner, reason: string, opts: KeyStoreOptions): UserError {
  const vars = provider.keyEnv.length ? `export ${provider.keyEnv[0]}=… in your shell, or ` : "";
  return new UserError(
    `cannot store the key: the OS keychain is unavailable: ${reason}\n` +
      `instead, ${vars}put {"${provider.id}": "…"} in ${fileOf(opts)} and chmod 600 it`,
    ExitCode.usage,
  );
}

/** Whether keys can be stored in the OS keychain right now (writes and deletes a probe entry). */
export async function probeKeychain(opts: KeyStoreOptions = {}): Promise<KeychainState & { label: string }> {
  const keychain = keychainOf(opts);
  const r = await keychain.probe();
  return r.ok
    ? { available: true, label: keychain.label }
    : { available: false, reason: r.reason, label: keychain.label };
}

/**
 * Fail early (before asking the user to paste a key) when nothing can be stored:
 * UserError (exit 2) with the same alternatives as setKey.
 */
export async function assertKeychainWritable(provider: KeyOwner, opts: KeyStoreOptions = {}): Promise<void> {
  const r = await probeKeychain(opts);
  if (!r.available) throw cannotStore(provider, r.reason, opts);
}

/** Store a key in the OS keychain. Unavailable keychain → UserError (exit 2) naming the alternatives. */
export async function setKey(provider: KeyOwner, key: string, opts: KeyStoreOptions = {}): Promise<SetKeyResult> {
  const clean = normalizeKey(key);
  const keychain = keychainOf(opts);
  const w = await keychain.write(provider.id, clean);
  if (!w.ok) throw cannotStore(provider, w.reason, opts);
  return {
    detail: keychainDetail(keychain, provider.id),
    shadowedBy: fromEnv(provider, opts.env ?? process.env)?.detail,
  };
}

export interface RemoveKeyResult {
  removed: boolean;
  /** Other places that still provide a key for this provider (variable names, file path). */
  stillProvidedBy: string[];
}

/** Delete the provider's key from the OS keychain (env and file are the user's to edit). */
export async function removeKey(provider: KeyOwner, opts: KeyStoreOptions = {}): Promise<RemoveKeyResult> {
  const r = await keychainOf(opts).remove(provider.id);
  if (!r.ok) throw new UserError(`cannot remove the key: the OS keychain is unavailable: ${r.reason}`, ExitCode.usage);
  const still: string[] = [];
  const envKey = fromEnv(provider, opts.env ?? process.env);
  if (envKey) still.push(envKey.detail);
  const file = readApiKeysFile(fileOf(opts));
  if (file.status === "ok" && file.keys.has(provider.id)) still.push(file.path);
  return { removed: r.removed, stillProvidedBy: still };
}

/** One provider in `keys list`: never the key itself. */
export interface KeyListEntry {
  provider: string;
  keyRequired: boolean;
  /** The source in use, or undefined when there is no key. */
  source: KeySource | undefined;
  detail: string | undefined;
  masked: string | undefined;
  /** Lower-precedence sources that also hold a key (ignored while the first one exists). */
  shadowed: KeySource[];
}

export interface KeyListing {
  entries: KeyListEntry[];
  keychain: KeychainState & { label: string };
  apiKeysFile: { path: string; status: ApiKeysFile["status"]; reason: string | undefined };
}

/** Every provider's key status from all sources at once (one keychain round trip); never throws. */
export async function listKeys(providers: readonly KeyOwner[], opts: KeyStoreOptions = {}): Promise<KeyListing> {
  const env = opts.env ?? process.env;
  const keychain = keychainOf(opts);
  const read = await keychain.read(providers.map((p) => p.id));
  const file = readApiKeysFile(fileOf(opts));
  const fileKeys = file.status === "ok" ? file.keys : new Map<string, string>();
  const entries = providers.map((p): KeyListEntry => {
    const found: ResolvedKey[] = [];
    const e = fromEnv(p, env);
    if (e) found.push(e);
    const k = read.ok ? read.values.get(p.id) : undefined;
    if (k) found.push({ key: k, source: "keychain", detail: keychainDetail(keychain, p.id) });
    const f = fileKeys.get(p.id);
    if (f) found.push({ key: f, source: "file", detail: file.path });
    const first = found[0];
    return {
      provider: p.id,
      keyRequired: p.keyRequired,
      source: first?.source,
      detail: first?.detail,
      masked: first ? maskKey(first.key) : undefined,
      shadowed: found.slice(1).map((x) => x.source),
    };
  });
  return {
    entries,
    keychain: read.ok
      ? { available: true, label: keychain.label }
      : { available: false, reason: read.reason, label: keychain.label },
    apiKeysFile: {
      path: file.path,
      status: file.status,
      reason: file.status === "refused" || file.status === "invalid" ? file.reason : undefined,
    },
  };
}

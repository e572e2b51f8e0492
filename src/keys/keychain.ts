import { runKeychainHelper, type HelperOp, type HelperOutcome } from "./keychain-helper.js";

/** Every key lives under this service name; the account is the provider id. */
export const KEYCHAIN_SERVICE = "cadagent";

/** Safety net for reads (resolveKey, list, doctor): long enough for a desktop unlock prompt. */
export const KEYCHAIN_READ_TIMEOUT_MS = 20_000;
/** `keys set` / `keys remove` are interactive and may wait on an unlock prompt the user is typing into. */
export const KEYCHAIN_WRITE_TIMEOUT_MS = 60_000;

/** Why the keychain could not be used, as one line a user can act on. */
export interface KeychainUnavailable {
  ok: false;
  reason: string;
}

export type KeychainRead = { ok: true; values: Map<string, string> } | KeychainUnavailable;
export type KeychainWrite = { ok: true } | KeychainUnavailable;
export type KeychainDelete = { ok: true; removed: boolean } | KeychainUnavailable;

/**
 * The OS keychain as the key store sees it. Implementations never throw and never hang:
 * every failure is `{ok: false, reason}` ("keychain unavailable").
 */
export interface Keychain {
  /** Human name of where keys go, for messages ("OS keychain (Secret Service)"). */
  readonly label: string;
  /** Read several accounts in one round trip; missing accounts are absent from `values`. */
  read(accounts: readonly string[]): Promise<KeychainRead>;
  write(account: string, secret: string): Promise<KeychainWrite>;
  remove(account: string): Promise<KeychainDelete>;
  /**
   * Can keys be stored? Writes and deletes a throwaway entry. Needed because reads alone
   * mislead: a locked or never-unlocked Secret Service answers "nothing stored" to a read of
   * a missing entry and fails only on write.
   */
  probe(): Promise<KeychainWrite>;
}

/** The throwaway account probe() writes; cannot clash with a provider id (those match ^[a-z]). */
export const PROBE_ACCOUNT = "__cadagent_probe__";

export interface OsKeychainOptions {
  /** Environment for the keyring (DBUS_SESSION_BUS_ADDRESS…); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Overrides both default timeouts. */
  timeoutMs?: number;
}

/** The platform store's name, for messages. */
function storeLabel(platform: NodeJS.Platform): string {
  if (platform === "darwin") return "macOS Keychain";
  if (platform === "win32") return "Windows Credential Manager";
  return "Secret Service";
}

/**
 * The OS keychain through @napi-rs/keyring (macOS Keychain, Windows Credential Manager, the
 * Secret Service on Linux — pinned, because its fallback, the kernel keyring, is in-memory and
 * proved unreliable across processes; see notes/KEYCHAIN.md).
 */
export function osKeychain(opts: OsKeychainOptions = {}): Keychain {
  const env = opts.env ?? process.env;
  const run = (ops: HelperOp[], defaultTimeout: number): Promise<HelperOutcome> =>
    runKeychainHelper(ops, { service: KEYCHAIN_SERVICE, env, timeoutMs: opts.timeoutMs ?? defaultTimeout });
  return {
    label: `OS keychain (${storeLabel(process.platform)})`,
    async read(accounts) {
      if (accounts.length === 0) return { ok: true, values: new Map() };
      const o = await run(
        accounts.map((account) => ({ op: "get", account })),
        KEYCHAIN_READ_TIMEOUT_MS,
      );
      if (!o.ok) return unavailable(o.error);
      const values = new Map<string, string>();
      for (const [i, r] of o.results.entries()) {
        if (!r.ok) return unavailable(r.error);
        const account = accounts[i];
        if (account !== undefined && typeof r.value === "string" && r.value.length > 0) values.set(account, r.value);
      }
      if (o.results.length < accounts.length)
        return unavailable("the keychain helper answered only part of the request");
      return { ok: true, values };
    },
    async write(account, secret) {
      const o = await run([{ op: "set", account, secret }], KEYCHAIN_WRITE_TIMEOUT_MS);
      if (!o.ok) return unavailable(o.error);
      const r = o.results[0];
      if (!r) return unavailable("the keychain helper gave no answer");
      return r.ok ? { ok: true } : unavailable(r.error);
    },
    async remove(account) {
      const o = await run([{ op: "delete", account }], KEYCHAIN_WRITE_TIMEOUT_MS);
      if (!o.ok) return unavailable(o.error);
      const r = o.results[0];
      if (!r) return unavailable("the keychain helper gave no answer");
      return r.ok ? { ok: true, removed: r.value === true } : unavailable(r.error);
    },
    async probe() {
      const o = await run(
        [
          { op: "set", account: PROBE_ACCOUNT, secret: "probe" },
          { op: "delete", account: PROBE_ACCOUNT },
        ],
        KEYCHAIN_READ_TIMEOUT_MS,
      );
      if (!o.ok) return unavailable(o.error);
      const failed = o.results.find((r) => !r.ok);
      if (failed && !failed.ok) return unavailable(failed.error);
      return o.results.length === 2
        ? { ok: true }
        : unavailable("the keychain helper answered only part of the request");
    },
  };
}

function unavailable(raw: string): KeychainUnavailable {
  return { ok: false, reason: explainKeychainError(raw) };
}

/**
 * Turn a keyring error into one actionable line. The patterns are the Linux messages measured
 * in notes/KEYCHAIN.md; anything else is passed through (first line only).
 */
export function explainKeychainError(raw: string): string {
  const first = raw.split("\n")[0]?.trim() ?? "";
  if (
    /DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket|Connection refused|No such file or directory.*bus/i.test(
      first,
    )
  ) {
    return "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset or points to nothing), so no Secret Service";
  }
  if (/org\.freedesktop\.secrets.*not provided|ServiceUnknown|name.*org\.freedesktop\.secrets/i.test(first)) {
    return "no Secret Service on the session bus (install and start gnome-keyring, KeePassXC or another Secret Service provider)";
  }
  if (/prompt was dismissed|locked/i.test(first)) {
    return "the keyring is locked and could not be unlocked (the unlock prompt was dismissed or could not be shown)";
  }
  if (/no result found/i.test(first)) {
    return "the Secret Service has no usable default keyring (never created or unlocked in this session; e.g. `gnome-keyring-daemon --unlock`)";
  }
  return first || "unknown keychain error";
}

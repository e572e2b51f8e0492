import type { Keychain } from "../../src/keys/keychain.js";

/** An in-memory Keychain for unit tests; `unavailable` makes every call fail with that reason. */
export interface MemoryKeychain extends Keychain {
  store: Map<string, string>;
  /** How many times each method was called (to prove a source was not consulted). */
  calls: { read: number; write: number; remove: number };
  unavailable: string | undefined;
}

export function memoryKeychain(initial: Record<string, string> = {}, unavailable?: string): MemoryKeychain {
  const kc: MemoryKeychain = {
    label: "OS keychain (test)",
    store: new Map(Object.entries(initial)),
    calls: { read: 0, write: 0, remove: 0 },
    unavailable,
    async read(accounts) {
      kc.calls.read++;
      if (kc.unavailable) return { ok: false, reason: kc.unavailable };
      const values = new Map<string, string>();
      for (const a of accounts) {
        const v = kc.store.get(a);
        if (v !== undefined) values.set(a, v);
      }
      return { ok: true, values };
    },
    async write(account, secret) {
      kc.calls.write++;
      if (kc.unavailable) return { ok: false, reason: kc.unavailable };
      kc.store.set(account, secret);
      return { ok: true };
    },
    async probe() {
      if (kc.unavailable) return { ok: false, reason: kc.unavailable };
      return { ok: true };
    },
    async remove(account) {
      kc.calls.remove++;
      if (kc.unavailable) return { ok: false, reason: kc.unavailable };
      return { ok: true, removed: kc.store.delete(account) };
    },
  };
  return kc;
}

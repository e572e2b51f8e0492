import { canonical } from "../util/canonical-json.js";

/**
 * Detects a model stuck in a loop: the same tool with the same arguments, several calls in a
 * row (across turns too). Arguments are compared canonically (key order ignored), so
 * `{a:1,b:2}` and `{b:2,a:1}` count as the same call.
 */
export class RepeatGuard {
  private last: string | undefined;
  private count = 0;

  /** @param limit consecutive identical calls that count as a loop (3 per notes/PROVIDERS.md). */
  constructor(readonly limit = 3) {}

  /** Note a call; true when it makes `limit` identical calls in a row. */
  observe(name: string, args: unknown): boolean {
    const key = `${name}\u0000${canonical(args)}`;
    this.count = key === this.last ? this.count + 1 : 1;
    this.last = key;
    return this.count >= this.limit;
  }
}

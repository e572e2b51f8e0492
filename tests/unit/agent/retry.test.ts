import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY_POLICY,
  isRetryable,
  retryDelayMs,
  retryPolicyFromEnv,
  streamWithRetry,
  type RetryNotice,
} from "../../../src/agent/retry.js";
import { ProviderError, type ProviderErrorKind } from "../../../src/llm/types.js";

const err = (kind: ProviderErrorKind, retryAfterMs?: number): ProviderError =>
  new ProviderError(kind, `${kind} failure`, retryAfterMs !== undefined ? { retryAfterMs } : {});
const noJitter = { ...DEFAULT_RETRY_POLICY, jitter: 0 };

describe("retry policy", () => {
  it("retries rate limits, overload, server and network errors; never auth, bad requests, aborts", () => {
    for (const k of ["rate_limit", "overloaded", "server", "network"] as const) expect(isRetryable(err(k))).toBe(true);
    for (const k of ["auth", "bad_request", "not_found", "aborted", "other"] as const)
      expect(isRetryable(err(k))).toBe(false);
    expect(isRetryable(new Error("plain"))).toBe(false);
  });

  it("backs off exponentially from 2 s to a 30 s cap", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, err("server"), noJitter));
    expect(delays).toEqual([2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it("jitter only ever shortens the back-off, by at most the jitter share", () => {
    const p = { ...DEFAULT_RETRY_POLICY, jitter: 0.25 };
    expect(retryDelayMs(1, err("server"), p, () => 0)).toBe(1500);
    expect(retryDelayMs(1, err("server"), p, () => 0.999999)).toBe(2000);
  });

  it("honours retry-after when it is longer than the back-off, and gives up when it is absurd", () => {
    expect(retryDelayMs(1, err("rate_limit", 7000), noJitter)).toBe(7000);
    expect(retryDelayMs(3, err("rate_limit", 500), noJitter)).toBe(8000);
    expect(retryDelayMs(1, err("rate_limit", 10 * 60_000), noJitter)).toBeUndefined();
  });

  it("scales every delay, retry-after included (tests run in milliseconds)", () => {
    const p = { ...noJitter, scale: 0.001 };
    expect(retryDelayMs(1, err("server"), p)).toBe(2);
    expect(retryDelayMs(1, err("rate_limit", 9000), p)).toBe(9);
  });

  it("reads its knobs from the environment and ignores nonsense", () => {
    expect(
      retryPolicyFromEnv({
        CADAGENT_RETRY_SCALE: "0.01",
        CADAGENT_RETRY_BASE_MS: "100",
        CADAGENT_RETRY_MAX_MS: "400",
        CADAGENT_RETRY_ATTEMPTS: "3",
      }),
    ).toMatchObject({ scale: 0.01, baseMs: 100, maxMs: 400, maxAttempts: 3 });
    expect(retryPolicyFromEnv({ CADAGENT_RETRY_SCALE: "fast", CADAGENT_RETRY_ATTEMPTS: "0" })).toEqual(
      DEFAULT_RETRY_POLICY,
    );
  });
});

describe("streamWithRetry", () => {
  const sleeps: number[] = [];
  const sleep = async (ms: number): Promise<void> => void sleeps.push(ms);

  async function drain<E>(gen: AsyncIterable<E>): Promise<E[]> {
    const out: E[] = [];
    for await (const e of gen) out.push(e);
    return out;
  }

  it("re-opens the stream after a retryable failure, announcing the retry first", async () => {
    sleeps.length = 0;
    let opened = 0;
    async function* open(): AsyncGenerator<string> {
      opened++;
      yield `a${opened}`;
      if (opened < 3) throw err(opened === 1 ? "rate_limit" : "network", opened === 1 ? 3000 : undefined);
      yield "done";
    }
    const events = await drain(
      streamWithRetry(open, { policy: noJitter, signal: new AbortController().signal, sleep }),
    );
    expect(events.map((e) => (typeof e === "string" ? e : `retry${e.attempt}:${e.delayMs}`))).toEqual([
      "a1",
      "retry1:3000",
      "a2",
      "retry2:4000",
      "a3",
      "done",
    ]);
    expect(sleeps).toEqual([3000, 4000]);
  });

  it("throws non-retryable errors at once and the last error when attempts run out", async () => {
    let calls = 0;
    const failing = (kind: ProviderErrorKind) =>
      async function* (): AsyncGenerator<string> {
        calls++;
        yield* [];
        throw err(kind);
      };
    await expect(
      drain(streamWithRetry(failing("auth"), { policy: noJitter, signal: new AbortController().signal, sleep })),
    ).rejects.toMatchObject({ kind: "auth" });
    expect(calls).toBe(1);
    calls = 0;
    const notices: RetryNotice[] = [];
    const gen = streamWithRetry(failing("overloaded"), {
      policy: { ...noJitter, maxAttempts: 4 },
      signal: new AbortController().signal,
      sleep,
    });
    await expect(
      (async () => {
        for await (const e of gen) if (typeof e !== "string") notices.push(e);
      })(),
    ).rejects.toMatchObject({ kind: "overloaded" });
    expect(calls).toBe(4);
    expect(notices.map((n) => n.attempt)).toEqual([1, 2, 3]);
  });

  it("an abort during the wait ends it with an aborted error", async () => {
    const ctrl = new AbortController();
    async function* open(): AsyncGenerator<string> {
      yield* [];
      throw err("server");
    }
    const gen = streamWithRetry(open, { policy: { ...noJitter, baseMs: 300_000, scale: 1 }, signal: ctrl.signal });
    const p = drain(gen);
    setTimeout(() => ctrl.abort(), 20);
    const t = performance.now();
    await expect(p).rejects.toMatchObject({ kind: "aborted" });
    // Not the 5-minute wait (a generous bound).
    expect(performance.now() - t).toBeLessThan(30_000);
  });
});

import { ProviderError } from "../llm/types.js";
import { isPermanentNetworkFailure } from "../llm/network-failure.js";

/**
 * The one retry policy for provider requests (notes/PROVIDERS.md): rate limits (429),
 * overload (529), server errors (5xx) and network failures are retried with exponential
 * back-off and jitter, honouring `retry-after`; auth, bad requests and aborts never are.
 * SDK retries are off in every adapter, so nothing else retries underneath this.
 */

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  maxAttempts: number;
  /** Back-off before the 2nd attempt; doubles each time. */
  baseMs: number;
  /** Cap of the exponential back-off (a longer `retry-after` still wins, up to maxRetryAfterMs). */
  maxMs: number;
  /** 0..1: the share of each back-off that is randomised, so parallel clients spread out. */
  jitter: number;
  /**
   * Multiplies every delay, the server's `retry-after` included. 1 in production; tests set
   * CADAGENT_RETRY_SCALE=0.001 so a scripted "retry-after: 2" costs 2 ms, not 2 s.
   */
  scale: number;
  /** A server asking to wait longer than this (unscaled) is not retried: the error is reported. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseMs: 2_000,
  maxMs: 30_000,
  jitter: 0.25,
  scale: 1,
  maxRetryAfterMs: 120_000,
};

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * The default policy with overrides from CADAGENT_RETRY_SCALE, CADAGENT_RETRY_BASE_MS,
 * CADAGENT_RETRY_MAX_MS and CADAGENT_RETRY_ATTEMPTS (undocumented test/ops knobs; invalid
 * values are ignored rather than fatal because they never come from a user's design intent).
 */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY };
  p.scale = positive(env, "CADAGENT_RETRY_SCALE") ?? p.scale;
  p.baseMs = positive(env, "CADAGENT_RETRY_BASE_MS") ?? p.baseMs;
  p.maxMs = positive(env, "CADAGENT_RETRY_MAX_MS") ?? p.maxMs;
  const attempts = positive(env, "CADAGENT_RETRY_ATTEMPTS");
  if (attempts !== undefined && attempts >= 1) p.maxAttempts = Math.floor(attempts);
  return p;
}

/** Whether a failure is worth another attempt (never 400/401, never an abort, never an unreachable endpoint). */
export function isRetryable(err: unknown): err is ProviderError {
  return err instanceof ProviderError && err.retryable && !isPermanentNetworkFailure(err);
}

/**
 * Delay before attempt `failedAttempt + 1`: exponential from baseMs, capped at maxMs, with
 * jitter; at least the server's `retry-after`. Undefined when the server asks for longer than
 * maxRetryAfterMs (waiting that long inside a design run helps nobody).
 */
export function retryDelayMs(
  failedAttempt: number,
  err: ProviderError,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failedAttempt - 1));
  const backoff = exp * (1 - policy.jitter + policy.jitter * random());
  const after = err.retryAfterMs;
  if (after !== undefined && after > policy.maxRetryAfterMs) return undefined;
  return Math.round(Math.max(backoff, after ?? 0) * policy.scale);
}

/** Told before each wait; everything the failed attempt streamed must be discarded. */
export interface RetryNotice {
  type: "retry";
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  error: ProviderError;
}

export interface RetryOptions {
  policy: RetryPolicy;
  signal: AbortSignal;
  /** Injectable for tests; must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** setTimeout as a promise that rejects with the signal's reason on abort. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const onAbort = (): void => {
      clearTimeout(t);
      reject(abortError(signal));
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** `lastError`: the failure being retried when the abort came, so a deadline can say what it was waiting for. */
function abortError(signal: AbortSignal, lastError?: ProviderError): ProviderError {
  return new ProviderError("aborted", "request aborted", { cause: lastError ?? signal.reason });
}

/**
 * Runs `open()` and re-yields its events; when it fails with a retryable error it yields a
 * RetryNotice, waits, and opens a fresh stream. The consumer must treat a notice as "forget
 * this attempt": a request is only complete when its stream ends without error, which is what
 * keeps a retried turn from running tools twice. Throws the last error when attempts run out
 * or the error is not retryable.
 */
export async function* streamWithRetry<E>(
  open: () => AsyncIterable<E>,
  opts: RetryOptions,
): AsyncGenerator<E | RetryNotice> {
  const sleep = opts.sleep ?? abortableSleep;
  let lastError: ProviderError | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      yield* open();
      return;
    } catch (e) {
      if (opts.signal.aborted) {
        if (lastError) throw abortError(opts.signal, lastError);
        throw e instanceof ProviderError && e.kind === "aborted" ? e : abortError(opts.signal);
      }
      if (!isRetryable(e) || attempt >= opts.policy.maxAttempts) throw e;
      const delayMs = retryDelayMs(attempt, e, opts.policy, opts.random);
      if (delayMs === undefined) throw e;
      lastError = e;
      yield { type: "retry", attempt, maxAttempts: opts.policy.maxAttempts, delayMs, error: e };
      try {
        await sleep(delayMs, opts.signal);
      } catch (abort) {
        throw opts.signal.aborted ? abortError(opts.signal, e) : abort;
      }
    }
  }
}

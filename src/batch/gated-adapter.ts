import { ProviderError, type ChatRequest, type ProtocolAdapter, type StreamEvent } from "../llm/types.js";
import type { ProviderGate } from "../agent/provider-gate.js";
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from "../agent/retry.js";

export interface GatedAdapterOptions {
  /**
   * How long every job holds off after a rate limit. Default: the retry policy's first back-off
   * (or the server's retry-after when longer), so the pause the whole batch takes is the one
   * the failing job's own retry takes anyway.
   */
  backoffMs?: (err: ProviderError) => number;
  /** Policy for the default backoffMs (tests scale it down). */
  policy?: RetryPolicy;
}

/** Failures that say "this account is sending too much", as opposed to one bad request. */
const THROTTLED = new Set(["rate_limit", "overloaded"]);

/**
 * An adapter whose requests pass the shared ProviderGate: each request first waits until the
 * provider is free, and a 429/529 seen by any job puts the provider on hold for all of them.
 * The error is re-thrown unchanged, so the agent loop retries it exactly as it would alone.
 */
export function gatedAdapter(
  adapter: ProtocolAdapter,
  gate: ProviderGate,
  providerId: string,
  opts: GatedAdapterOptions = {},
): ProtocolAdapter {
  const policy = opts.policy ?? DEFAULT_RETRY_POLICY;
  const backoffMs =
    opts.backoffMs ??
    ((err: ProviderError): number => {
      const capped =
        err.retryAfterMs === undefined
          ? err
          : new ProviderError(err.kind, err.message, {
              retryAfterMs: Math.min(err.retryAfterMs, policy.maxRetryAfterMs),
            });
      return retryDelayMs(1, capped, policy) ?? 0;
    });
  return {
    protocol: adapter.protocol,
    async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
      try {
        await gate.wait(providerId, signal);
      } catch (e) {
        throw new ProviderError("aborted", "request aborted while waiting out a shared rate limit", { cause: e });
      }
      try {
        yield* adapter.stream(request, signal);
      } catch (e) {
        if (e instanceof ProviderError && THROTTLED.has(e.kind)) gate.backoff(providerId, backoffMs(e));
        throw e;
      }
    },
    // Listing models is one cheap call after a failure: no gate, but the same adapter.
    ...(adapter.listModels ? { listModels: adapter.listModels.bind(adapter) } : {}),
  };
}

import type { ModelEntry } from "./providers.js";
import type { Usage } from "./types.js";

/** Sums two usage records (e.g. across the turns of a run). */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    ...(a.reasoningTokens !== undefined || b.reasoningTokens !== undefined
      ? { reasoningTokens: (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0) }
      : {}),
  };
}

/**
 * Cost in USD from per-million-token prices, or null when the model has no price entry.
 *
 * Adapters report `inputTokens` without cache reads/writes, so the four counts are disjoint
 * and each is billed once. A missing cache price falls back to the input price: the estimate
 * can then only be too high, never too low, which is the safe side for a cost budget.
 */
export function costUsd(usage: Usage, price?: ModelEntry): number | null {
  if (!price) return null;
  const perToken = (perMillion: number) => perMillion / 1_000_000;
  const total =
    usage.inputTokens * perToken(price.input) +
    usage.outputTokens * perToken(price.output) +
    usage.cacheReadTokens * perToken(price.cacheRead ?? price.input) +
    usage.cacheWriteTokens * perToken(price.cacheWrite ?? price.input);
  // Round away float noise (1e-12 USD is far below any price granularity).
  return Math.round(total * 1e12) / 1e12;
}

import type { ModelEntry } from "../llm/providers.js";
import { addUsage, costUsd } from "../llm/usage.js";
import { emptyUsage, type Usage } from "../llm/types.js";

/**
 * Token usage and cost of a run, and the optional cost budget (`--budget`). The budget is
 * checked before each request against an estimate of that request's cost, so a run stops
 * before it would exceed the budget rather than after.
 */

/** Output tokens assumed for the first turn, before any turn has been measured. */
const FIRST_TURN_OUTPUT_TOKENS = 1_500;
/** Rough characters per token of JSON-heavy prompts; errs towards more tokens. */
const CHARS_PER_TOKEN = 3.5;

export class CostMeter {
  private totalUsage: Usage = emptyUsage();
  private lastPromptTokens = 0;
  private outputs: number[] = [];
  private turns = 0;
  /** USD so far; null once a turn could not be priced. */
  private spent: number | null = 0;
  /** The provider caches this conversation (a turn read or wrote the cache). */
  private caching = false;

  /**
   * @param price per-million-token prices, undefined when unknown (cost is then null unless
   *   the provider reports each request's cost itself, as OpenRouter does).
   * @param budgetUsd stop before the estimated cost would exceed this; undefined = no budget.
   */
  constructor(
    private readonly price: ModelEntry | undefined,
    readonly budgetUsd: number | undefined,
  ) {}

  /** Record one completed request's usage. */
  add(usage: Usage): void {
    this.totalUsage = addUsage(this.totalUsage, usage);
    this.lastPromptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    this.outputs.push(usage.outputTokens);
    if (usage.cacheReadTokens > 0 || usage.cacheWriteTokens > 0) this.caching = true;
    this.turns++;
    const turnCost = usage.costUsd ?? costUsd(usage, this.price);
    this.spent = this.spent === null || turnCost === null ? null : round(this.spent + turnCost);
  }

  get usage(): Usage {
    return { ...this.totalUsage };
  }

  /** USD so far, or null when a turn had neither a price entry nor a provider-reported cost. */
  get spentUsd(): number | null {
    return this.turns === 0 ? (this.price ? 0 : null) : this.spent;
  }

  /** Whether a budget can be enforced at all (it needs a price). */
  get enforceable(): boolean {
    return this.budgetUsd !== undefined && this.price !== undefined;
  }

  /**
   * Estimated cost of the next request. Its prompt is the last prompt, plus the last answer and
   * what was added since (`addedChars`, the new messages). When the provider caches, the last
   * prompt comes back from the cache at the cache-read rate and only the new part is written
   * (or billed as input); without caching all of it is input. Output is the larger of the
   * last and the mean output so far. `promptChars` is the whole request's size, used before
   * any turn was measured.
   */
  estimateNextUsd(addedChars: number, promptChars: number): number | null {
    if (!this.price) return null;
    if (this.turns === 0) {
      const first = { ...emptyUsage(), inputTokens: Math.ceil(promptChars / CHARS_PER_TOKEN) };
      return costUsd({ ...first, outputTokens: FIRST_TURN_OUTPUT_TOKENS }, this.price);
    }
    const lastOutput = this.outputs.at(-1) ?? 0;
    const meanOutput = this.outputs.reduce((a, b) => a + b, 0) / this.outputs.length;
    const fresh = Math.ceil(lastOutput + addedChars / CHARS_PER_TOKEN);
    const output = Math.ceil(Math.max(lastOutput, meanOutput, 1));
    const cached = this.caching && this.price.cacheRead !== undefined;
    const next: Usage = cached
      ? { inputTokens: 0, cacheReadTokens: this.lastPromptTokens, cacheWriteTokens: fresh, outputTokens: output }
      : { inputTokens: this.lastPromptTokens + fresh, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: output };
    return costUsd(next, this.price);
  }

  /** The next request, at `estimate`, would take the run over budget. */
  wouldExceed(estimate: number | null): boolean {
    if (!this.enforceable || estimate === null) return false;
    return (this.spentUsd ?? 0) + estimate > (this.budgetUsd ?? Infinity);
  }

  /** Only about one more request fits: time for the "finish now" turn. */
  nearlyOut(estimate: number | null): boolean {
    if (!this.enforceable || estimate === null) return false;
    return (this.spentUsd ?? 0) + 2 * estimate > (this.budgetUsd ?? Infinity);
  }
}

const round = (usd: number): number => Math.round(usd * 1e12) / 1e12;

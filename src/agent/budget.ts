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
  private maxOutputTokens = 0;
  private turns = 0;

  /**
   * @param price per-million-token prices, undefined when unknown (cost is then null).
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
    this.maxOutputTokens = Math.max(this.maxOutputTokens, usage.outputTokens);
    this.turns++;
  }

  get usage(): Usage {
    return { ...this.totalUsage };
  }

  /** USD so far, or null when the model has no price entry. */
  get spentUsd(): number | null {
    return costUsd(this.totalUsage, this.price);
  }

  /** Whether a budget can be enforced at all (it needs a price). */
  get enforceable(): boolean {
    return this.budgetUsd !== undefined && this.price !== undefined;
  }

  /**
   * Estimated cost of the next request. The prompt is the last prompt plus what was added
   * since (`addedChars`, the new messages), priced as uncached input: the estimate can only be
   * too high, the safe side for a budget. Output is the largest output seen so far.
   * `promptChars` is the whole request's size, used before any turn was measured.
   */
  estimateNextUsd(addedChars: number, promptChars: number): number | null {
    if (!this.price) return null;
    const prompt =
      this.turns === 0
        ? promptChars / CHARS_PER_TOKEN
        : this.lastPromptTokens + this.maxOutputTokens + addedChars / CHARS_PER_TOKEN;
    const output = this.turns === 0 ? FIRST_TURN_OUTPUT_TOKENS : Math.max(this.maxOutputTokens, 256);
    return costUsd(
      { inputTokens: Math.ceil(prompt), outputTokens: output, cacheReadTokens: 0, cacheWriteTokens: 0 },
      this.price,
    );
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

import { describe, expect, it } from "vitest";
import { findProvider, modelPrice } from "../../../src/llm/providers.js";
import { addUsage, costUsd } from "../../../src/llm/usage.js";
import { emptyUsage, type Usage } from "../../../src/llm/types.js";

const usage = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0): Usage => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

describe("costUsd", () => {
  const sonnet = { id: "claude-sonnet-4-5", input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, vision: true };

  it("prices each token class per million", () => {
    // 1M input at $3 + 0.5M output at $15 + 2M cache reads at $0.3 + 0.1M cache writes at $3.75
    expect(costUsd(usage(1_000_000, 500_000, 2_000_000, 100_000), sonnet)).toBeCloseTo(3 + 7.5 + 0.6 + 0.375, 10);
  });

  it("is exact for small counts (no float noise)", () => {
    expect(costUsd(usage(1234, 567), sonnet)).toBe(0.012207);
  });

  it("returns null without a price entry, and 0 for free local models", () => {
    expect(costUsd(usage(10, 10))).toBeNull();
    expect(costUsd(usage(10, 10), { id: "qwen3:14b", input: 0, output: 0, vision: false })).toBe(0);
  });

  it("falls back to the input price for unknown cache prices (never under-reports)", () => {
    const noCache = { id: "m", input: 2, output: 8, vision: true };
    expect(costUsd(usage(0, 0, 1_000_000, 1_000_000), noCache)).toBe(4);
  });

  it("works with prices from providers/*.json", () => {
    const anthropic = findProvider("anthropic");
    expect(anthropic).toBeDefined();
    const price = anthropic ? modelPrice(anthropic, "claude-haiku-5-5") : undefined;
    expect(costUsd(usage(1_000_000, 1_000_000), price)).toBe(0.6);
    expect(anthropic ? costUsd(usage(1, 1), modelPrice(anthropic, "no-such-model")) : 0).toBeNull();
  });
});

describe("addUsage", () => {
  it("sums field by field and leaves its inputs alone", () => {
    const a = usage(1, 2, 3, 4);
    const b = usage(10, 20, 30, 40);
    expect(addUsage(a, b)).toEqual(usage(11, 22, 33, 44));
    expect(a).toEqual(usage(1, 2, 3, 4));
    expect(addUsage(emptyUsage(), a)).toEqual(a);
  });
});

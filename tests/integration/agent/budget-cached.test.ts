import { afterEach, describe, expect, it } from "vitest";
import { CostMeter } from "../../../src/agent/budget.js";
import { createAdapter } from "../../../src/llm/create-adapter.js";
import { findProvider, modelPrice } from "../../../src/llm/providers.js";
import { costUsd } from "../../../src/llm/usage.js";
import type { Usage } from "../../../src/llm/types.js";
import { loopPrompts, runLoop } from "../../helpers/loop-harness.js";
import { startAnthropicServer, toolReply, type RecordedRequest, type WireServer } from "../../helpers/wire/index.js";

/**
 * The budget estimate against the cost actually charged, on a 10-turn Anthropic run with prompt
 * caching. The server bills like Anthropic does with cadagent's breakpoints: the previous
 * request's prompt is read from the cache, the new part is written to it, nothing is uncached.
 */

const CHARS_PER_TOKEN = 4;
const OUTPUTS = [220, 140, 180, 90, 260, 150, 120, 200, 170, 60];

let server: WireServer | undefined;
afterEach(async () => server?.close());

/** Records every estimate the loop asks for, next to the usage of the request that followed. */
class RecordingMeter extends CostMeter {
  readonly estimates: Array<number | null> = [];
  override estimateNextUsd(addedChars: number, promptChars: number): number | null {
    const e = super.estimateNextUsd(addedChars, promptChars);
    this.estimates.push(e);
    return e;
  }
}

describe("budget estimate with prompt caching", () => {
  it("is within 25 % of the charged cost on a cached 10-turn Claude Sonnet 5.5 run", async () => {
    const anthropic = findProvider("anthropic")!;
    const price = modelPrice(anthropic, "claude-sonnet-5-5")!;
    let previousPrompt = 0;
    const charged: Usage[] = [];
    const script = (req: RecordedRequest, i: number) => {
      const prompt = Math.ceil(req.rawBody.length / CHARS_PER_TOKEN);
      const usage = {
        input: 0,
        cacheRead: previousPrompt,
        cacheWrite: prompt - previousPrompt,
        output: OUTPUTS[i] ?? 100,
      };
      previousPrompt = prompt;
      charged.push({
        inputTokens: 0,
        cacheReadTokens: usage.cacheRead,
        cacheWriteTokens: usage.cacheWrite,
        outputTokens: usage.output,
      });
      return i < 9
        ? toolReply([["make", { name: `p${i}`, size: i + 1 }]], { text: `Step ${i + 1}: adding part p${i}.`, usage })
        : toolReply([["finish", { parts: ["p0"], summary: "done" }]], { usage });
    };
    server = await startAnthropicServer({ script });
    const adapter = await createAdapter({
      protocol: "anthropic",
      baseUrl: server.baseUrl,
      apiKey: "k",
      promptCaching: true,
    });
    const meter = new RecordingMeter(price, 100);
    // A system prompt and catalog the size of cadagent's own (~10k tokens) make caching matter.
    const system = `${loopPrompts.system}\n${"Model every feature from named parameters. ".repeat(1000)}`;
    const run = await runLoop(adapter, { meter, model: "claude-sonnet-5-5", prompts: { ...loopPrompts, system } });
    expect(run.result.stopReason).toBe("finished");
    expect(charged).toHaveLength(10);
    // The caching this test relies on: after turn 1 almost everything is a cache read.
    expect(charged[5]!.cacheReadTokens).toBeGreaterThan(10 * charged[5]!.cacheWriteTokens);

    const actual = charged.map((u) => costUsd(u, price)!);
    // Turn 1 has nothing measured to go on; from turn 2 the estimate uses the last turn's usage.
    const estimated = meter.estimates.slice(1).map((e) => e!);
    const actualLater = actual.slice(1);
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const ratio = total(estimated) / total(actualLater);
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.25);
    for (const [i, e] of estimated.entries()) {
      const r = e / (actualLater[i] ?? 1);
      expect(r, `turn ${i + 2}: estimate ${e} vs charged ${actualLater[i]}`).toBeGreaterThan(0.5);
      expect(r, `turn ${i + 2}`).toBeLessThan(2);
    }
    // The meter's spend is what was charged.
    expect(meter.spentUsd).toBeCloseTo(total(actual), 9);
    // Pricing the cached prefix as uncached input (the old estimate) would be several times too high.
    const uncached = charged.slice(1).map((u, i) =>
      costUsd(
        {
          ...u,
          inputTokens: u.cacheReadTokens + u.cacheWriteTokens,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: OUTPUTS[i + 1]!,
        },
        price,
      )!,
    );
    expect(total(uncached) / total(actualLater)).toBeGreaterThan(3);
  });
});

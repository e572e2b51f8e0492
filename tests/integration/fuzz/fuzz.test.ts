import { describe, expect, it } from "vitest";
import { runFuzz } from "../../helpers/fuzz.js";

/**
 * CI-sized fuzz run (#13): a fixed seed, about 1,000 generated calls through the registry on a
 * real FreeCAD worker that is killed every 300 calls. `npm run fuzz` runs 10,000
 * (CADAGENT_FUZZ_CALLS) and prints the figures.
 */

const calls = Number(process.env.CADAGENT_FUZZ_CALLS ?? 1000);
const seed = Number(process.env.CADAGENT_FUZZ_SEED ?? 13);

describe("fuzzed tool calls", () => {
  it(
    `${calls} calls (seed ${seed}): no crash, no hang, no failed replay, every invalid call an error`,
    async () => {
      const fig = await runFuzz({ calls, seed, killEvery: 300 });
      if (process.env.CADAGENT_FUZZ_CALLS) console.log(`fuzz figures: ${JSON.stringify(fig, null, 2)}`);
      expect(fig.calls).toBe(calls);
      // Enough valid calls succeeded that the geometry paths were exercised, not only validation.
      expect(fig.ok).toBeGreaterThan(calls / 20);
      expect(fig.problems).toEqual([]);
      expect(fig.crashes).toBe(0);
      expect(fig.hangs).toBe(0);
      expect(fig.failedReplays).toBe(0);
      expect(fig.invalidAccepted).toBe(0);
      expect(fig.restarts).toBeGreaterThanOrEqual(Math.floor((calls - 1) / 300));
    },
    Math.max(120_000, calls * 100),
  );
});

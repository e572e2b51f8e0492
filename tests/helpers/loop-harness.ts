import { z } from "zod";
import { CostMeter } from "../../src/agent/budget.js";
import type { AgentEvent } from "../../src/agent/events.js";
import { runAgentLoop, type LoopOptions, type LoopResult } from "../../src/agent/loop.js";
import type { AgentPrompts } from "../../src/agent/prompts.js";
import { DEFAULT_RETRY_POLICY } from "../../src/agent/retry.js";
import type { CadClient } from "../../src/cad/client.js";
import type { ProtocolAdapter } from "../../src/llm/types.js";
import { defineTool } from "../../src/tools/define.js";
import { ToolRegistry } from "../../src/tools/registry.js";

/**
 * The agent loop with real protocol adapters (against the wire servers) and two fake tools,
 * `make` and `finish`: what the loop does with each stop reason, without FreeCAD.
 */

export const loopPrompts: AgentPrompts = {
  system: "SYSTEM",
  brief: (b) => `BRIEF: ${b}`,
  finishNow: "FINISH NOW",
  continue: "CONTINUE",
  review: "REVIEW",
};

export interface LoopRun {
  result: LoopResult;
  events: AgentEvent[];
  /** Tool calls that actually ran, as `name:arg`. */
  executed: string[];
}

export async function runLoop(adapter: ProtocolAdapter, over: Partial<LoopOptions> = {}): Promise<LoopRun> {
  const executed: string[] = [];
  const make = defineTool({
    name: "make",
    description: "make a thing",
    input: z.object({ name: z.string(), size: z.number().positive() }),
    mutates: true,
    async execute(input) {
      executed.push(`make:${input.name}`);
      return { result: { name: input.name, volume: input.size ** 3 } };
    },
  });
  const finish = defineTool({
    name: "finish",
    description: "done",
    input: z.object({ parts: z.array(z.string()).min(1), summary: z.string() }),
    mutates: false,
    async execute(input) {
      executed.push("finish");
      return { result: { finished: true, parts: input.parts } };
    },
  });
  const opts: LoopOptions = {
    adapter,
    registry: new ToolRegistry([make, finish]),
    ctx: { cad: {} as unknown as CadClient, outDir: "/nonexistent" },
    model: "test-model",
    prompts: loopPrompts,
    brief: "a cube",
    maxTurns: 10,
    maxTokens: 1000,
    meter: new CostMeter(undefined, undefined),
    retry: { ...DEFAULT_RETRY_POLICY, scale: 0 },
    signal: new AbortController().signal,
    ...over,
  };
  const events: AgentEvent[] = [];
  const gen = runAgentLoop(opts);
  for (;;) {
    const step = await gen.next();
    if (step.done) return { result: step.value, events, executed };
    events.push(step.value);
  }
}

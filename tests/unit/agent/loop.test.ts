import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CostMeter } from "../../../src/agent/budget.js";
import type { AgentEvent, StopReason } from "../../../src/agent/events.js";
import { runAgentLoop, type LoopOptions, type LoopResult } from "../../../src/agent/loop.js";
import type { AgentPrompts } from "../../../src/agent/prompts.js";
import { DEFAULT_RETRY_POLICY } from "../../../src/agent/retry.js";
import { NO_REVIEW, type ReviewHook } from "../../../src/agent/review.js";
import type { CadClient } from "../../../src/cad/client.js";
import { CadError } from "../../../src/cad/protocol.js";
import type { ChatRequest, ProtocolAdapter, StreamEvent, ToolCall, Usage } from "../../../src/llm/types.js";
import { ProviderError } from "../../../src/llm/types.js";
import { defineTool } from "../../../src/tools/define.js";
import { ToolRegistry } from "../../../src/tools/registry.js";

/** The loop against a scripted adapter and fake tools: no network, no FreeCAD. */

type FakeTurn =
  | { text?: string; calls?: Array<[string, unknown] | ToolCall>; usage?: Partial<Usage> }
  | { fail: ProviderError; afterText?: string; afterCalls?: Array<[string, unknown]> };

function toCall(c: [string, unknown] | ToolCall, i: number, turn: number): ToolCall {
  return Array.isArray(c) ? { id: `c${turn}_${i}`, name: c[0], arguments: c[1] } : c;
}

function fakeAdapter(turns: FakeTurn[]): ProtocolAdapter & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  let n = 0;
  return {
    protocol: "anthropic",
    requests,
    async *stream(req: ChatRequest): AsyncGenerator<StreamEvent> {
      requests.push(structuredClone(req));
      const turn = turns[n++];
      if (!turn) throw new ProviderError("bad_request", "script exhausted");
      if ("fail" in turn) {
        if (turn.afterText) yield { type: "text-delta", text: turn.afterText };
        for (const [i, c] of (turn.afterCalls ?? []).entries()) yield { type: "tool-call", call: toCall(c, i, n) };
        throw turn.fail;
      }
      const calls = (turn.calls ?? []).map((c, i) => toCall(c, i, n));
      if (turn.text) yield { type: "text-delta", text: turn.text };
      for (const call of calls) yield { type: "tool-call", call };
      yield {
        type: "usage",
        usage: { inputTokens: 100, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, ...turn.usage },
      };
      yield {
        type: "finish",
        reason: calls.length ? "tool_calls" : "stop",
        message: { role: "assistant", content: turn.text ? [{ type: "text", text: turn.text }] : [], toolCalls: calls },
      };
    },
  };
}

interface Harness {
  executed: string[];
  saved: string[];
  registry: ToolRegistry;
}

function harness(opts: { fatalOn?: string } = {}): Harness {
  const executed: string[] = [];
  const make = defineTool({
    name: "make",
    description: "make a thing",
    input: z.object({ name: z.string(), size: z.number().positive() }),
    mutates: true,
    async execute(input) {
      if (opts.fatalOn === input.name) throw new CadError("unavailable", "FreeCAD died for good");
      executed.push(`make:${input.name}`);
      return { result: { name: input.name, volume: input.size ** 3 } };
    },
  });
  const look = defineTool({
    name: "look",
    description: "inspect",
    input: z.object({}),
    mutates: false,
    async execute() {
      executed.push("look");
      return { result: { ok: true } };
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
  return { executed, saved: [], registry: new ToolRegistry([make, look, finish]) };
}

const prompts: AgentPrompts = {
  system: "SYSTEM",
  brief: (b) => `BRIEF: ${b}`,
  finishNow: "FINISH NOW",
  continue: "CONTINUE",
  review: "REVIEW",
};

async function run(turns: FakeTurn[], over: Partial<LoopOptions> = {}, h: Harness = harness()) {
  const adapter = fakeAdapter(turns);
  const events: AgentEvent[] = [];
  const opts: LoopOptions = {
    adapter,
    registry: h.registry,
    ctx: { cad: {} as unknown as CadClient, outDir: "/nonexistent" },
    model: "m",
    prompts,
    brief: "a cube",
    maxTurns: 10,
    maxTokens: 1000,
    meter: new CostMeter(undefined, undefined),
    retry: { ...DEFAULT_RETRY_POLICY, scale: 0 },
    signal: new AbortController().signal,
    onOutcome: async (o) => {
      // Saving finishes before the next call starts: the record is never behind the worker.
      await new Promise((r) => setTimeout(r, 1));
      h.saved.push(`${o.name}:${o.ok}`);
    },
    ...over,
  };
  const gen = runAgentLoop(opts);
  let result: LoopResult;
  for (;;) {
    const step = await gen.next();
    if (step.done) {
      result = step.value;
      break;
    }
    events.push(step.value);
  }
  return { result, events, adapter, h };
}

const types = (events: AgentEvent[]) => events.map((e) => e.type);

describe("agent loop", () => {
  it("runs parallel calls in order, sends results back in call order, ends on finish", async () => {
    const { result, events, adapter, h } = await run([
      {
        text: "Plan.",
        calls: [
          ["make", { name: "a", size: 2 }],
          ["look", {}],
          ["make", { name: "b", size: 3 }],
        ],
      },
      { calls: [["finish", { parts: ["b"], summary: "done" }]] },
    ]);
    expect(result).toMatchObject({
      stopReason: "finished",
      turns: 2,
      toolCalls: 4,
      toolErrors: 0,
      finish: { parts: ["b"], summary: "done" },
      lastText: "Plan.",
    });
    expect(h.executed).toEqual(["make:a", "look", "make:b", "finish"]);
    expect(h.saved).toEqual(["make:true", "look:true", "make:true", "finish:true"]);
    const second = adapter.requests[1];
    expect(second?.system).toBe("SYSTEM");
    expect(second?.messages[0]).toEqual({ role: "user", content: [{ type: "text", text: "BRIEF: a cube" }] });
    const tool = second?.messages[2];
    expect(tool?.role).toBe("tool");
    if (tool?.role !== "tool") throw new Error("no tool message");
    expect(tool.results.map((r) => [r.callId, r.name, r.isError])).toEqual([
      ["c1_0", "make", false],
      ["c1_1", "look", false],
      ["c1_2", "make", false],
    ]);
    expect(tool.results[2]?.content[0]).toEqual({ type: "text", text: '{"name":"b","volume":27}' });
    expect(types(events)).toEqual([
      "turn-start",
      "text-delta",
      "usage",
      "turn-end",
      "tool-result",
      "tool-result",
      "tool-result",
      "turn-start",
      "usage",
      "turn-end",
      "tool-result",
    ]);
    const res = events.find((e) => e.type === "tool-result" && e.name === "make");
    expect(res).toMatchObject({ ok: true, figures: { name: "a", volume: 8 } });
  });

  it("a stream that fails after delivering tool calls is retried and its calls never run", async () => {
    const { result, events, adapter, h } = await run([
      {
        fail: new ProviderError("network", "socket reset"),
        afterText: "Making a",
        afterCalls: [["make", { name: "a", size: 2 }]],
      },
      { fail: new ProviderError("rate_limit", "slow down", { status: 429, retryAfterMs: 1000 }) },
      { calls: [["make", { name: "a", size: 2 }]] },
      { calls: [["finish", { parts: ["a"], summary: "s" }]] },
    ]);
    expect(result.stopReason).toBe("finished");
    expect(h.executed).toEqual(["make:a", "finish"]);
    expect(result).toMatchObject({ turns: 2, retries: 2 });
    // The retried requests are the same request.
    expect(adapter.requests[1]).toEqual(adapter.requests[0]);
    expect(adapter.requests[2]).toEqual(adapter.requests[0]);
    const retries = events.filter((e) => e.type === "retry");
    expect(retries).toMatchObject([
      { turn: 1, attempt: 1, kind: "network" },
      { turn: 1, attempt: 2, kind: "rate_limit", status: 429, retryAfterMs: 1000 },
    ]);
    // The failed attempt's text is void: turn-end carries only the successful attempt's text.
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ turn: 1, text: "" });
  });

  it("malformed, unknown and wrongly typed calls become tool errors with hints; the loop goes on", async () => {
    const bad: ToolCall = {
      id: "x",
      name: "make",
      arguments: undefined,
      rawArguments: '{"name": ',
      parseError: "Unexpected end of JSON input",
    };
    const { result, adapter, h } = await run([
      { calls: [bad, ["gear", { teeth: 3 }], ["make", { name: "a", size: "big" }]] },
      { calls: [["finish", { parts: ["a"], summary: "s" }]] },
    ]);
    expect(result).toMatchObject({ stopReason: "finished", toolErrors: 3, toolCalls: 4 });
    expect(h.executed).toEqual(["finish"]);
    const tool = adapter.requests[1]?.messages[2];
    if (tool?.role !== "tool") throw new Error("no tool message");
    expect(tool.results.map((r) => r.isError)).toEqual([true, true, true]);
    const texts = tool.results.map((r) => (r.content[0]?.type === "text" ? r.content[0].text : ""));
    expect(texts[0]).toContain("not valid JSON");
    expect(texts[1]).toContain("available tools: make, look, finish");
    expect(texts[2]).toContain(`'size' for make must be a number > 0, got \\"big\\"`);
  });

  it("a family's tools join the requests after more_tools asks for it, and only then", async () => {
    const h = harness();
    const gear = defineTool({
      name: "gear",
      description: "a test-only family tool",
      family: "gears",
      input: z.strictObject({ teeth: z.number() }),
      mutates: true,
      async execute(input) {
        h.executed.push(`gear:${input.teeth}`);
        return { result: { name: "g" } };
      },
    });
    const registry = new ToolRegistry(
      [...(h.registry.names().map((n) => h.registry.get(n)) as never[]), gear],
      {},
      {
        gears: "spur gears",
      },
    );
    const { adapter } = await run(
      [
        { calls: [["more_tools", { family: "gears" }]] },
        { calls: [["gear", { teeth: 12 }]] },
        { calls: [["finish", { parts: ["g"], summary: "s" }]] },
      ],
      {},
      { ...h, registry },
    );
    const offered = adapter.requests.map((r) => r.tools.map((t) => t.name));
    expect(offered[0]).toEqual(["make", "look", "finish", "more_tools"]);
    expect(offered[0]?.length).toBe(4);
    expect(adapter.requests[0]?.tools.find((t) => t.name === "more_tools")?.description).toContain("gears: spur gears");
    expect(offered[1]).toEqual(["make", "look", "finish", "gear", "more_tools"]);
    expect(offered[2]).toEqual(offered[1]);
    expect(h.executed).toEqual(["gear:12", "finish"]);
  });

  it("the last allowed turn carries the finish-now notice; then the run stops at max turns", async () => {
    const { result, events, adapter } = await run(
      [
        { calls: [["make", { name: "a", size: 1 }]] },
        { calls: [["make", { name: "b", size: 1 }]] },
        { calls: [["look", {}]] },
      ],
      { maxTurns: 2 },
    );
    expect(result).toMatchObject({ stopReason: "max-turns", turns: 2 });
    expect(adapter.requests).toHaveLength(2);
    expect(JSON.stringify(adapter.requests[0]?.messages)).not.toContain("FINISH NOW");
    expect(adapter.requests[1]?.messages.at(-1)).toEqual({
      role: "user",
      content: [{ type: "text", text: "FINISH NOW" }],
    });
    expect(events.filter((e) => e.type === "turn-start").map((e) => e.type === "turn-start" && e.final)).toEqual([
      false,
      true,
    ]);
  });

  it("a model that stops talking is reminded once, then counted as giving up", async () => {
    const { result, adapter } = await run([{ text: "Which material?" }, { text: "I cannot." }]);
    expect(result).toMatchObject({ stopReason: "gave-up", turns: 2, lastText: "I cannot." });
    expect(adapter.requests[1]?.messages.at(-1)).toEqual({
      role: "user",
      content: [{ type: "text", text: "CONTINUE" }],
    });
  });

  it("three identical calls in a row stop the loop before the third runs", async () => {
    const same = { calls: [["make", { name: "a", size: 1 }]] as Array<[string, unknown]> };
    const { result, h } = await run([same, same, same, same]);
    expect(result.stopReason).toBe("repeated-calls");
    expect(h.executed).toEqual(["make:a", "make:a"]);
  });

  it("stops before a request the budget cannot pay for", async () => {
    const price = { id: "m", input: 10, output: 10, vision: true };
    const { result, adapter } = await run(
      [{ calls: [["look", {}]], usage: { inputTokens: 50_000 } }, { calls: [["look", {}]] }],
      { meter: new CostMeter(price, 0.6) },
    );
    // Turn 1 costs $0.5001; turn 2 would cost about as much again.
    expect(result.stopReason).toBe("budget");
    expect(adapter.requests).toHaveLength(1);
  });

  it("an abort ends the loop with what the caller says it means; a fatal CAD error ends it as cad-unavailable", async () => {
    const ctrl = new AbortController();
    const h = harness();
    const { result } = await run(
      [{ calls: [["make", { name: "a", size: 1 }]] }, { calls: [["make", { name: "b", size: 1 }]] }],
      {
        signal: ctrl.signal,
        abortedAs: (): StopReason => "deadline",
        onOutcome: async () => ctrl.abort(),
      },
      h,
    );
    expect(result).toMatchObject({ stopReason: "deadline", turns: 1 });
    const fatal = await run([{ calls: [["make", { name: "boom", size: 1 }]] }], {}, harness({ fatalOn: "boom" }));
    expect(fatal.result.stopReason).toBe("cad-unavailable");
    expect(fatal.result.error).toBeInstanceOf(CadError);
    expect(fatal.events.at(-1)).toMatchObject({ type: "error", kind: "cad" });
  });

  it("a provider error that is not retried ends the loop with the error", async () => {
    const { result, events } = await run([{ fail: new ProviderError("auth", "bad key", { status: 401 }) }]);
    expect(result.stopReason).toBe("provider-error");
    expect(result.error).toBeInstanceOf(ProviderError);
    expect(events.at(-1)).toMatchObject({ type: "error", kind: "provider", message: "bad key" });
  });
});

describe("the review turn at the first finish", () => {
  const hook =
    (calls: string[][]): ReviewHook =>
    async (parts, turn) => {
      calls.push([...parts]);
      return {
        content: [
          { type: "text", text: `REVIEW OF ${parts.join(",")}` },
          { type: "image", mediaType: "image/png", data: "AAAA" },
        ],
        summary: { ...NO_REVIEW, outcome: "accepted", turn, ok: true, image: true },
      };
    };
  const finish = (parts: string[]): FakeTurn => ({ calls: [["finish", { parts, summary: "s" }]] });

  it("adds the review to the finish result; a second finish ends the run as confirmed", async () => {
    const seen: string[][] = [];
    const { result, adapter, events } = await run(
      [{ calls: [["make", { name: "a", size: 2 }]] }, finish(["a"]), finish(["a"])],
      { review: hook(seen) },
    );
    expect(seen).toEqual([["a"]]);
    expect(result).toMatchObject({
      stopReason: "finished",
      turns: 3,
      finish: { parts: ["a"] },
      review: { outcome: "confirmed", turn: 2, changes: 0 },
    });
    const tool = adapter.requests[2]?.messages.at(-1);
    expect(tool?.role).toBe("tool");
    const content = tool?.role === "tool" ? tool.results[0]?.content : [];
    expect(content?.map((c) => c.type)).toEqual(["text", "text", "image"]);
    expect(types(events).filter((t) => t === "review")).toHaveLength(1);
  });

  it("text-only models get a note instead of the image", async () => {
    const { adapter } = await run([{ calls: [["make", { name: "a", size: 2 }]] }, finish(["a"]), finish(["a"])], {
      review: hook([]),
      vision: false,
    });
    const tool = adapter.requests[2]?.messages.at(-1);
    const content = tool?.role === "tool" ? (tool.results[0]?.content ?? []) : [];
    expect(content.some((c) => c.type === "image")).toBe(false);
    expect(content.map((c) => (c.type === "text" ? c.text : "")).join(" ")).toContain("1 image omitted");
  });

  it("changes during the review make it revised, and the second finish is the deliverable", async () => {
    const { result, h } = await run(
      [
        { calls: [["make", { name: "a", size: 2 }]] },
        finish(["a"]),
        { calls: [["make", { name: "b", size: 3 }]] },
        finish(["b"]),
      ],
      { review: hook([]) },
    );
    expect(h.executed).toEqual(["make:a", "finish", "make:b", "finish"]);
    expect(result).toMatchObject({
      stopReason: "finished",
      finish: { parts: ["b"] },
      review: { outcome: "revised", changes: 1 },
    });
  });

  it("a provider failure on the review turn keeps the reviewed finish (nothing delivered is lost)", async () => {
    const fail = new ProviderError("auth", "key revoked", { status: 401 });
    const { result } = await run([{ calls: [["make", { name: "a", size: 2 }]] }, finish(["a"]), { fail }], {
      review: hook([]),
    });
    expect(result).toMatchObject({
      stopReason: "finished",
      error: null,
      finish: { parts: ["a"] },
      review: { outcome: "accepted" },
    });
    expect(result.review.error).toContain("provider-error");
  });

  it("the turn limit during the review keeps the reviewed finish", async () => {
    const { result } = await run(
      [{ calls: [["make", { name: "a", size: 2 }]] }, finish(["a"]), { calls: [["look", {}]] }],
      { review: hook([]), maxTurns: 3 },
    );
    expect(result).toMatchObject({ stopReason: "finished", finish: { parts: ["a"] }, review: { outcome: "accepted" } });
    expect(result.review.error).toContain("max-turns");
  });

  it("a review that cannot be made (render fails) delivers the finish as is, outcome failed", async () => {
    const broken: ReviewHook = async () => {
      throw new Error("render exploded");
    };
    const { result, adapter } = await run([{ calls: [["make", { name: "a", size: 2 }]] }, finish(["a"])], {
      review: broken,
    });
    expect(adapter.requests).toHaveLength(2);
    expect(result).toMatchObject({
      stopReason: "finished",
      finish: { parts: ["a"] },
      review: { outcome: "failed", turn: 2, error: "render exploded" },
    });
  });

  it("an interrupt during the review is an interrupt, not a delivery", async () => {
    const ac = new AbortController();
    const interrupting: ReviewHook = async (parts, turn) => {
      ac.abort();
      return { content: [], summary: { ...NO_REVIEW, outcome: "accepted", turn } };
    };
    const { result } = await run([{ calls: [["make", { name: "a", size: 2 }]] }, finish(["a"]), finish(["a"])], {
      review: interrupting,
      signal: ac.signal,
    });
    expect(result.stopReason).toBe("interrupted");
    expect(result.finish).toBeNull();
  });
});

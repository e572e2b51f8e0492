import { afterEach, describe, expect, it, vi } from "vitest";
import { stopOutcome } from "../../../src/agent/stop-outcome.js";
import { createAdapter } from "../../../src/llm/create-adapter.js";
import { findProvider } from "../../../src/llm/providers.js";
import type { ProtocolId } from "../../../src/llm/types.js";
import { runLoop } from "../../helpers/loop-harness.js";
import {
  malformedStream,
  reply,
  startWireServer,
  textReply,
  toolReply,
  type Script,
  type WireServer,
} from "../../helpers/wire/index.js";

/**
 * Every stop reason and failure path of today's APIs, through the real adapter and the agent
 * loop: what the loop sends next, what runs, and how the run ends. A truncated or malformed
 * call never runs.
 */

const KEY = "sk-test-STOP-0123456789";
let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
});

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

async function loopOn(
  protocol: ProtocolId,
  script: Script,
  model = "test-model",
  opts: { variant?: "openrouter" } = {},
) {
  server = await startWireServer(protocol, { script, apiKey: KEY, ...opts });
  const adapter = await createAdapter({ protocol, baseUrl: server.baseUrl, apiKey: KEY });
  return { server, run: await runLoop(adapter, { model }) };
}

const finishCall = (): [string, unknown] => ["finish", { parts: ["cube"], summary: "a cube" }];

describe("anthropic stop reasons", () => {
  it("pause_turn: the paused answer goes back as it is (thinking first) and the turn continues", async () => {
    const { server, run } = await loopOn("anthropic", [
      reply({ text: "Still working", stop: "pause_turn" }),
      toolReply([["make", { name: "cube", size: 2 }]]),
      toolReply([finishCall()]),
    ]);
    expect(run.result.stopReason).toBe("finished");
    expect(run.executed).toEqual(["make:cube", "finish"]);
    const second = obj(server.requests[1]?.body);
    const last = obj(arr(second.messages).at(-1));
    expect(last.role).toBe("assistant");
    expect(arr(last.content).map((b) => obj(b).type)).toEqual(["thinking", "text"]);
    // No reminder was needed: a pause is not a text-only answer.
    expect(run.events.some((e) => e.type === "notice")).toBe(false);
  });

  it("refusal: the run fails clearly with the provider's explanation, nothing runs", async () => {
    const { run } = await loopOn("anthropic", [
      reply({
        text: "",
        stop: "refusal",
        stopDetails: { category: "general_harms", explanation: "The request asks for a weapon part." },
      }),
    ]);
    expect(run.result.stopReason).toBe("refused");
    expect(run.executed).toEqual([]);
    const outcome = stopOutcome({
      reason: "refused",
      error: run.result.error,
      provider: findProvider("anthropic")!,
      maxTurns: 10,
      budgetUsd: undefined,
      timeoutMs: undefined,
    });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error).toContain("refused");
    expect(outcome.error).toContain("general_harms: The request asks for a weapon part.");
  });

  it("model_context_window_exceeded: stops with context-full", async () => {
    const { run } = await loopOn("anthropic", [
      toolReply([["make", { name: "a", size: 1 }]]),
      reply({ text: "The", stop: "model_context_window_exceeded", usage: { output: 400 } }),
    ]);
    expect(run.result.stopReason).toBe("context-full");
    expect(run.executed).toEqual(["make:a"]);
  });

  it("max_tokens inside a tool_use: the cut call never runs; the turn is asked again once with twice the room", async () => {
    const { server, run } = await loopOn("anthropic", [
      toolReply([["make", { name: "cube", size: 2 }]], { finish: "length", truncateLastCall: true }),
      toolReply([["make", { name: "cube", size: 2 }]]),
      toolReply([finishCall()]),
    ]);
    expect(run.result.stopReason).toBe("finished");
    expect(run.executed).toEqual(["make:cube", "finish"]);
    expect(obj(server.requests[0]?.body).max_tokens).toBe(1000);
    expect(obj(server.requests[1]?.body).max_tokens).toBe(2000);
    // The truncated answer is not part of the history.
    expect(arr(obj(server.requests[1]?.body).messages)).toHaveLength(1);
    expect(run.events.some((e) => e.type === "warning" && e.message.includes("cut off"))).toBe(true);
  });

  it("max_tokens inside a tool_use twice: stops as truncated, still without running it", async () => {
    const cut = () => toolReply([["make", { name: "cube", size: 2 }]], { finish: "length", truncateLastCall: true });
    const { run } = await loopOn("anthropic", [cut(), cut()]);
    expect(run.result.stopReason).toBe("truncated");
    expect(run.executed).toEqual([]);
  });

  it("a deprecated model: one cadagent notice naming the replacement, never the SDK's console.warn", async () => {
    const warn = vi.spyOn(console, "warn");
    server = await startWireServer("anthropic", {
      script: [toolReply([["make", { name: "a", size: 1 }]]), toolReply([finishCall()])],
      apiKey: KEY,
      models: ["claude-sonnet-4-5"],
    });
    const adapter = await createAdapter({ protocol: "anthropic", baseUrl: server.baseUrl, apiKey: KEY });
    const run = await runLoop(adapter, { model: "claude-sonnet-4-5" });
    expect(run.result.stopReason, String(run.result.error)).toBe("finished");
    const warnings = run.events.filter((e) => e.type === "warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ message: expect.stringContaining("use claude-sonnet-5-5 instead") as unknown });
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("openai-responses stop reasons", () => {
  it("incomplete (max_output_tokens) inside a function call: never run, asked again with more room", async () => {
    const { server, run } = await loopOn("openai-responses", [
      toolReply([["make", { name: "cube", size: 2 }]], { finish: "length", truncateLastCall: true }),
      toolReply([["make", { name: "cube", size: 2 }]]),
      toolReply([finishCall()]),
    ]);
    expect(run.result.stopReason).toBe("finished");
    expect(run.executed).toEqual(["make:cube", "finish"]);
    expect(obj(server.requests[1]?.body).max_output_tokens).toBe(2000);
  });

  it("response.failed: the turn is retried, and the retried answer runs once", async () => {
    const { server, run } = await loopOn("openai-responses", [
      toolReply([["make", { name: "x", size: 1 }]], { stop: "failed:server_error" }),
      toolReply([["make", { name: "cube", size: 2 }]]),
      toolReply([finishCall()]),
    ]);
    expect(run.result).toMatchObject({ stopReason: "finished", retries: 1 });
    expect(run.executed).toEqual(["make:cube", "finish"]);
    expect(server.requests).toHaveLength(3);
  });
});

describe("gemini stop reasons", () => {
  it("MALFORMED_FUNCTION_CALL: the turn is asked again", async () => {
    const { run } = await loopOn("gemini", [
      toolReply([["make", { name: "x", size: 1 }]], { stop: "MALFORMED_FUNCTION_CALL" }),
      toolReply([["make", { name: "cube", size: 2 }]]),
      toolReply([finishCall()]),
    ]);
    expect(run.result).toMatchObject({ stopReason: "finished", retries: 1 });
    expect(run.executed).toEqual(["make:cube", "finish"]);
    const retry = run.events.find((e) => e.type === "retry");
    expect(retry).toMatchObject({ kind: "malformed" });
  });
});

describe("openai-compatible streams", () => {
  it("a malformed stream is a retried turn, never a half-executed tool call", async () => {
    const { run } = await loopOn("openai-chat", [
      malformedStream(),
      toolReply([["make", { name: "cube", size: 2 }]]),
      toolReply([finishCall()]),
    ]);
    expect(run.result).toMatchObject({ stopReason: "finished", retries: 1 });
    expect(run.executed).toEqual(["make:cube", "finish"]);
  });

  it("every call at index 0 (gateway style): a new id starts a new call", async () => {
    const { run } = await loopOn("openai-chat", [
      toolReply(
        [
          ["make", { name: "a", size: 1 }],
          ["make", { name: "b", size: 2 }],
        ],
        { sameIndex: true },
      ),
      toolReply([finishCall()]),
    ]);
    expect(run.executed).toEqual(["make:a", "make:b", "finish"]);
  });

  it("Ollama's small default context: a first reply cut off at once ends with what to do", async () => {
    const { run } = await loopOn("openai-chat", [textReply("I", { finish: "length", usage: { output: 1 } })]);
    expect(run.result.stopReason).toBe("context-full");
    const outcome = stopOutcome({
      reason: "context-full",
      error: run.result.error,
      provider: findProvider("ollama")!,
      maxTurns: 10,
      budgetUsd: undefined,
      timeoutMs: undefined,
    });
    expect(outcome.error).toContain("OLLAMA_CONTEXT_LENGTH=32768");
  });
});

describe("the nudge", () => {
  it("one text-only turn is allowed again after every successful tool turn", async () => {
    const { run } = await loopOn("anthropic", [
      textReply("Let me think."),
      toolReply([["make", { name: "a", size: 1 }]]),
      textReply("Now the next part."),
      toolReply([["make", { name: "b", size: 1 }]]),
      textReply("Almost there."),
      toolReply([finishCall()]),
    ]);
    expect(run.result.stopReason).toBe("finished");
    expect(run.events.filter((e) => e.type === "notice" && e.kind === "continue")).toHaveLength(3);
  });

  it("two text-only turns in a row still give up", async () => {
    const { run } = await loopOn("anthropic", [textReply("Hmm."), textReply("Still thinking.")]);
    expect(run.result.stopReason).toBe("gave-up");
  });
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../../src/agent/events.js";
import { loadPrompts } from "../../../src/agent/prompts.js";
import { RecordWriter } from "../../../src/record/record-writer.js";
import { Redactor } from "../../../src/util/redact.js";
import { providerErrorMessage, stopOutcome } from "../../../src/agent/stop-outcome.js";
import { Transcript } from "../../../src/agent/transcript.js";
import { formatReport, humanRenderer } from "../../../src/cli/render.js";
import { resolveBaseUrl, slugify, timestamp } from "../../../src/cli/resolve-run.js";
import { findProvider, type Provider } from "../../../src/llm/providers.js";
import { ProviderError } from "../../../src/llm/types.js";
import type { ToolOutcome } from "../../../src/tools/registry.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-run-parts-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const anthropic = findProvider("anthropic") as Provider;

const ok = (
  name: string,
  input: Record<string, unknown>,
  mutates = true,
  result: Record<string, unknown> = {},
): ToolOutcome => ({ name, ok: true, mutates, input, result, content: [], ms: 1 });

describe("RecordWriter", () => {
  it("keeps successful mutating calls as steps, parameters as evaluated numbers, and the finish", async () => {
    const dir = path.join(tmp, "record");
    const log = new RecordWriter(dir, "a plate", { cadagent: "0.1.0", provider: "anthropic", model: "m", freecad: "" });
    log.note(
      ok("set_parameter", { name: "w", value: "10*4", description: "width" }, true, {
        name: "w",
        value: 40,
        unit: "mm",
      }),
    );
    log.note(ok("create_box", { name: "plate", length: "w", width: 30, height: 5 }));
    log.note(ok("measure", {}, false));
    log.note({
      ...ok("fillet", { object: "plate", radius: 99, edges: "|Z" }),
      ok: false,
      error: { message: "too big", code: "op_error" },
    });
    log.note(ok("finish", { parts: ["plate"], summary: "done" }, false));
    log.setFreecadVersion("0.20.2");
    await log.save();
    const saved = JSON.parse(readFileSync(path.join(dir, "design.cad.json"), "utf8")) as Record<string, unknown>;
    expect(saved).toMatchObject({
      format: "cadagent.design/1",
      brief: "a plate",
      createdWith: { freecad: "0.20.2", provider: "anthropic" },
      parameters: { w: { value: 40, unit: "mm", description: "width" } },
      steps: [
        { tool: "set_parameter", input: { name: "w", value: "10*4" } },
        { tool: "create_box", input: { name: "plate", length: "w" } },
      ],
      final: { parts: ["plate"], summary: "done" },
    });
    // A mutation after finish invalidates it: the named parts may be gone.
    log.note(ok("delete_object", { name: "plate" }));
    expect(log.snapshot().final).toBeNull();
  });

  it("redacts key-shaped strings before they reach the file", async () => {
    const dir = path.join(tmp, "record-redact");
    const log = new RecordWriter(
      dir,
      "brief sk-test-0123456789abcdefghij",
      { cadagent: "0", provider: "p", model: "m", freecad: "" },
      new Redactor(),
    );
    await log.save();
    expect(readFileSync(path.join(dir, "design.cad.json"), "utf8")).toContain('"brief [redacted]"');
  });
});

describe("Transcript", () => {
  it("appends one redacted line per event and folds text deltas into turn-end", () => {
    const dir = path.join(tmp, "transcript");
    const t = new Transcript(dir, new Redactor(["SECRET-123456"]), () => new Date(0));
    t.write({ type: "text-delta", turn: 1, text: "Hel" });
    t.write({ type: "turn-end", turn: 1, text: "Hello SECRET-123456", toolCalls: 0, finishReason: "stop", ms: 3 });
    t.write({ type: "warning", message: "x" });
    const lines = readFileSync(t.file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        ts: "1970-01-01T00:00:00.000Z",
        type: "turn-end",
        turn: 1,
        text: "Hello [redacted]",
        toolCalls: 0,
        finishReason: "stop",
        ms: 3,
      },
      { ts: "1970-01-01T00:00:00.000Z", type: "warning", message: "x" },
    ]);
  });
});

describe("stop outcomes", () => {
  const facts = { error: null, provider: anthropic, maxTurns: 30, budgetUsd: 2, timeoutMs: 60_000 };
  it("map to the exit codes of CLI.md", () => {
    expect(stopOutcome({ ...facts, reason: "max-turns" })).toMatchObject({ status: "failed", exitCode: 1 });
    expect(stopOutcome({ ...facts, reason: "budget" }).error).toContain("$2");
    expect(stopOutcome({ ...facts, reason: "deadline" }).error).toContain("60 s");
    expect(stopOutcome({ ...facts, reason: "interrupted" })).toMatchObject({ status: "interrupted", exitCode: 130 });
    expect(stopOutcome({ ...facts, reason: "cad-unavailable", error: new Error("no freecadcmd") })).toMatchObject({
      status: "error",
      exitCode: 4,
    });
    expect(
      stopOutcome({ ...facts, reason: "provider-error", error: new ProviderError("server", "boom", { status: 500 }) }),
    ).toMatchObject({ status: "error", exitCode: 3 });
  });

  it("a rejected key says which variable and command to use", () => {
    const msg = providerErrorMessage(
      new ProviderError("auth", "anthropic: 401 authentication_error: invalid x-api-key", { status: 401 }),
      anthropic,
    );
    expect(msg).toContain("Anthropic rejected the API key (HTTP 401)");
    expect(msg).toContain("ANTHROPIC_API_KEY");
    expect(msg).toContain("`cadagent keys set anthropic`");
  });
});

describe("CLI helpers", () => {
  it("slugify makes short folder names from briefs", () => {
    expect(slugify("A 40 x 30 mm plate, with Ø8 holes!")).toBe("a-40-x-30-mm-plate-with-8-holes");
    expect(slugify("Équerre de fixation renforcée pour étagère murale en acier")).toBe(
      "equerre-de-fixation-renforcee-pour",
    );
    expect(slugify("!!!")).toBe("design");
    expect(slugify("x".repeat(80))).toHaveLength(40);
    expect(timestamp(new Date(2025, 0, 2, 3, 4, 5))).toBe("20250102-030405");
  });

  it("base URL: flag > provider variable > catalog; non-http URLs are refused", () => {
    expect(resolveBaseUrl(anthropic, undefined, {})).toBe("https://api.anthropic.com");
    expect(resolveBaseUrl(anthropic, undefined, { ANTHROPIC_BASE_URL: "http://127.0.0.1:5/" })).toBe(
      "http://127.0.0.1:5",
    );
    expect(resolveBaseUrl(anthropic, "http://h:1/x", { ANTHROPIC_BASE_URL: "http://127.0.0.1:5" })).toBe(
      "http://h:1/x",
    );
    expect(() => resolveBaseUrl(anthropic, "file:///etc", {})).toThrow(/invalid --base-url/);
    expect(() => resolveBaseUrl(anthropic, undefined, { ANTHROPIC_BASE_URL: "nope" })).toThrow(
      /invalid ANTHROPIC_BASE_URL/,
    );
  });

  it("the human renderer ends streamed text before tool lines and shows key figures", () => {
    let out = "";
    const render = humanRenderer((s) => void (out += s));
    const events: AgentEvent[] = [
      { type: "turn-start", turn: 1, maxTurns: 30, final: false },
      { type: "text-delta", turn: 1, text: "Plan: a plate" },
      { type: "turn-end", turn: 1, text: "Plan: a plate", toolCalls: 2, finishReason: "tool_calls", ms: 5 },
      {
        type: "tool-result",
        turn: 1,
        id: "a",
        name: "set_parameter",
        ok: true,
        ms: 1,
        figures: { name: "w", value: 40, unit: "mm" },
      },
      {
        type: "tool-result",
        turn: 1,
        id: "b",
        name: "create_box",
        ok: true,
        ms: 1,
        figures: { name: "plate", volume: 12000, bbox: { min: [0, 0, 0], max: [40, 30, 10] } },
      },
      {
        type: "tool-result",
        turn: 1,
        id: "c",
        name: "fillet",
        ok: false,
        ms: 1,
        figures: {},
        error: { message: "radius too large", hint: "use < 5", code: "op_error" },
      },
      {
        type: "retry",
        turn: 2,
        attempt: 1,
        maxAttempts: 6,
        delayMs: 2100,
        kind: "rate_limit",
        status: 429,
        retryAfterMs: 2000,
        message: "slow down",
      },
    ];
    for (const e of events) render(e);
    expect(out).toBe(
      [
        "── turn 1/30",
        "Plan: a plate",
        "  → set_parameter w = 40 mm",
        "  → create_box plate: volume 12000.00 mm³, 40×30×10 mm",
        "  ✗ fillet: radius too large (hint: use < 5)",
        "  ↻ rate_limit 429: slow down — retry 1/5 in 2.1 s",
        "",
      ].join("\n"),
    );
  });

  it("the closing summary gives totals, cost (or that it is unknown) and where things are", () => {
    const base = {
      brief: "b",
      provider: "p",
      model: "m",
      turns: 3,
      toolCalls: 5,
      toolErrors: 1,
      timing: { totalMs: 1234, llmMs: 0, cadMs: 0 },
      parameters: {},
      summary: null,
      exitCode: 0,
    };
    const success = formatReport(
      {
        ...base,
        status: "success",
        usage: { inputTokens: 10, outputTokens: 2, cacheReadTokens: 0, costUsd: 0.0123 },
        parts: [],
        files: { step: "model.step" },
        error: null,
      },
      "/o",
    );
    expect(success).toContain("3 turns, 5 tool calls (1 errors), 10 in / 2 out tokens, $0.0123, 1.2 s");
    expect(success).toContain("done: model.step in /o");
    const failed = formatReport(
      {
        ...base,
        status: "failed",
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, costUsd: null },
        parts: [],
        files: {},
        error: "max turns",
        exitCode: 1,
      },
      "/o",
    );
    expect(failed).toContain("cost unknown");
    expect(failed).toContain("failed: max turns");
  });

  it("the prompts load from prompts/ and put the brief in the first message", () => {
    const p = loadPrompts();
    expect(p.system).toMatch(/millimetres/);
    expect(p.system).toMatch(/set_parameter/);
    expect(p.system).toMatch(/check_design/);
    expect(p.brief("a $& cube")).toContain("a $& cube");
    expect(p.finishNow).toMatch(/finish/);
  });
});

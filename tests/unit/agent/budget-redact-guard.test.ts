import { describe, expect, it } from "vitest";
import { CostMeter } from "../../../src/agent/budget.js";
import { Redactor } from "../../../src/util/redact.js";
import { RepeatGuard } from "../../../src/agent/repeat-guard.js";
import { canonical } from "../../../src/util/canonical-json.js";
import { toolFigures } from "../../../src/agent/events.js";

const price = { id: "m", input: 3, output: 15, cacheRead: 0.3, vision: true };
const usage = (inputTokens: number, outputTokens: number) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

describe("CostMeter", () => {
  it("sums usage and prices it; unknown prices give null, never a guess", () => {
    const m = new CostMeter(price, undefined);
    m.add(usage(1000, 100));
    m.add({ inputTokens: 500, outputTokens: 50, cacheReadTokens: 10_000, cacheWriteTokens: 0 });
    expect(m.usage).toEqual({ inputTokens: 1500, outputTokens: 150, cacheReadTokens: 10_000, cacheWriteTokens: 0 });
    expect(m.spentUsd).toBeCloseTo(1500 * 3e-6 + 150 * 15e-6 + 10_000 * 0.3e-6, 12);
    const unknown = new CostMeter(undefined, 1);
    unknown.add(usage(1000, 100));
    expect(unknown.spentUsd).toBeNull();
    expect(unknown.enforceable).toBe(false);
    expect(unknown.wouldExceed(unknown.estimateNextUsd(10, 10))).toBe(false);
  });

  it("estimates the next request from the last prompt, what was added, and the largest output", () => {
    const m = new CostMeter(price, 1);
    // Before any turn: from the request size, with a default output allowance.
    expect(m.estimateNextUsd(0, 35_000)).toBeCloseTo(10_000 * 3e-6 + 1500 * 15e-6, 9);
    m.add(usage(100_000, 400));
    // 100k prompt + 400 output now in history + 3.5k chars added ≈ 101.4k tokens in, 400 out.
    expect(m.estimateNextUsd(3_500, 0)).toBeCloseTo(101_400 * 3e-6 + 400 * 15e-6, 9);
  });

  it("stops before the budget would be exceeded and warns one request earlier", () => {
    const m = new CostMeter(price, 0.7);
    m.add(usage(100_000, 0)); // $0.30
    expect(m.nearlyOut(0.3)).toBe(true); // 0.3 + 2·0.3 > 0.7
    expect(m.wouldExceed(0.3)).toBe(false); // 0.6 ≤ 0.7
    m.add(usage(100_000, 0)); // $0.60
    expect(m.wouldExceed(0.3)).toBe(true);
  });
});

describe("Redactor", () => {
  it("removes the run's keys and anything shaped like a vendor key, nothing else", () => {
    const r = new Redactor(["my-custom-key-123456", undefined, "abc"]);
    const text = [
      "key my-custom-key-123456 here",
      "sk-proj-AbCdEf0123456789ghijk",
      "sk-ant-api03-xyzXYZ0123456789abcdef",
      "AIzaSyA1234567890abcdefghijklmnopqrstuv",
      "authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload",
      '{"x-api-key":"0123456789abcdef"}',
      "https://h/v1?key=SECRETVALUE&alt=sse",
      "a desk-lamp-with-a-long-arm-and-base, 40 mm, abc",
    ].join("\n");
    const out = r.redact(text);
    expect(out).toBe(
      [
        "key [redacted] here",
        "[redacted]",
        "[redacted]",
        "[redacted]",
        "authorization: Bearer [redacted]",
        '{"x-api-key":"[redacted]"}',
        "https://h/v1?key=[redacted]&alt=sse",
        "a desk-lamp-with-a-long-arm-and-base, 40 mm, abc",
      ].join("\n"),
    );
  });

  it("redacts values deep inside objects and keeps JSON escapes intact", () => {
    const r = new Redactor(["sk-live-KEY-0000000000000000"]);
    const v = { a: [{ b: 'say "sk-live-KEY-0000000000000000"' }], n: 3, c: 'api_key=abcdefgh12\\" tail' };
    const clean = r.redactValue(v);
    expect(clean).toEqual({ a: [{ b: 'say "[redacted]"' }], n: 3, c: 'api_key=[redacted]\\" tail' });
    const same = { x: 1 };
    expect(r.redactValue(same)).toBe(same);
  });
});

describe("RepeatGuard", () => {
  it("trips on the third identical call in a row, whatever the key order", () => {
    const g = new RepeatGuard();
    expect(g.observe("measure", { object: "a", x: 1 })).toBe(false);
    expect(g.observe("measure", { x: 1, object: "a" })).toBe(false);
    expect(g.observe("measure", { object: "a", x: 1 })).toBe(true);
  });

  it("any different call in between resets the count", () => {
    const g = new RepeatGuard();
    g.observe("measure", {});
    g.observe("measure", {});
    expect(g.observe("list_objects", {})).toBe(false);
    expect(g.observe("measure", {})).toBe(false);
    expect(g.observe("measure", { object: "b" })).toBe(false);
  });

  it("canonical JSON sorts keys at every level and drops undefined", () => {
    expect(canonical({ b: [{ d: 1, c: 2 }], a: undefined, e: "x" })).toBe('{"b":[{"c":2,"d":1}],"e":"x"}');
  });
});

describe("toolFigures", () => {
  it("picks the key numbers of a tool result", () => {
    expect(
      toolFigures({
        name: "p",
        volume: 12,
        bbox: { min: [0, 0, 0], max: [1, 2, 3] },
        valid: true,
        solids: 1,
        warnings: ["cut removed nothing"],
        extra: 1,
      }),
    ).toEqual({
      name: "p",
      volume: 12,
      bbox: { min: [0, 0, 0], max: [1, 2, 3] },
      valid: true,
      solids: 1,
      warnings: ["cut removed nothing"],
    });
    expect(toolFigures({ name: "w", value: 40, unit: "mm" })).toEqual({ name: "w", value: 40, unit: "mm" });
    expect(toolFigures(undefined)).toEqual({});
  });
});

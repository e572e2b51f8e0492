import { describe, expect, it } from "vitest";
import { gatedAdapter } from "../../../src/batch/gated-adapter.js";
import { ProviderGate } from "../../../src/agent/provider-gate.js";
import { DEFAULT_RETRY_POLICY } from "../../../src/agent/retry.js";
import { createAdapter } from "../../../src/llm/create-adapter.js";
import { ProviderError, type ChatRequest, type ProtocolAdapter, type StreamEvent } from "../../../src/llm/types.js";
import { httpError, startOpenAiServer, textReply } from "../../helpers/wire/index.js";

const request: ChatRequest = {
  model: "m",
  system: "s",
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  maxTokens: 10,
};
const finish: StreamEvent = {
  type: "finish",
  reason: "stop",
  message: { role: "assistant", content: [{ type: "text", text: "ok" }], toolCalls: [] },
};

/** An adapter that fails with `errors` in turn, then answers; it records when each request started. */
function fakeAdapter(errors: (ProviderError | undefined)[], starts: number[]): ProtocolAdapter {
  let n = 0;
  return {
    protocol: "openai-chat",
    async *stream() {
      starts.push(performance.now());
      const e = errors[n++];
      if (e) throw e;
      yield finish;
    },
  };
}

async function drain(it: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const signal = new AbortController().signal;

describe("gatedAdapter", () => {
  it("a 429 in one job makes every job of that provider wait out the retry-after, and only that provider", async () => {
    const gate = new ProviderGate();
    const startsA: number[] = [];
    const startsB: number[] = [];
    const startsC: number[] = [];
    const a = gatedAdapter(
      fakeAdapter([new ProviderError("rate_limit", "429", { status: 429, retryAfterMs: 300 })], startsA),
      gate,
      "openai",
      { policy: { ...DEFAULT_RETRY_POLICY, baseMs: 10 } },
    );
    const b = gatedAdapter(fakeAdapter([], startsB), gate, "openai");
    const c = gatedAdapter(fakeAdapter([], startsC), gate, "anthropic");

    const t0 = performance.now();
    await expect(drain(a.stream(request, signal))).rejects.toMatchObject({ kind: "rate_limit" });
    expect(gate.delayFor("openai")).toBeGreaterThan(250);
    await Promise.all([drain(b.stream(request, signal)), drain(c.stream(request, signal))]);
    // B (same provider) was held for the 300 ms; C (another provider) went at once.
    expect((startsB[0] ?? 0) - t0).toBeGreaterThanOrEqual(290);
    expect((startsC[0] ?? 0) - t0).toBeLessThan(100);
    // A's own retry passes the gate too, and then succeeds.
    expect(await drain(a.stream(request, signal))).toEqual([finish]);
  });

  it("529 overloaded backs off too; auth and bad requests do not", async () => {
    const gate = new ProviderGate();
    const policy = { ...DEFAULT_RETRY_POLICY, baseMs: 200, jitter: 0 };
    const starts: number[] = [];
    const auth = gatedAdapter(fakeAdapter([new ProviderError("auth", "401", { status: 401 })], starts), gate, "p", {
      policy,
    });
    await expect(drain(auth.stream(request, signal))).rejects.toMatchObject({ kind: "auth" });
    expect(gate.delayFor("p")).toBe(0);
    const bad = gatedAdapter(
      fakeAdapter([new ProviderError("bad_request", "400", { status: 400 })], starts),
      gate,
      "p",
      { policy },
    );
    await expect(drain(bad.stream(request, signal))).rejects.toMatchObject({ kind: "bad_request" });
    expect(gate.delayFor("p")).toBe(0);
    // No retry-after: the policy's first back-off (200 ms here, scaled as the loop scales it).
    const over = gatedAdapter(
      fakeAdapter([new ProviderError("overloaded", "529", { status: 529 })], starts),
      gate,
      "p",
      { policy },
    );
    await expect(drain(over.stream(request, signal))).rejects.toMatchObject({ kind: "overloaded" });
    expect(gate.delayFor("p")).toBeGreaterThan(150);
    expect(gate.delayFor("p")).toBeLessThanOrEqual(200);
    const scaled = new ProviderGate();
    const tiny = gatedAdapter(
      fakeAdapter([new ProviderError("rate_limit", "429", { retryAfterMs: 5000 })], starts),
      scaled,
      "p",
      { policy: { ...policy, scale: 0.001 } },
    );
    await expect(drain(tiny.stream(request, signal))).rejects.toMatchObject({ kind: "rate_limit" });
    expect(scaled.delayFor("p")).toBeLessThanOrEqual(5);
  });

  it("a job waiting at the gate stops at once when the batch is interrupted", async () => {
    const gate = new ProviderGate();
    gate.backoff("p", 300_000);
    const ac = new AbortController();
    const adapter = gatedAdapter(fakeAdapter([], []), gate, "p");
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 50);
    await expect(drain(adapter.stream(request, ac.signal))).rejects.toMatchObject({ kind: "aborted" });
    // Not the 5-minute back-off (a generous bound).
    expect(performance.now() - t0).toBeLessThan(30_000);
    // Already aborted: no wait at all.
    await expect(drain(adapter.stream(request, ac.signal))).rejects.toMatchObject({ kind: "aborted" });
  });

  it("with the real OpenAI SDK against a local server: a 429 with retry-after-ms holds the other job's next request", async () => {
    const arrivals: { job: string; t: number }[] = [];
    let first429: number | undefined;
    const server = await startOpenAiServer({
      script: (req) => {
        const job = req.rawBody.includes("job-a") ? "a" : "b";
        arrivals.push({ job, t: performance.now() });
        if (job === "a" && first429 === undefined) {
          first429 = performance.now();
          return httpError(429, { retryAfterMs: 400 });
        }
        return textReply("ok");
      },
    });
    try {
      const gate = new ProviderGate();
      const make = async (): Promise<ProtocolAdapter> =>
        gatedAdapter(
          await createAdapter({ protocol: "openai-chat", baseUrl: server.baseUrl, apiKey: "sk-test", stream: true }),
          gate,
          "openai",
          { policy: { ...DEFAULT_RETRY_POLICY, baseMs: 10 } },
        );
      const ask = (text: string): ChatRequest => ({
        ...request,
        messages: [{ role: "user", content: [{ type: "text", text }] }],
      });
      const a = await make();
      const b = await make();
      const err = await drain(a.stream(ask("job-a"), signal)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).retryAfterMs).toBe(400);
      await drain(b.stream(ask("job-b"), signal));
      const bAt = arrivals.find((x) => x.job === "b")?.t ?? 0;
      expect(bAt - (first429 ?? 0)).toBeGreaterThanOrEqual(380);
    } finally {
      await server.close();
    }
  });
});

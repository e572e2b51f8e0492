import { describe, expect, it, vi } from "vitest";
import { createAdapter } from "../../../src/llm/create-adapter.js";
import { IdleTimeout } from "../../../src/llm/idle-timeout.js";

describe("createAdapter", () => {
  it.each(["anthropic", "openai-chat", "gemini"] as const)(
    "builds the %s adapter without touching the network",
    async (protocol) => {
      const adapter = await createAdapter({ protocol, baseUrl: "http://127.0.0.1:9", apiKey: "k" });
      expect(adapter.protocol).toBe(protocol);
      expect(typeof adapter.stream).toBe("function");
    },
  );

  it("accepts an empty key for keyless OpenAI-compatible servers", async () => {
    await expect(
      createAdapter({ protocol: "openai-chat", baseUrl: "http://127.0.0.1:9/v1", apiKey: "" }),
    ).resolves.toMatchObject({ protocol: "openai-chat" });
  });
});

describe("IdleTimeout", () => {
  it("aborts after the idle period and reports a network error", () => {
    vi.useFakeTimers();
    try {
      const idle = new IdleTimeout(new AbortController().signal, 100);
      vi.advanceTimersByTime(99);
      idle.touch();
      vi.advanceTimersByTime(99);
      expect(idle.signal.aborted).toBe(false);
      vi.advanceTimersByTime(2);
      expect(idle.signal.aborted).toBe(true);
      expect(idle.timeoutError("openai-chat", undefined)?.kind).toBe("network");
      idle.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not count time while paused", () => {
    vi.useFakeTimers();
    try {
      const idle = new IdleTimeout(new AbortController().signal, 100);
      idle.pause();
      vi.advanceTimersByTime(1000);
      expect(idle.signal.aborted).toBe(false);
      idle.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it("follows the caller's abort, and then is not a timeout", () => {
    const caller = new AbortController();
    const idle = new IdleTimeout(caller.signal, 1000);
    caller.abort();
    expect(idle.signal.aborted).toBe(true);
    expect(idle.timeoutError("gemini", undefined)).toBeUndefined();
    idle.dispose();
  });

  it("without a timeout never fires", () => {
    vi.useFakeTimers();
    try {
      const idle = new IdleTimeout(new AbortController().signal, undefined);
      vi.advanceTimersByTime(10_000_000);
      expect(idle.signal.aborted).toBe(false);
      idle.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});

import * as AnthropicSdk from "@anthropic-ai/sdk";
import { ApiError as GeminiApiError } from "@google/genai";
import * as OpenAiSdk from "openai";
import { describe, expect, it } from "vitest";
import { ANTHROPIC_SDK_ERRORS } from "../../../src/llm/anthropic.js";
import { parseRetryAfter, redact, toProviderError } from "../../../src/llm/errors.js";
import { OPENAI_SDK_ERRORS } from "../../../src/llm/openai-chat.js";
import { ProviderError } from "../../../src/llm/types.js";

const KEY = "sk-live-ABCDEFGHIJKLMNOP";
const anthropicBody = (type: string, message = "m") => ({ type: "error", error: { type, message } });

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each([
    [{ "retry-after": "3" }, 3000],
    [{ "retry-after": "1.5" }, 1500],
    [{ "retry-after": "0" }, 0],
    [{ "retry-after": "Wed, 01 Jan 2025 00:00:10 GMT" }, 10_000],
    [{ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, 0],
    [{ "retry-after-ms": "250", "retry-after": "9" }, 250],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ])("%j → %s", (headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), now)).toBe(expected);
  });

  it("undefined headers → undefined", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe("redact", () => {
  it("removes the key wherever it appears, and key= query values", () => {
    expect(redact(`bad key ${KEY} (${KEY})`, KEY)).toBe("bad key [redacted] ([redacted])");
    expect(redact("GET /v1beta/models?key=AIzaXYZ&alt=sse", undefined)).toBe(
      "GET /v1beta/models?key=[redacted]&alt=sse",
    );
  });
  it("ignores empty or tiny keys (they would shred the message)", () => {
    expect(redact("abc", "")).toBe("abc");
    expect(redact("abc", "a")).toBe("abc");
  });
});

describe("toProviderError: HTTP statuses", () => {
  it.each([
    [401, "authentication_error", "auth"],
    [403, "permission_error", "auth"],
    [404, "not_found_error", "not_found"],
    [400, "invalid_request_error", "bad_request"],
    [422, "invalid_request_error", "bad_request"],
    [413, "request_too_large", "bad_request"],
    [429, "rate_limit_error", "rate_limit"],
    [500, "api_error", "server"],
    [502, "api_error", "server"],
    [503, "api_error", "server"],
    [529, "overloaded_error", "overloaded"],
    [402, "billing_error", "other"],
  ] as const)("anthropic %i → %s", (status, type, kind) => {
    const err = AnthropicSdk.APIError.generate(status, anthropicBody(type), undefined, new Headers());
    const mapped = toProviderError(err, { protocol: "anthropic" });
    expect(mapped.kind).toBe(kind);
    expect(mapped.status).toBe(status);
  });

  it("openai 429 with headers → rate_limit and retryAfterMs", () => {
    const err = OpenAiSdk.APIError.generate(
      429,
      { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } },
      undefined,
      new Headers({ "retry-after": "20" }),
    );
    expect(toProviderError(err, { protocol: "openai-chat" })).toMatchObject({
      kind: "rate_limit",
      status: 429,
      retryAfterMs: 20_000,
    });
  });

  it("gemini ApiError: status plus RetryInfo from the JSON message", () => {
    const body = {
      error: {
        code: 429,
        message: "Quota exceeded",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1.5s" }],
      },
    };
    const err = new GeminiApiError({ message: JSON.stringify(body), status: 429 });
    const mapped = toProviderError(err, { protocol: "gemini" });
    expect(mapped).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: 1500 });
    expect(mapped.message).toContain("Quota exceeded");
  });

  it("gemini 503 'overloaded' → overloaded", () => {
    const err = new GeminiApiError({
      message: JSON.stringify({ error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } }),
      status: 503,
    });
    expect(toProviderError(err, { protocol: "gemini" }).kind).toBe("overloaded");
  });
});

describe("toProviderError: stream error events (no HTTP status)", () => {
  it("anthropic overloaded_error event → overloaded", () => {
    const err = new AnthropicSdk.APIError(
      undefined,
      anthropicBody("overloaded_error", "Overloaded"),
      undefined,
      new Headers(),
    );
    expect(toProviderError(err, { protocol: "anthropic" }).kind).toBe("overloaded");
  });

  it("openai error chunk → server; OpenRouter numeric code 429 → rate_limit", () => {
    const a = new OpenAiSdk.APIError(undefined, { message: "boom", type: "server_error" }, undefined, undefined);
    expect(toProviderError(a, { protocol: "openai-chat" }).kind).toBe("server");
    const b = new OpenAiSdk.APIError(undefined, { code: 429, message: "Rate limited upstream" }, undefined, undefined);
    expect(toProviderError(b, { protocol: "openai-chat" }).kind).toBe("rate_limit");
  });
});

describe("toProviderError: network, abort, other", () => {
  it("undici 'fetch failed' with ECONNRESET cause → network", () => {
    const err = new TypeError("fetch failed", {
      cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    });
    const mapped = toProviderError(err, { protocol: "openai-chat" });
    expect(mapped.kind).toBe("network");
    expect(mapped.retryable).toBe(true);
  });

  it.each(["terminated", "socket hang up", "other side closed"])("'%s' → network", (message) => {
    expect(toProviderError(new TypeError(message), { protocol: "anthropic" }).kind).toBe("network");
  });

  it("SDK connection errors → network, told by the classes the adapter hands in", () => {
    const anthropic = new AnthropicSdk.APIConnectionError({ message: "Connection error." });
    expect(toProviderError(anthropic, { protocol: "anthropic", sdk: ANTHROPIC_SDK_ERRORS }).kind).toBe("network");
    const timeout = new OpenAiSdk.APIConnectionTimeoutError();
    expect(toProviderError(timeout, { protocol: "openai-chat", sdk: OPENAI_SDK_ERRORS }).kind).toBe("network");
    // Without its SDK's classes the same error is not recognised: the adapters must hand them in.
    expect(toProviderError(anthropic, { protocol: "anthropic" }).kind).toBe("other");
  });

  it("anything while our signal is aborted → aborted; SDK user-abort → aborted", () => {
    const ctrl = new AbortController();
    ctrl.abort();
    expect(toProviderError(new TypeError("terminated"), { protocol: "gemini", signal: ctrl.signal }).kind).toBe(
      "aborted",
    );
    const userAbort = new OpenAiSdk.APIUserAbortError();
    expect(toProviderError(userAbort, { protocol: "openai-chat", sdk: OPENAI_SDK_ERRORS }).kind).toBe("aborted");
  });

  it("an AbortError we did not ask for is an SDK timeout → network", () => {
    const err = new DOMException("This operation was aborted", "AbortError");
    expect(toProviderError(err, { protocol: "gemini", signal: new AbortController().signal }).kind).toBe("network");
  });

  it("passes ProviderError through and wraps non-errors as other", () => {
    const pe = new ProviderError("rate_limit", "x", { retryAfterMs: 5 });
    expect(toProviderError(pe, { protocol: "anthropic" })).toBe(pe);
    expect(toProviderError("weird", { protocol: "anthropic" }).kind).toBe("other");
    expect(toProviderError(new Error("unexpected"), { protocol: "anthropic" }).kind).toBe("other");
  });

  it("never leaks the key, whatever the SDK put in the message", () => {
    const errs: unknown[] = [
      AnthropicSdk.APIError.generate(
        401,
        anthropicBody("authentication_error", `invalid x-api-key ${KEY}`),
        undefined,
        new Headers(),
      ),
      OpenAiSdk.APIError.generate(
        401,
        { error: { message: `Incorrect API key provided: ${KEY}` } },
        undefined,
        new Headers(),
      ),
      new GeminiApiError({
        message: JSON.stringify({ error: { code: 400, message: `API key not valid: ${KEY}` } }),
        status: 400,
      }),
      new TypeError(`fetch failed for https://x/?key=${KEY}`),
      `raw ${KEY}`,
    ];
    for (const err of errs) {
      const mapped = toProviderError(err, { protocol: "gemini", apiKey: KEY });
      expect(mapped.message).not.toContain(KEY);
    }
  });
});

describe("toProviderError: causes", () => {
  it("keeps the SDK error as cause, but swaps in a redacted copy when it mentions the key", () => {
    const clean = OpenAiSdk.APIError.generate(500, { error: { message: "boom" } }, undefined, new Headers());
    expect(toProviderError(clean, { protocol: "openai-chat", apiKey: KEY }).cause).toBe(clean);
    const leaky = OpenAiSdk.APIError.generate(
      401,
      { error: { message: `Incorrect API key provided: ${KEY}` } },
      undefined,
      new Headers(),
    );
    const mapped = toProviderError(leaky, { protocol: "openai-chat", apiKey: KEY });
    expect(mapped.kind).toBe("auth");
    expect(String((mapped.cause as Error).message)).not.toContain(KEY);
    expect(JSON.stringify(mapped, Object.getOwnPropertyNames(mapped))).not.toContain(KEY);
  });

  it("a network error keeps the whole failure (not just the socket error) as cause", () => {
    const err = new TypeError("fetch failed", {
      cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    });
    const mapped = toProviderError(err, { protocol: "openai-chat" });
    expect(mapped.cause).toBe(err);
    expect(mapped.message).toContain("ECONNRESET");
  });
});

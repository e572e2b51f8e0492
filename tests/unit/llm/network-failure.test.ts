import { describe, expect, it } from "vitest";
import {
  classifyNetworkFailure,
  isLoopbackHost,
  isPermanentNetworkFailure,
  unreachableError,
  withoutProtocolId,
} from "../../../src/llm/network-failure.js";
import { isRetryable } from "../../../src/agent/retry.js";
import { stopOutcome } from "../../../src/agent/stop-outcome.js";
import { loadProviders } from "../../../src/llm/providers.js";
import { ProviderError } from "../../../src/llm/types.js";

/** undici's shape: TypeError("fetch failed") whose cause is the socket error. */
const fetchFailed = (cause: Error): Error => new TypeError("fetch failed", { cause });
const sysError = (code: string): Error => Object.assign(new Error(`connect ${code}`), { code });
const sdkError = (inner: Error): ProviderError =>
  new ProviderError("network", "openai-chat: network error: Connection error.", { cause: inner });

const openai = loadProviders().find((p) => p.id === "openai");
if (!openai) throw new Error("no openai provider");

describe("classifyNetworkFailure", () => {
  it("connection refused is permanent on loopback only", () => {
    const e = sdkError(fetchFailed(sysError("ECONNREFUSED")));
    expect(classifyNetworkFailure(e, "http://127.0.0.1:11434/v1")?.code).toBe("ECONNREFUSED");
    expect(classifyNetworkFailure(e, "http://localhost:8080")?.code).toBe("ECONNREFUSED");
    expect(classifyNetworkFailure(e, "http://[::1]:8080")?.code).toBe("ECONNREFUSED");
    // A remote server that refuses may be restarting: retried as before.
    expect(classifyNetworkFailure(e, "https://api.openai.com/v1")).toBeUndefined();
  });

  it("DNS failure and fetch's bad ports are permanent anywhere", () => {
    expect(classifyNetworkFailure(fetchFailed(sysError("ENOTFOUND")), "https://api.opneai.com/v1")?.code).toBe(
      "ENOTFOUND",
    );
    expect(classifyNetworkFailure(fetchFailed(new Error("bad port")), "http://example.com:6000")?.code).toBe(
      "bad port",
    );
  });

  it("transient failures and HTTP errors are not classified", () => {
    expect(classifyNetworkFailure(sdkError(fetchFailed(sysError("ECONNRESET"))), "http://127.0.0.1:1")).toBeUndefined();
    expect(classifyNetworkFailure(new ProviderError("rate_limit", "429", { status: 429 }), "http://127.0.0.1:1")).toBe(
      undefined,
    );
  });

  it("isLoopbackHost", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "api.localhost"].every(isLoopbackHost)).toBe(true);
    expect(["10.0.0.1", "example.com", "localhost.example.com"].some(isLoopbackHost)).toBe(false);
  });
});

describe("unreachableError", () => {
  it("names the URL, the cause and the fix, and is never retried", () => {
    const e = unreachableError(fetchFailed(sysError("ENOTFOUND")), openai, "https://api.opneai.com/v1");
    expect(e?.message).toBe(
      "cannot reach OpenAI at https://api.opneai.com/v1: the host name does not resolve (ENOTFOUND). Check the host name in --base-url or OPENAI_BASE_URL, and the network or DNS.",
    );
    expect(e?.retryable).toBe(true); // a network error…
    expect(isPermanentNetworkFailure(e)).toBe(true);
    expect(isRetryable(e)).toBe(false); // …that the retry policy lets go at once
    expect(unreachableError(fetchFailed(sysError("ECONNRESET")), openai, "http://127.0.0.1:1")).toBeUndefined();
  });

  it("reaches the report as is (no 'kept failing after retries', no protocol id)", () => {
    const e = unreachableError(fetchFailed(sysError("ECONNREFUSED")), openai, "http://127.0.0.1:9/v1");
    const out = stopOutcome({
      reason: "provider-error",
      error: e,
      provider: openai,
      maxTurns: 30,
      budgetUsd: undefined,
      timeoutMs: undefined,
    });
    expect(out).toMatchObject({ status: "error", exitCode: 3 });
    expect(out.error).toMatch(/^cannot reach OpenAI at http:\/\/127\.0\.0\.1:9\/v1: connection refused/);
  });
});

describe("deadline while unreachable", () => {
  const facts = { provider: openai, maxTurns: 30, budgetUsd: undefined, timeoutMs: 60_000 };
  it("is a provider error (exit 3) when the run was retrying a failure to connect", () => {
    const last = new ProviderError("network", "openai-chat: network error: socket hang up", {
      cause: fetchFailed(sysError("ECONNRESET")),
    });
    const aborted = new ProviderError("aborted", "request aborted", { cause: last });
    const out = stopOutcome({ ...facts, reason: "deadline", error: aborted });
    expect(out).toMatchObject({ status: "error", exitCode: 3 });
    expect(out.error).toBe(
      "the run hit its deadline (60 s, --timeout) while OpenAI was unreachable: network error: socket hang up",
    );
  });
  it("stays a failed design (exit 1) otherwise, a server that went silent included", () => {
    expect(stopOutcome({ ...facts, reason: "deadline", error: null })).toMatchObject({ status: "failed", exitCode: 1 });
    const silent = new ProviderError("network", "anthropic: network error: request timed out", {
      cause: Object.assign(new Error("Request timed out."), { name: "TimeoutError" }),
    });
    const aborted = new ProviderError("aborted", "request aborted", { cause: silent });
    expect(stopOutcome({ ...facts, reason: "deadline", error: aborted })).toMatchObject({ exitCode: 1 });
  });
});

it("withoutProtocolId strips only a leading internal id", () => {
  expect(withoutProtocolId("openai-chat: 500 server_error: boom")).toBe("500 server_error: boom");
  expect(withoutProtocolId("gemini: x")).toBe("x");
  expect(withoutProtocolId("OpenAI said openai-chat: x")).toBe("OpenAI said openai-chat: x");
});

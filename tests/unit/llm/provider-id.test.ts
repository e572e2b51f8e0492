import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/util/user-error.js";
import { requireProvider } from "../../../src/llm/provider-id.js";
import { didYouMean, editDistance } from "../../../src/util/did-you-mean.js";

describe("requireProvider", () => {
  it("returns the catalog entry", () => {
    expect(requireProvider("openai").keyEnv).toEqual(["OPENAI_API_KEY"]);
  });

  it("unknown id → exit 2 listing the known ids, with a suggestion when close", () => {
    let err: unknown;
    try {
      requireProvider("opnai");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).message).toBe(
      "unknown provider 'opnai' (did you mean 'openai'?); known: anthropic, gemini, ollama, openai, openrouter",
    );
    expect(() => requireProvider("zzz")).toThrow(
      "unknown provider 'zzz'; known: anthropic, gemini, ollama, openai, openrouter",
    );
  });
});

describe("didYouMean", () => {
  it("suggests near misses only", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(didYouMean("mdoel", ["model", "maxTurns"])).toBe("model");
    expect(didYouMean("MaxTurns", ["model", "maxTurns"])).toBe("maxTurns");
    expect(didYouMean("max_turns", ["model", "maxTurns"])).toBe("maxTurns");
    expect(didYouMean("colour", ["model", "maxTurns"])).toBeUndefined();
  });
});

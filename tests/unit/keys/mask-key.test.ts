import { describe, expect, it } from "vitest";
import { MAX_VISIBLE, maskKey } from "../../../src/keys/mask-key.js";

const visible = (masked: string): number => masked.replace("…", "").length;

describe("maskKey", () => {
  it.each([
    ["sk-proj-abcdefghijklmnopqrstuvwxyz0123c3f9", "sk-…c3f9"],
    ["sk-ant-api03-abcdefghijklmnopqrstuvwxyz-AAAA", "sk-…AAAA"],
    ["sk-or-v1-0123456789abcdef0123456789abcdef", "sk-…cdef"],
    ["gsk_0123456789abcdefghijklmnopqrstuv", "gsk_…stuv"],
    ["AIzaSyD-0123456789abcdefghijklmnopqrs", "…pqrs"],
    ["0123456789abcdef", "…cdef"],
    ["sk-0123456789abcdefghij", "…ghij"],
  ])("%s → %s", (key, masked) => {
    expect(maskKey(key)).toBe(masked);
  });

  it("shows less of short keys, nothing of very short ones", () => {
    expect(maskKey("sk-12345678")).toBe("…78");
    expect(maskKey("abc")).toBe("…");
    expect(maskKey("")).toBe("…");
  });

  it("never shows more than 8 characters of any key, nor more than a quarter of it", () => {
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    for (let n = 0; n < 2000; n++) {
      const len = 1 + (n % 120);
      let key = "";
      for (let i = 0; i < len; i++) key += alphabet[(n * 31 + i * 17 + ((n * i) % 7)) % alphabet.length];
      const m = maskKey(key);
      expect(visible(m)).toBeLessThanOrEqual(MAX_VISIBLE);
      expect(visible(m)).toBeLessThanOrEqual(Math.floor(key.length / 4));
    }
  });
});

import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../../src/util/redact.js";

const KEY = "ZZ-private-credential-0123456789abcdef";
const SHAPED = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123";

function streamed(r: Redactor, pieces: string[]): string {
  const s = r.stream();
  return pieces.map((p) => s.push(p)).join("") + s.flush();
}

describe("StreamRedactor", () => {
  const text = `before ${KEY} middle ${SHAPED} after and some more words to pass the window ${"x".repeat(200)} end`;
  const expected = new Redactor([KEY]).redact(text);

  it("a key split at any point over two pieces never comes out, and the rest is unchanged", () => {
    const r = new Redactor([KEY]);
    for (let i = 1; i < text.length; i++) {
      const out = streamed(r, [text.slice(0, i), text.slice(i)]);
      expect(out).not.toContain(KEY);
      expect(out).not.toContain(SHAPED);
      expect(out).toBe(expected);
    }
  });

  it("one character at a time", () => {
    const out = streamed(new Redactor([KEY]), [...text]);
    expect(out).toBe(expected);
    expect(out.split(REDACTED).length).toBe(3);
  });

  it("text without secrets comes out in full once flushed", () => {
    const s = new Redactor([KEY]).stream();
    const long = "y".repeat(500);
    expect(s.push(long).length).toBeGreaterThan(0);
    expect(s.flush().length).toBeGreaterThan(0);
  });
});

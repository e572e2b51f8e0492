import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_BRIEF_BYTES, readBrief } from "../../../src/cli/brief-input.js";
import { UserError } from "../../../src/util/user-error.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "cadagent-brief-"));
const file = (name: string, body: string | Buffer): string => {
  const p = path.join(dir, name);
  writeFileSync(p, body);
  return p;
};
const fails = (f: () => unknown, message: string): void => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(2);
    expect((e as Error).message).toContain(message);
    return;
  }
  throw new Error("expected a UserError");
};

describe("briefs from arguments, files and stdin", () => {
  it("an argument as is; a file and stdin trimmed, without a BOM", () => {
    expect(readBrief({ text: "a cube", file: undefined, what: "brief" })).toBe("a cube");
    expect(readBrief({ text: undefined, file: file("b.txt", "\uFEFF  a plate\n"), what: "brief" })).toBe("a plate");
    const stdin = () => Buffer.from("thicker\n");
    expect(readBrief({ text: undefined, file: "-", what: "instruction", readStdin: stdin })).toBe("thicker");
  });

  it("refuses an empty stdin, a missing file, both sources, and more than the limit", () => {
    fails(
      () => readBrief({ text: undefined, file: "-", what: "instruction", readStdin: () => Buffer.alloc(0) }),
      "the instruction from stdin is empty",
    );
    fails(() => readBrief({ text: undefined, file: path.join(dir, "nope"), what: "brief" }), "no such file");
    fails(() => readBrief({ text: "x", file: "-", what: "brief" }), "not both");
    const big = file("big.txt", "x".repeat(MAX_BRIEF_BYTES + 1));
    fails(() => readBrief({ text: undefined, file: big, what: "brief" }), "the limit is 64 KiB");
  });
});

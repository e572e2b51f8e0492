import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/util/user-error.js";
import { readSecret, type SecretInput } from "../../../src/cli/read-secret.js";

/** A fake terminal: a stream with isTTY and setRawMode, recording the raw-mode calls. */
function fakeTty(): { input: SecretInput & PassThrough; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (m: boolean) => rawModes.push(m) });
  return { input, rawModes };
}

function sink(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = "";
  out.on("data", (d: Buffer) => (text += d.toString()));
  return { out, text: () => text };
}

describe("readSecret", () => {
  it("piped: everything until EOF, untrimmed (the caller trims)", async () => {
    const input = new PassThrough();
    const p = readSecret("prompt: ", input, sink().out);
    input.end("  sk-piped\n");
    expect(await p).toBe("  sk-piped\n");
  });

  it("terminal: raw mode on then off, prompt only — the key is never echoed", async () => {
    const { input, rawModes } = fakeTty();
    const s = sink();
    const p = readSecret("key (input hidden): ", input, s.out);
    input.write("sk-abc");
    input.write("def\r");
    expect(await p).toBe("sk-abcdef");
    expect(rawModes).toEqual([true, false]);
    expect(s.text()).toBe("key (input hidden): \n");
  });

  it("terminal: backspace, Ctrl-U and arrow-key escape sequences edit, not insert", async () => {
    const { input } = fakeTty();
    const p = readSecret("", input, sink().out);
    input.write("wrong\u0015sk-ab\u007fbc\u001b[D\u001b[Cd\n");
    expect(await p).toBe("sk-abcd");
  });

  it("terminal: Ctrl-C cancels with exit 130 and restores the terminal", async () => {
    const { input, rawModes } = fakeTty();
    const p = readSecret("", input, sink().out);
    input.write("sk-\u0003");
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(130);
    expect(rawModes).toEqual([true, false]);
  });
});

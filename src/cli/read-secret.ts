import { UserError, ExitCode } from "../util/user-error.js";

/** The parts of a TTY stream the hidden prompt needs (process.stdin in practice). */
export interface SecretInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

/** Longest input accepted: API keys are ~200 chars; megabytes on stdin mean the wrong file was piped. */
const MAX_LENGTH = 16_384;

/**
 * Read a secret from stdin. On a terminal: prompt on `output`, raw mode so nothing is echoed,
 * Enter ends, Backspace / Ctrl-U edit, Ctrl-C cancels (exit 130). Piped: everything until EOF
 * (`printf %s "$KEY" | cadagent keys set openai`). The caller trims and validates.
 */
export function readSecret(
  prompt: string,
  input: SecretInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  return input.isTTY && input.setRawMode ? readHidden(prompt, input, output) : readAll(input);
}

function tooLong(): UserError {
  return new UserError(`input longer than ${MAX_LENGTH} characters is not an API key`, ExitCode.usage);
}

function readAll(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    input.setEncoding("utf8");
    const onData = (d: string | Buffer): void => {
      text += d.toString();
      if (text.length > MAX_LENGTH) {
        cleanup();
        reject(tooLong());
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve(text);
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const cleanup = (): void => {
      input.removeListener("data", onData);
      input.removeListener("end", onEnd);
      input.removeListener("error", onError);
      input.pause();
    };
    input.on("data", onData);
    input.once("end", onEnd);
    input.once("error", onError);
    input.resume();
  });
}

function readHidden(prompt: string, input: SecretInput, output: NodeJS.WritableStream): Promise<string> {
  // Raw mode before the prompt: a key pasted the moment the prompt shows must not be echoed.
  input.setRawMode?.(true);
  output.write(prompt);
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    const chars: string[] = [];
    // Escape sequences (arrow keys…) arrive as ESC [ params final-byte; they are not key material.
    let escape: "none" | "esc" | "csi" = "none";
    const finish = (err?: UserError): void => {
      input.removeListener("data", onData);
      input.setRawMode?.(false);
      input.pause();
      output.write("\n");
      if (err) reject(err);
      else resolve(chars.join(""));
    };
    const onData = (d: string | Buffer): void => {
      for (const ch of d.toString()) {
        if (escape === "esc") {
          escape = ch === "[" ? "csi" : "none";
          continue;
        }
        if (escape === "csi") {
          if (ch >= "@" && ch <= "~") escape = "none";
          continue;
        }
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish();
        if (ch === "\u0003") return finish(new UserError("cancelled", ExitCode.interrupted));
        if (ch === "\u007f" || ch === "\b") chars.pop();
        else if (ch === "\u0015") chars.length = 0;
        else if (ch === "\u001b") escape = "esc";
        else if (ch >= " ") chars.push(ch);
        if (chars.length > MAX_LENGTH) return finish(tooLong());
      }
    };
    input.on("data", onData);
    input.resume();
  });
}

/**
 * Colour for status glyphs on a terminal: green ✓, red ✗, yellow warnings. Plain text when the
 * stream is not a TTY (pipes, files, CI logs) or NO_COLOR is set (https://no-color.org), so
 * captured output never carries escape codes.
 */
export interface Style {
  ok(text: string): string;
  fail(text: string): string;
  warn(text: string): string;
}

export const PLAIN: Style = { ok: (t) => t, fail: (t) => t, warn: (t) => t };

const paint =
  (code: number) =>
  (t: string): string =>
    `\x1b[${code}m${t}\x1b[0m`;

export const COLOR: Style = { ok: paint(32), fail: paint(31), warn: paint(33) };

/** The style for one output stream. */
export function styleFor(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return PLAIN;
  if (env.TERM === "dumb") return PLAIN;
  return stream.isTTY === true || (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") ? COLOR : PLAIN;
}

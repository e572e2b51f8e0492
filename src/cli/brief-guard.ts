import { UserError, ExitCode } from "../util/user-error.js";
import { commandWordFor } from "./command-words.js";

/**
 * Cheap mistakes that would otherwise start a paid, 30-turn design: a mistyped command taken for
 * a brief, or a brief the shell split into words. Both are refused before anything is sent.
 */

/** `cadagent doctr` or `cadagent help` → exit 2, "did you mean `cadagent doctor`?". */
export function refuseCommandWord(brief: string): void {
  const command = commandWordFor(brief);
  if (command === undefined) return;
  throw new UserError(
    `'${brief.trim()}' is a command word, not a brief: did you mean \`cadagent ${command}\`? (to design a part, describe it in a few words: cadagent "a 20 mm cube with 2 mm fillets")`,
    ExitCode.usage,
  );
}

/** `cadagent a 20 mm cube` arrives as four arguments: say how to quote it. */
export function refuseUnquoted(words: readonly string[]): void {
  if (words.length <= 1) return;
  throw new UserError(
    `the brief arrived as ${words.length} separate arguments: quote it, e.g. cadagent ${JSON.stringify(words.join(" "))}`,
    ExitCode.usage,
  );
}

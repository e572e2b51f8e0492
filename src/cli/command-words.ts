import { editDistance } from "../util/did-you-mean.js";

/**
 * The words that are commands, not briefs. Kept here (not read from the registered commands)
 * because the CLI registers only the command it runs, so that start-up stays fast.
 */
export const COMMAND_WORDS = [
  "design",
  "build",
  "batch",
  "eval",
  "edit",
  "keys",
  "doctor",
  "tools",
  "providers",
  "mcp",
  "help",
  "version",
] as const;

/**
 * The command a one-word brief most likely meant: the word itself or within two edits of a
 * command name (`doctr`, `tool`, `hepl`). Longer briefs are never commands.
 */
export function commandWordFor(brief: string): string | undefined {
  const word = brief.trim().toLowerCase().replace(/^-+/, "");
  if (!word || /\s/.test(word)) return undefined;
  let best: { name: string; d: number } | undefined;
  for (const name of COMMAND_WORDS) {
    const d = editDistance(word, name);
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

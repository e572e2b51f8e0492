import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../util/package-root.js";

/**
 * The texts the model reads live in prompts/*.md (reviewable and tunable without touching
 * code); this loads them once per process.
 */
export interface AgentPrompts {
  /** The system prompt. */
  system: string;
  /** The first user message, with the brief in it. */
  brief: (brief: string) => string;
  /** Sent with the last allowed turn (turns or budget nearly out). */
  finishNow: string;
  /** Sent once when the model stops talking without calling finish. */
  continue: string;
  /** The self-check at the first finish, with {{figures}} and {{image_note}}. */
  review: string;
}

let cached: AgentPrompts | undefined;

function read(dir: string, name: string): string {
  return readFileSync(path.join(dir, name), "utf8").trim();
}

/** Load prompts/ from the package (or `dir`, for tests). */
export function loadPrompts(dir: string = path.join(packageRoot, "prompts")): AgentPrompts {
  const isDefault = dir === path.join(packageRoot, "prompts");
  if (cached && isDefault) return cached;
  const briefTemplate = read(dir, "brief.md");
  const prompts: AgentPrompts = {
    system: read(dir, "system.md"),
    // A function replacer: `$&` and friends in a brief must stay literal.
    brief: (brief) => briefTemplate.replace("{{brief}}", () => brief.trim()),
    finishNow: read(dir, "finish-now.md"),
    continue: read(dir, "continue.md"),
    review: read(dir, "review.md"),
  };
  if (isDefault) cached = prompts;
  return prompts;
}

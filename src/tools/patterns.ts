import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the patterns tool family. */
export const patternsTools: ToolDefinition[] = [];

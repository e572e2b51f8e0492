import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the booleans tool family. */
export const booleansTools: ToolDefinition[] = [];

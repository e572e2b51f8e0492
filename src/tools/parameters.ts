import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the parameters tool family. */
export const parametersTools: ToolDefinition[] = [];

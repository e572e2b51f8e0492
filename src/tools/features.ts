import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the features tool family. */
export const featuresTools: ToolDefinition[] = [];

import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the export tool family. */
export const exportTools: ToolDefinition[] = [];

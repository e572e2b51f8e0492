import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the python tool family. */
export const pythonTools: ToolDefinition[] = [];

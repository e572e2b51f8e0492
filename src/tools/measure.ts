import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the measure tool family. */
export const measureTools: ToolDefinition[] = [];

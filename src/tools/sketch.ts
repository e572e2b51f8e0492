import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the sketch tool family. */
export const sketchTools: ToolDefinition[] = [];

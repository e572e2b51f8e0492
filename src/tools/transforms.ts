import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the transforms tool family. */
export const transformsTools: ToolDefinition[] = [];

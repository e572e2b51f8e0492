import type { ToolDefinition } from "./define.js";

/** Placeholder: filled by the primitives tool family. */
export const primitivesTools: ToolDefinition[] = [];

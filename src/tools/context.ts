import type { CadClient } from "../cad/client.js";

/** What a tool's execute() gets besides its input. */
export interface ToolContext {
  cad: CadClient;
  /** Absolute output folder; exports are confined to it. */
  outDir: string;
  signal?: AbortSignal;
  /** Per-call CAD timeout (ms). */
  timeoutMs?: number;
  /** What `import_shape` may read; nothing when undefined. */
  inputs?: ReadableInputs;
}

/** Files the user named (`--input`) and folders they opened (`mcp --in`); absolute paths. */
export interface ReadableInputs {
  files: readonly string[];
  folders: readonly string[];
}

/** Which optional tools a catalog offers. */
export interface CatalogOptions {
  allowPython?: boolean;
}

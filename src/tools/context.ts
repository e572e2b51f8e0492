import type { CadClient } from "../cad/client.js";

/** What a tool's execute() gets besides its input. */
export interface ToolContext {
  cad: CadClient;
  /** Absolute output folder; exports are confined to it. */
  outDir: string;
  signal?: AbortSignal;
  /** Per-call CAD timeout (ms). */
  timeoutMs?: number;
}

/** Which optional tools a catalog offers. */
export interface CatalogOptions {
  allowPython?: boolean;
}

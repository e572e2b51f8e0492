import type { GeometryHealth } from "../cad/protocol.js";

/** report.json (CLI.md "Output folder"). */
export type RunStatus = "success" | "failed" | "interrupted" | "error";

export interface PartSummary {
  name: string;
  volume: number;
  area: number;
  bbox: GeometryHealth["bbox"];
  valid: boolean;
  solids: number;
  /** Mass in grams, when the design names a material (record `final.material`/`density`, `build --material`). */
  mass_g?: number;
  material?: string;
  /** g/cm³ */
  density?: number;
}

export interface RunReport {
  status: RunStatus;
  brief: string;
  provider: string | null;
  model: string | null;
  turns: number;
  toolCalls: number;
  toolErrors: number;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; costUsd: number | null } | null;
  timing: { totalMs: number; llmMs: number; cadMs: number };
  parts: PartSummary[];
  parameters: Record<string, { value: number; unit: string }>;
  /** format → file name relative to the output folder. */
  files: Record<string, string>;
  summary: string | null;
  error: string | null;
  /** Process exit code this report maps to (CLI.md "Exit codes"). */
  exitCode: number;
  [extra: string]: unknown;
}

export function partSummary(h: GeometryHealth): PartSummary {
  return { name: h.name, volume: h.volume, area: h.area, bbox: h.bbox, valid: h.valid, solids: h.solids };
}

import type { CadClient } from "../cad/client.js";
import { partsHealth as cadPartsHealth } from "../cad/ops.js";
import type { GeometryHealth } from "../cad/protocol.js";
import type { Material } from "../record/design-record.js";
import type { ToolContext } from "../tools/context.js";
import type { ToolRegistry } from "../tools/registry.js";
import type { RequirementResult } from "../tools/requirements.js";
import { deliver, withDelivery, withMasses, type Outcome } from "./deliver.js";
import type { AgentEvent } from "./events.js";
import { runOutcome, type ExportFormat } from "./outputs.js";
import type { PreviewHook } from "./preview.js";
import { partSummary, type PartSummary, type RunReport } from "./report.js";
import { isCadFatal } from "./stop-outcome.js";

/** What a design run delivers after the model's finish: report.json's outcome, parts and files. */
export interface Delivered {
  outcome: Outcome;
  parts: PartSummary[];
  parameters: RunReport["parameters"];
  files: Record<string, string>;
  requirements: RequirementResult[];
}

export interface DeliverPartsOptions {
  cad: CadClient;
  registry: ToolRegistry;
  ctx: ToolContext;
  signal: AbortSignal;
  formats: readonly ExportFormat[];
  preview: PreviewHook | null;
  emit: (e: AgentEvent) => void;
  /** A failed declared requirement fails the run (`--strict`). */
  strict: boolean;
  /** What the parts are made of (the record's `final`): their masses go into report.json. */
  material?: Material | undefined;
}

/**
 * The finished parts of a design run: measured, and when sound, handed to the one end-of-run
 * step (deliver.ts: exports, preview, requirements).
 */
export async function deliverParts(names: readonly string[], d: DeliverPartsOptions): Promise<Delivered> {
  const health = await partsHealth(d.cad, names, d.signal).catch((e: unknown) => {
    if (isCadFatal(e) || d.signal.aborted) throw e;
    return e instanceof Error ? e : new Error(String(e));
  });
  if (health instanceof Error) {
    const error = `the finished parts could not be measured: ${health.message}`;
    return {
      outcome: { status: "failed", exitCode: 1, error },
      parts: [],
      parameters: {},
      files: {},
      requirements: [],
    };
  }
  const parts = health.parts.map(partSummary);
  // finish refused separate solids unless the model said they are intended.
  const outcome = runOutcome(parts, null, { allowMultipleSolids: true });
  if (outcome.exitCode !== 0) return { outcome, parts, parameters: health.parameters, files: {}, requirements: [] };
  const delivery = await deliver({
    registry: d.registry,
    ctx: d.ctx,
    parts: names,
    formats: d.formats,
    renderPreview: d.preview,
    // A preview failure is a warning here; the file itself is listed in the report.
    emit: (e) => {
      if (e.type !== "preview") d.emit(e);
      else if (e.error) d.emit({ type: "warning", message: `preview failed: ${e.error}` });
    },
    ...(d.strict ? { strict: true } : {}),
    material: d.material,
  });
  return {
    outcome: withDelivery(outcome, delivery),
    parts: withMasses(parts, delivery.masses, d.material),
    parameters: health.parameters,
    files: delivery.files,
    requirements: delivery.requirements,
  };
}

interface PartsHealth {
  parts: GeometryHealth[];
  parameters: RunReport["parameters"];
}

/** Health of the named parts (every visible part when undefined) and the parameter values. */
export async function partsHealth(
  cad: CadClient,
  names: readonly string[] | undefined,
  signal: AbortSignal | undefined,
): Promise<PartsHealth> {
  const reply = await cadPartsHealth(cad, names, { ...(signal ? { signal } : {}), timeoutMs: 15_000 });
  const parameters: RunReport["parameters"] = {};
  for (const [k, v] of Object.entries(reply.parameters ?? {})) parameters[k] = { value: v.value, unit: v.unit };
  return { parts: reply.parts, parameters };
}

import type { CadClient, CallOptions } from "./client.js";
import { CadError, type GeometryHealth } from "./protocol.js";

/**
 * Typed calls for the worker ops that are not tools (the tools call theirs through the
 * registry): one place that spells each op name and its reply shape.
 */

/** A parameter as the worker holds it (Params spreadsheet). */
export interface WorkerParameter {
  value: number;
  unit: string;
  expression?: string;
  description?: string;
}

export interface PartsHealth {
  parts: GeometryHealth[];
  parameters?: Record<string, WorkerParameter>;
}

/** Health of the named parts, or of every visible part when `names` is omitted; also the parameters. */
export function partsHealth(cad: CadClient, names?: readonly string[], opts: CallOptions = {}): Promise<PartsHealth> {
  return cad.call<PartsHealth>("parts_health", names ? { names: [...names] } : {}, opts);
}

/** Each part's mass in grams from the worker's density table (materials.py), by name. */
export async function partMasses(
  cad: CadClient,
  names: readonly string[],
  material: { material: string } | { density: number },
  opts: CallOptions = {},
): Promise<Record<string, number>> {
  return (await cad.call<{ masses: Record<string, number> }>("masses", { names: [...names], ...material }, opts))
    .masses;
}

/**
 * Per-step validity checks on or off (on by default). Off is the replay fast path: steps report
 * `valid: null` and the replay checks the delivered parts once instead (record/replay.ts).
 */
export async function setValidityChecks(cad: CadClient, on: boolean, opts: CallOptions = {}): Promise<void> {
  await cad.call("validity_checks", { on }, opts);
}

/**
 * The worker's mesh helper (worker mesh_helper.py): `start` forks it while steps run; `names`
 * (default: every visible part) hands it those parts to mesh on the other core while the
 * worker checks and exports them, so the STL, 3MF and preview find their mesh made. `step`
 * has it write their STEP too, which an export of exactly those parts then takes; `mesh:
 * false` hands them over for that alone. It only ever saves time: a failure other than
 * FreeCAD going away is ignored, and the worker meshes and exports in-process as it would
 * without it.
 */
export async function prefetchMeshes(
  cad: CadClient,
  what: { start: true } | { names: readonly string[] | undefined; step?: boolean; mesh?: boolean },
  opts: CallOptions = {},
): Promise<void> {
  const args =
    "start" in what
      ? { start: true }
      : {
          ...(what.names ? { names: [...what.names] } : {}),
          ...(what.step ? { step: true } : {}),
          ...(what.mesh === false ? { mesh: false } : {}),
        };
  try {
    await cad.call("prefetch_meshes", args, opts);
  } catch (e) {
    if ((e instanceof CadError && e.fatal) || opts.signal?.aborted) throw e;
  }
}

/** A sub-element's recorded geometry (worker refs.py): type, centre, length or area, radius. */
export type SubElementSignature = Record<string, unknown>;

/**
 * The recorded signatures of the explicit sub-element names the next fillet, chamfer or shell
 * uses, so the worker can re-match names another FreeCAD version numbers differently.
 */
export async function expectRefs(
  cad: CadClient,
  refs: Record<string, SubElementSignature>,
  opts: CallOptions = {},
): Promise<void> {
  await cad.call("expect_refs", { refs }, opts);
}

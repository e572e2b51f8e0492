import type { DesignStep } from "../record/design-record.js";

/**
 * report.json `diff` of an edit run (CLI.md): parameters changed, steps added and removed, and
 * the delivered parts' volume and bbox before and after.
 */

type Bbox = { min: [number, number, number]; max: [number, number, number] };

/** Total volume and the union bbox of a set of parts. */
export interface PartsFigures {
  volume: number;
  bbox: Bbox;
}

export function partsFigures(parts: ReadonlyArray<{ volume: number; bbox: Bbox }>): PartsFigures {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  let volume = 0;
  for (const p of parts) {
    volume += p.volume;
    for (let i = 0; i < 3; i++) {
      min[i] = Math.min(min[i] ?? Infinity, p.bbox.min[i] ?? Infinity);
      max[i] = Math.max(max[i] ?? -Infinity, p.bbox.max[i] ?? -Infinity);
    }
  }
  return { volume, bbox: { min, max } };
}

export interface ParameterChange {
  name: string;
  /** null: the edit added the parameter. */
  before: number | null;
  /** null: no longer set. */
  after: number | null;
}

export interface EditDiff {
  parameters: ParameterChange[];
  stepsAdded: Array<{ step: number } & DesignStep>;
  stepsRemoved: Array<{ step: number } & DesignStep>;
  volume: { before: number | null; after: number | null };
  bbox: { before: Bbox | null; after: Bbox | null };
}

export interface DiffInput {
  parentSteps: readonly DesignStep[];
  steps: readonly DesignStep[];
  parametersBefore: Record<string, { value: number }>;
  parametersAfter: Record<string, { value: number }>;
  before: PartsFigures | null;
  after: PartsFigures | null;
}

/**
 * Steps are compared as a multiset of (tool, input): a step the parent had and the child lacks
 * was removed, one only the child has was added; `step` is the 1-based position in its record.
 */
export function editDiff(d: DiffInput): EditDiff {
  const key = (s: DesignStep): string => JSON.stringify([s.tool, s.input]);
  const unmatched = (from: readonly DesignStep[], against: readonly DesignStep[]) => {
    const pool = new Map<string, number>();
    for (const s of against) pool.set(key(s), (pool.get(key(s)) ?? 0) + 1);
    const out: Array<{ step: number } & DesignStep> = [];
    from.forEach((s, i) => {
      const n = pool.get(key(s)) ?? 0;
      if (n > 0) pool.set(key(s), n - 1);
      else out.push({ step: i + 1, tool: s.tool, input: s.input });
    });
    return out;
  };
  const parameters: ParameterChange[] = [];
  for (const name of new Set([...Object.keys(d.parametersBefore), ...Object.keys(d.parametersAfter)])) {
    const before = d.parametersBefore[name]?.value ?? null;
    const after = d.parametersAfter[name]?.value ?? null;
    if (before !== after) parameters.push({ name, before, after });
  }
  return {
    parameters,
    stepsAdded: unmatched(d.steps, d.parentSteps),
    stepsRemoved: unmatched(d.parentSteps, d.steps),
    volume: { before: d.before?.volume ?? null, after: d.after?.volume ?? null },
    bbox: { before: d.before?.bbox ?? null, after: d.after?.bbox ?? null },
  };
}

import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import type { ToolContext } from "./context.js";

/**
 * Requirements (TOOLS.md "Requirements"): the brief's checkable numbers, declared once by the
 * model and measured on the delivered parts at finish by the worker (ops_requirements.py).
 */

export const MATERIALS = [
  "steel",
  "stainless",
  "aluminium",
  "brass",
  "titanium",
  "pla",
  "petg",
  "abs",
  "nylon",
] as const;

// One flat object rather than a union per kind: every provider's schema dialect takes it, and
// the worker says which fields a kind needs.
// Field meanings are in the description's kind list, not per property: every request pays for them.
const requirement = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(["size", "holes", "volume", "mass", "fits_in", "parts"]),
  axis: z.enum(["x", "y", "z"]).optional(),
  value: z.number().positive().optional(),
  tol: z.number().nonnegative().optional(),
  tol_pct: z.number().nonnegative().optional(),
  diameter: z.number().positive().optional(),
  count: z.number().int().nonnegative().optional(),
  material: z.enum(MATERIALS).optional(),
  density: z.number().positive().optional(),
  size: z.array(z.number()).length(3).optional(),
});

const declareRequirements = cadTool({
  name: "declare_requirements",
  description:
    'The brief\'s checkable numbers, measured at finish. Kinds: {id, kind:"size", axis, value} (bbox mm), {kind:"holes", diameter, count}, {kind:"volume", value} (mm³), {kind:"mass", value (g), material|density}, {kind:"fits_in", size:[x,y,z]}, {kind:"parts", count}; tol (mm, default 0.1) or tol_pct (default 1). E.g. [{id:"t",kind:"size",axis:"z",value:5}, {id:"h",kind:"holes",diameter:6,count:4}].',
  input: z.strictObject({ requirements: z.array(requirement) }),
  mutates: true,
});

export const requirementsTools: ToolDefinition[] = [declareRequirements];

/** One measured requirement: report.json `requirements` entries. */
export interface RequirementResult {
  id: string;
  kind: string;
  expected: number | number[];
  measured: number | number[];
  pass: boolean;
  axis?: string;
  diameter?: number;
  detail?: string;
}

/** Measure the declared requirements on `parts`; empty when none were declared. */
export async function measureRequirements(ctx: ToolContext, parts: readonly string[]): Promise<RequirementResult[]> {
  const reply = await ctx.cad.call<{ requirements: RequirementResult[] }>(
    "check_requirements",
    { parts: [...parts] },
    { ...(ctx.signal ? { signal: ctx.signal } : {}), timeoutMs: 60_000 },
  );
  return reply.requirements;
}

/** What a requirement asked for, in words: `size x = 100`, `holes Ø6 × 4`. */
export function describeRequirement(r: RequirementResult): string {
  const fmt = (v: number | number[]): string => (Array.isArray(v) ? v.map((x) => round(x)).join("×") : round(v));
  if (r.kind === "size") return `size ${r.axis ?? "?"} = ${fmt(r.expected)} mm`;
  if (r.kind === "holes") return `holes Ø${r.diameter ?? "?"} × ${fmt(r.expected)}`;
  if (r.kind === "volume") return `volume = ${fmt(r.expected)} mm³`;
  if (r.kind === "mass") return `mass = ${fmt(r.expected)} g`;
  if (r.kind === "fits_in") return `fits in ${fmt(r.expected)} mm`;
  return `${r.kind} = ${fmt(r.expected)}`;
}

/** A Markdown table of results: the review turn and the terminal both show it. */
export function requirementsTable(results: readonly RequirementResult[]): string {
  const rows = results.map((r) => {
    const measured = Array.isArray(r.measured) ? r.measured.map(round).join("×") : round(r.measured);
    return `| ${r.id} | ${describeRequirement(r)} | ${measured}${r.detail ? ` (${r.detail})` : ""} | ${r.pass ? "pass" : "FAIL"} |`;
  });
  return ["| id | expected | measured | pass |", "|---|---|---|---|", ...rows].join("\n");
}

function round(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

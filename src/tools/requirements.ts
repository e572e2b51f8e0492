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
const requirement = z.strictObject({
  id: z.string().min(1).describe('short unique name, e.g. "width", "mount_holes"'),
  kind: z.enum(["size", "holes", "volume", "mass", "fits_in", "parts"]),
  axis: z.enum(["x", "y", "z"]).optional().describe("size: the bbox axis"),
  value: z.number().positive().optional().describe("size (mm), volume (mm³) or mass (g)"),
  tol: z.number().nonnegative().optional().describe("mm, default 0.1 (size, holes, fits_in)"),
  tol_pct: z.number().nonnegative().optional().describe("percent, default 1 (volume, mass)"),
  diameter: z.number().positive().optional().describe("holes: diameter in mm"),
  count: z.number().int().nonnegative().optional().describe("holes: how many; parts: how many solids"),
  material: z.enum(MATERIALS).optional().describe("mass: material"),
  density: z.number().positive().optional().describe("mass: g/cm³ instead of a material"),
  size: z
    .tuple([z.number(), z.number(), z.number()])
    .optional()
    .describe("fits_in: box [x, y, z] in mm, any orientation"),
});

const declareRequirements = cadTool({
  name: "declare_requirements",
  description:
    'State every checkable number of the brief once, before modelling; at finish each is measured on the delivered parts and the table (expected, measured, pass) is shown to you and the user. Kinds: {id, kind:"size", axis, value} (bbox extent), {id, kind:"holes", diameter, count} (cylindrical holes of that diameter), {id, kind:"volume", value}, {id, kind:"mass", value, material|density}, {id, kind:"fits_in", size:[x,y,z]}, {id, kind:"parts", count}. Example for "a 100×60×5 plate with four Ø6 holes": [{id:"length",kind:"size",axis:"x",value:100}, {id:"width",kind:"size",axis:"y",value:60}, {id:"thickness",kind:"size",axis:"z",value:5}, {id:"holes",kind:"holes",diameter:6,count:4}]. Calling it again replaces the list.',
  input: z.strictObject({ requirements: z.array(requirement).describe("the brief's checkable numbers") }),
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

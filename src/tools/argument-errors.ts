import type { z } from "zod";
import type { JsonSchema } from "../llm/types.js";

/**
 * Turns zod issues into plain sentences naming the argument, the value received and what is
 * expected (TOOLS.md "Strict arguments"). Validator wording ("Invalid input: expected object,
 * received undefined") never reaches a model or a user: models recover from a sentence that
 * names the argument, and people read the same text from `cadagent build`.
 */

/** One problem with a tool call's arguments, with the argument's path for locating it in a record. */
export interface ArgumentProblem {
  /** Path into the arguments, e.g. ["rotation", "axis"] or ["positions", 2]. */
  path: (string | number)[];
  message: string;
}

type Issue = z.core.$ZodIssue;
type Key = string | number;

/** Every problem, most useful first: unknown arguments, then missing ones, then wrong values. */
export function describeIssues(
  tool: string,
  issues: readonly Issue[],
  input: unknown,
  schema: JsonSchema | undefined,
): ArgumentProblem[] {
  const out: ArgumentProblem[] = [];
  for (const issue of issues) collect(tool, issue, [], input, schema, out);
  const rank = (p: ArgumentProblem): number =>
    p.message.startsWith("unknown argument") ? 0 : p.message.startsWith("missing") ? 1 : 2;
  return out.sort((a, b) => rank(a) - rank(b));
}

function collect(
  tool: string,
  issue: Issue,
  prefix: Key[],
  input: unknown,
  schema: JsonSchema | undefined,
  out: ArgumentProblem[],
): void {
  const path: Key[] = [...prefix, ...issue.path.filter((k): k is Key => typeof k !== "symbol")];
  const value = valueAt(input, path);
  const here = schemaAt(schema, path, input);
  const name = path.length ? `'${formatPath(path)}'` : "the arguments";
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = Object.keys(here?.properties ?? {});
      for (const key of issue.keys) {
        const guess = closest(key, allowed);
        const full = formatPath([...path, key]);
        out.push({
          path: [...path, key],
          message: `unknown argument '${full}' for ${tool} (${guess ? `did you mean '${guess}'? ` : ""}allowed: ${allowed.join(", ") || "none"})`,
        });
      }
      return;
    }
    case "invalid_union": {
      const branch = bestBranch(issue.errors);
      if (branch) {
        for (const sub of branch) collect(tool, sub, path, input, schema, out);
        return;
      }
      if (value !== undefined) {
        // No branch fits: say what the alternatives are, not what the first one wanted.
        const options = describeSchema(schemaAt(schema, path, input, false));
        out.push({ path, message: `${name} for ${tool} must be ${options}, got ${show(value)}` });
        return;
      }
      break;
    }
    default:
      break;
  }
  if (value === undefined && path.length) {
    out.push({ path, message: `missing required argument ${name} for ${tool}: expected ${describeSchema(here)}` });
    return;
  }
  if (!path.length && issue.code === "custom") {
    out.push({ path, message: `${tool}: ${issue.message}` });
    return;
  }
  out.push({ path, message: `${name} for ${tool} ${constraint(issue, here)}, got ${show(value)}` });
}

/** What the value must be, in words, from the issue kind and the schema at its place. */
function constraint(issue: Issue, here: JsonSchema | undefined): string {
  switch (issue.code) {
    case "too_small":
    case "too_big": {
      const more = issue.code === "too_small";
      const bound = String(issue.code === "too_small" ? issue.minimum : issue.maximum);
      if (issue.origin === "array") {
        if (here && here.minItems === here.maxItems) return `must have exactly ${String(here.minItems)} items`;
        return `needs ${more ? "at least" : "at most"} ${bound} item${bound === "1" ? "" : "s"}`;
      }
      if (issue.origin === "string") return more ? "must not be empty" : `must be at most ${bound} characters`;
      return `must be ${more ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<"} ${bound}`;
    }
    case "invalid_format":
    case "custom":
      // These messages are written by us in the schemas (regex and refine texts).
      return `is not valid (${issue.message})`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return `must be ${describeSchema(here)}`;
  }
}

/**
 * The union branch the value was most likely meant for: not one rejected at its root for being
 * the wrong type, and among the rest the one whose literal fields (a profile's `type`) matched.
 */
function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  let best: readonly Issue[] | undefined;
  let bestScore = Infinity;
  for (const b of branches) {
    let score = 0;
    for (const i of b) {
      if (i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value")) score += 1000;
      else if (i.code === "invalid_value") score += 100;
      else score += 1;
    }
    if (score < bestScore) {
      best = b;
      bestScore = score;
    }
  }
  return bestScore < 100 ? best : undefined;
}

/** A short English rendering of a JSON Schema node. */
export function describeSchema(s: JsonSchema | undefined, depth = 0): string {
  if (!s) return "a valid value";
  if (depth > 2) return "a value";
  if (Array.isArray(s.enum)) return `one of ${(s.enum as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf as JsonSchema[];
    const kinds = branches.map((b) =>
      Object.entries((b.properties ?? {}) as Record<string, JsonSchema>).find(([, p]) => p.const !== undefined),
    );
    if (kinds.every((k) => k !== undefined) && kinds.length > 1) {
      const key = kinds[0]?.[0] ?? "type";
      return `an object whose ${key} is one of ${kinds.map((k) => JSON.stringify(k?.[1].const)).join(", ")}`;
    }
    return branches.map((b) => describeSchema(b, depth + 1)).join(" or ");
  }
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === "string" ? [s.type] : [];
  if (types.includes("number") && types.includes("string")) return "a number or an expression string";
  switch (types[0]) {
    case "number":
      return bounds(s, "a number");
    case "integer":
      return bounds(s, "a whole number");
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    case "array": {
      const n = s.minItems === s.maxItems && typeof s.minItems === "number" ? `${s.minItems} ` : "";
      const item = describeSchema(s.items as JsonSchema | undefined, depth + 1);
      return n === "3 " ? `[x, y, z]: 3 items, each ${item}` : `a list of ${n}items, each ${item}`;
    }
    case "object": {
      const keys = Object.keys(s.properties ?? {});
      return keys.length ? `an object {${keys.join(", ")}}` : "an object";
    }
    default:
      return "a valid value";
  }
}

function bounds(s: JsonSchema, base: string): string {
  const parts: string[] = [];
  if (typeof s.exclusiveMinimum === "number") parts.push(`> ${s.exclusiveMinimum}`);
  if (typeof s.minimum === "number") parts.push(`>= ${s.minimum}`);
  if (typeof s.maximum === "number") parts.push(`<= ${s.maximum}`);
  return parts.length ? `${base} ${parts.join(" and ")}` : base;
}

function valueAt(v: unknown, path: readonly Key[]): unknown {
  let cur = v;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<Key, unknown>)[k];
  }
  return cur;
}

/** The schema node at `path`, choosing among anyOf branches by which one fits the value's keys. */
function schemaAt(
  s: JsonSchema | undefined,
  path: readonly Key[],
  input: unknown,
  pickLast = true,
): JsonSchema | undefined {
  let cur = path.length || pickLast ? pick(s, input) : s;
  let value = input;
  for (const [i, k] of path.entries()) {
    if (!cur) return undefined;
    value = valueAt(value, [k]);
    const next =
      typeof k === "number"
        ? (cur.items as JsonSchema | undefined)
        : ((cur.properties as Record<string, JsonSchema> | undefined)?.[k] ?? record(cur));
    cur = i < path.length - 1 || pickLast ? pick(next, value) : next;
  }
  return cur;
}

/** A map's value schema (z.record): JSON Schema's additionalProperties when it is a schema. */
function record(s: JsonSchema): JsonSchema | undefined {
  const extra = s.additionalProperties;
  return extra && typeof extra === "object" ? (extra as JsonSchema) : undefined;
}

function pick(s: JsonSchema | undefined, value: unknown): JsonSchema | undefined {
  if (!s || !Array.isArray(s.anyOf)) return s;
  const branches = s.anyOf as JsonSchema[];
  if (value === null || typeof value !== "object" || Array.isArray(value)) return s;
  const keys = Object.keys(value);
  let best: JsonSchema | undefined;
  let bestScore = -1;
  for (const b of branches) {
    const props = (b.properties ?? {}) as Record<string, JsonSchema>;
    const names = Object.keys(props);
    // A misspelt name still points at its branch ("lineto" at {line_to}).
    let score = keys.filter((k) => k in props).length + 0.5 * keys.filter((k) => closest(k, names)).length;
    // A matching literal (a profile's type) outweighs any number of shared names.
    for (const [k, p] of Object.entries(props))
      if (p.const !== undefined && p.const === (value as Record<string, unknown>)[k]) score += 100;
    if (score > bestScore) {
      best = b;
      bestScore = score;
    }
  }
  return bestScore > 0 ? best : s;
}

function formatPath(path: readonly Key[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i ? `.${k}` : k)).join("");
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The allowed name a misspelling most likely meant (edit distance ≤ 2, or a shared prefix of 4). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.min(2, Math.floor(word.length / 3)));
  if (bestD <= limit) return best;
  const prefix = candidates.find((c) => word.length >= 4 && (c.startsWith(word.slice(0, 4)) || word.startsWith(c)));
  return prefix;
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair costs 1, as in "postion"/"position". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

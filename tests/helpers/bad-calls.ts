import type { JsonSchema, ToolSpec } from "../../src/llm/types.js";

/**
 * For every tool, three calls that must be refused with an error naming the argument at fault:
 * an unknown argument, a misspelt optional argument (two letters swapped) and a wrong type.
 * Each starts from a call with the required arguments filled in plausibly, so the only problem
 * is the one planted.
 */
export interface BadCall {
  tool: string;
  kind: "unknown" | "misspelt" | "wrong-type";
  args: Record<string, unknown>;
  /** Text the error must contain. */
  expect: string[];
}

/** A value the schema accepts (enough to keep a required argument from being the problem). */
export function sample(s: JsonSchema | undefined, key = ""): unknown {
  if (!s) return 1;
  if (Array.isArray(s.enum)) return (s.enum as unknown[])[0];
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.anyOf)) return sample((s.anyOf as JsonSchema[])[0], key);
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  // Hidden refinements (not in the schema) want a pattern count >= 2 and a gear of >= 6 teeth.
  if (types.includes("number") || types.includes("integer")) return key === "count" ? 2 : key === "teeth" ? 20 : 3;
  if (types.includes("string"))
    return key === "code" ? "print(1)" : key.includes("selector") ? ">Z" : key === "size" ? "M8" : "a1";
  if (types.includes("boolean")) return true;
  if (types.includes("array")) {
    const n = typeof s.minItems === "number" ? Math.max(1, s.minItems) : 1;
    return Array.from({ length: n }, () => sample(s.items as JsonSchema | undefined, key));
  }
  if (types.includes("object")) return validArgs(s);
  return 1;
}

export function validArgs(s: JsonSchema): Record<string, unknown> {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const k of (s.required as string[] | undefined) ?? []) out[k] = sample(props[k], k);
  return out;
}

/** Swap two neighbouring letters in the middle: "position" → "poistion". */
export function misspell(word: string): string {
  const i = Math.max(1, Math.floor(word.length / 2) - 1);
  const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  return swapped === word ? `${word}x` : swapped;
}

function wrongValue(s: JsonSchema | undefined): unknown {
  const types = Array.isArray(s?.type) ? (s?.type as string[]) : [s?.type as string];
  // An object is never a number, string, list or enum value; a number is never an object.
  return types.includes("object") ? 42 : { not: "this" };
}

export function badCalls(specs: readonly ToolSpec[]): BadCall[] {
  const out: BadCall[] = [];
  for (const spec of specs) {
    const schema = spec.inputSchema;
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const base = validArgs(schema);
    out.push({
      tool: spec.name,
      kind: "unknown",
      args: { ...base, zzz_bogus: 1 },
      expect: ["unknown argument 'zzz_bogus'", `for ${spec.name}`],
    });
    const optional = Object.keys(props).find((k) => !required.has(k) && k.length >= 4);
    if (optional) {
      const typo = misspell(optional);
      out.push({
        tool: spec.name,
        kind: "misspelt",
        args: { ...base, [typo]: sample(props[optional], optional) },
        expect: [`unknown argument '${typo}'`, `did you mean '${optional}'`],
      });
    }
    const target = Object.keys(props).find((k) => required.has(k)) ?? Object.keys(props)[0];
    if (target) {
      out.push({
        tool: spec.name,
        kind: "wrong-type",
        args: { ...base, [target]: wrongValue(props[target]) },
        expect: [`'${target}'`, `for ${spec.name}`],
      });
    }
  }
  return out;
}

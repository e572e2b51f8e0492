import { z } from "zod";
import { CadError } from "../cad/protocol.js";
import type { ContentPart, JsonSchema, ToolSpec } from "../llm/types.js";
import type { CatalogOptions, ToolContext } from "./context.js";
import { describeIssues, type ArgumentProblem } from "./argument-errors.js";
import type { ToolDefinition, ToolOutput } from "./define.js";
import { CORE_FAMILY, familySummaries } from "./families.js";
import { moreToolsTool } from "./more-tools.js";

/** The outcome of one tool call, success or model-recoverable failure. */
export interface ToolOutcome {
  name: string;
  ok: boolean;
  mutates: boolean;
  /** The validated input (what a design record stores); undefined when validation failed. */
  input?: unknown;
  result?: Record<string, unknown>;
  error?: { message: string; hint?: string; code: string };
  /** What goes back to the model. */
  content: ContentPart[];
  ms: number;
}

/** The arguments as validated, or every problem found (plain sentences naming the argument). */
export type Validation =
  { ok: true; data: unknown } | { ok: false; problems: ArgumentProblem[]; message: string; hint: string };

/**
 * The tool catalog and the one place tool arguments are parsed and validated, for every
 * provider, MCP and record replay: zod schemas (strict: an unknown argument is an error),
 * converted to JSON Schema when first asked for (see toJsonSchema); every failure except an
 * unrecoverable backend one becomes a tool error with a recovery hint.
 */
export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>();
  /** Non-core families offered so far (after more_tools calls). */
  private readonly offered = new Set<string>();

  constructor(
    defs: readonly ToolDefinition[],
    opts: CatalogOptions = {},
    summaries: Readonly<Record<string, string>> = familySummaries,
  ) {
    const families: Record<string, { summary: string; tools: string[] }> = {};
    for (const d of defs) {
      if (d.enabled && !d.enabled(opts)) continue;
      this.add(d);
      const family = d.family ?? CORE_FAMILY;
      if (family === CORE_FAMILY) continue;
      const summary = summaries[family];
      if (summary === undefined) throw new Error(`tool '${d.name}': family '${family}' has no summary`);
      (families[family] ??= { summary, tools: [] }).tools.push(d.name);
    }
    if (Object.keys(families).length) this.add(moreToolsTool(families, (f) => this.offered.add(f)));
  }

  private add(d: ToolDefinition): void {
    if (this.tools.has(d.name)) throw new Error(`tool '${d.name}' defined twice`);
    this.tools.set(d.name, d);
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name);
  }

  /**
   * Specs for a model request, in catalog order: the core family plus the families the model
   * asked for with more_tools; `all` gives every tool (MCP lists everything).
   */
  specs(opts: { all?: boolean } = {}): ToolSpec[] {
    return [...this.tools.values()]
      .filter((t) => opts.all || (t.family ?? CORE_FAMILY) === CORE_FAMILY || this.offered.has(t.family ?? ""))
      .map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: toJsonSchema(t.input),
      }));
  }

  /** The exact JSON Schema the model sees for one tool. */
  schema(name: string): JsonSchema | undefined {
    const tool = this.tools.get(name);
    return tool && toJsonSchema(tool.input);
  }

  /** Validate arguments for a known tool without running it (records are checked this way before a build). */
  validate(name: string, rawInput: unknown): Validation {
    const tool = this.tools.get(name);
    if (!tool) throw new Error(`unknown tool '${name}'`);
    const input = rawInput ?? {};
    const parsed = tool.input.safeParse(input);
    if (parsed.success) return { ok: true, data: parsed.data };
    const schema = toJsonSchema(tool.input);
    const problems = describeIssues(name, parsed.error.issues, input, schema);
    if (!problems.length) problems.push({ path: [], message: `invalid arguments for ${name}` });
    return {
      ok: false,
      problems,
      message: problems
        .slice(0, 4)
        .map((p) => p.message)
        .join("; "),
      hint: `expected arguments: ${summarizeSchema(schema)}`,
    };
  }

  /**
   * The worker call a tool call comes down to, when it is exactly one worker op (see
   * ToolDefinition.workerOp) and its arguments are valid; otherwise undefined, and the call
   * goes through `execute`, which reports the problem.
   */
  workerCall(name: string, rawInput: unknown): { op: string; args: Record<string, unknown> } | undefined {
    const op = this.tools.get(name)?.workerOp;
    if (op === undefined) return undefined;
    const parsed = this.validate(name, rawInput);
    return parsed.ok ? { op, args: parsed.data as Record<string, unknown> } : undefined;
  }

  /**
   * Validate and run one call. Throws only CadError with `fatal` (FreeCAD unavailable) and
   * abort errors; everything else becomes an error outcome for the model.
   */
  async execute(name: string, rawInput: unknown, ctx: ToolContext, parseError?: string): Promise<ToolOutcome> {
    const started = performance.now();
    const tool = this.tools.get(name);
    const fail = (code: string, message: string, hint?: string, mutates = false): ToolOutcome => ({
      name,
      ok: false,
      mutates,
      error: { message, code, ...(hint ? { hint } : {}) },
      content: [{ type: "text", text: JSON.stringify({ error: message, ...(hint ? { hint } : {}) }) }],
      ms: performance.now() - started,
    });
    if (!tool) {
      return fail("unknown_tool", `unknown tool '${name}'`, `available tools: ${this.names().join(", ")}`);
    }
    if (parseError !== undefined) {
      return fail(
        "bad_json",
        `the arguments are not valid JSON: ${parseError}`,
        "resend the call with a single JSON object as arguments",
        tool.mutates,
      );
    }
    const parsed = this.validate(name, rawInput);
    if (!parsed.ok) return fail("bad_arguments", parsed.message, parsed.hint, tool.mutates);
    let output: ToolOutput;
    try {
      output = await tool.execute(parsed.data, ctx);
    } catch (e) {
      if (e instanceof CadError) {
        if (e.fatal) throw e;
        return { ...fail(e.code, e.message, e.hint, tool.mutates), input: parsed.data };
      }
      if (ctx.signal?.aborted) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      return { ...fail("tool_failed", msg), input: parsed.data };
    }
    const content: ContentPart[] = [{ type: "text", text: JSON.stringify(output.result) }, ...(output.images ?? [])];
    return {
      name,
      ok: true,
      mutates: tool.mutates,
      input: parsed.data,
      result: output.result,
      content,
      ms: performance.now() - started,
    };
  }
}

/** Conversions already made: a zod schema is immutable, and its JSON Schema is never mutated. */
const converted = new WeakMap<z.ZodType, JsonSchema>();

/**
 * JSON Schema for providers: refs inlined, no $schema key (Gemini and some servers reject it).
 * Converted once per schema per process, on first use: converting the catalog costs ~40 ms,
 * which `build` (it only validates) never needs and a batch's jobs would each pay again.
 * Callers must not mutate the result (it is shared).
 */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const cached = converted.get(schema);
  if (cached) return cached;
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", reused: "inline" }) as JsonSchema;
  delete js.$schema;
  converted.set(schema, js);
  return js;
}

/** A one-line reminder of the argument names and which are required. */
function summarizeSchema(js: JsonSchema | undefined): string {
  const props = (js?.properties ?? {}) as Record<string, unknown>;
  const required = new Set((js?.required as string[] | undefined) ?? []);
  const names = Object.keys(props).map((k) => (required.has(k) ? k : `${k}?`));
  return names.length ? `{${names.join(", ")}}` : "{}";
}

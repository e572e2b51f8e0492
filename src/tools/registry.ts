import { z } from "zod";
import { CadError } from "../cad/protocol.js";
import type { ContentPart, JsonSchema, ToolSpec } from "../llm/types.js";
import type { CatalogOptions, ToolContext } from "./context.js";
import type { ToolDefinition, ToolOutput } from "./define.js";

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

/**
 * The tool catalog: validates input with zod, converts schemas to JSON Schema once, and turns
 * every failure except an unrecoverable backend one into a tool error with a recovery hint.
 */
export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>();
  private readonly schemas = new Map<string, JsonSchema>();

  constructor(defs: readonly ToolDefinition[], opts: CatalogOptions = {}) {
    for (const d of defs) {
      if (d.enabled && !d.enabled(opts)) continue;
      if (this.tools.has(d.name)) throw new Error(`tool '${d.name}' defined twice`);
      this.tools.set(d.name, d);
      this.schemas.set(d.name, toJsonSchema(d.input));
    }
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name);
  }

  /** Specs for providers and MCP, in catalog order. */
  specs(): ToolSpec[] {
    return [...this.tools.values()].map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: this.schemas.get(t.name) ?? {},
    }));
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
    const parsed = tool.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return fail(
        "bad_arguments",
        `invalid arguments for ${name}: ${formatIssues(parsed.error)}`,
        `expected arguments: ${summarizeSchema(this.schemas.get(name))}`,
        tool.mutates,
      );
    }
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

/** JSON Schema for providers: refs inlined, no $schema key (Gemini and some servers reject it). */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", reused: "inline" }) as JsonSchema;
  delete js.$schema;
  return js;
}

function formatIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 6)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/** A one-line reminder of the argument names and which are required. */
function summarizeSchema(js: JsonSchema | undefined): string {
  const props = (js?.properties ?? {}) as Record<string, unknown>;
  const required = new Set((js?.required as string[] | undefined) ?? []);
  const names = Object.keys(props).map((k) => (required.has(k) ? k : `${k}?`));
  return names.length ? `{${names.join(", ")}}` : "{}";
}

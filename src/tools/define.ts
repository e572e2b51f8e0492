import type { z } from "zod";
import type { ImagePart } from "../llm/types.js";
import type { CatalogOptions, ToolContext } from "./context.js";

/** What a tool hands back: a JSON result for the model, and optional images. */
export interface ToolOutput {
  result: Record<string, unknown>;
  images?: ImagePart[];
}

/**
 * A tool, defined once: the zod schema validates input and is converted to JSON Schema for
 * every provider and the MCP server.
 */
export interface ToolDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Written for the model: what it does, units, and what comes back. */
  description: string;
  input: S;
  /** Mutating tools change the design; their successful calls become design-record steps. */
  mutates: boolean;
  /**
   * The family it belongs to: "core" (the default) is offered on every request; any other family
   * only after the model asks for it with `more_tools {family}` (keeps every request small).
   * A record replay and MCP reach every tool whatever its family.
   */
  family?: string;
  /** Offered only when this returns true (run_python needs --allow-python). */
  enabled?: (opts: CatalogOptions) => boolean;
  execute(input: z.output<S>, ctx: ToolContext): Promise<ToolOutput>;
  /**
   * Set (by cadTool) when `execute` is exactly the worker op of this name called with the
   * validated input, and its result the op's: a record replay may then send the call in a batch
   * with its neighbours (CadClient.callSteps) and get the same outcome.
   */
  workerOp?: string;
}

/** Identity with inference: keeps `execute`'s input typed from the schema. */
export function defineTool<S extends z.ZodType>(def: ToolDefinition<S>): ToolDefinition<S> {
  return def;
}

/**
 * A tool implemented entirely by the FreeCAD worker op of the same name: the validated input
 * goes over the wire as is.
 */
export function cadTool<S extends z.ZodType>(def: Omit<ToolDefinition<S>, "execute" | "workerOp">): ToolDefinition<S> {
  return {
    ...def,
    workerOp: def.name,
    async execute(input, ctx) {
      const result = await ctx.cad.call(def.name, input as Record<string, unknown>, {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
      });
      return { result };
    },
  };
}

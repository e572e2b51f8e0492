import { z } from "zod";
import { defineTool, type ToolDefinition } from "./define.js";

/**
 * `more_tools {family}`: adds a family of rarely used tools to the following requests. Built by
 * the registry (which knows the families it holds and owns the set of offered ones), so the
 * description lists exactly the families available.
 */
export function moreToolsTool(
  families: Readonly<Record<string, { summary: string; tools: string[] }>>,
  activate: (family: string) => void,
): ToolDefinition {
  const names = Object.keys(families);
  const lines = names.map((f) => `${f}: ${families[f]?.summary ?? ""}`).join("; ");
  return defineTool({
    name: "more_tools",
    description: `Add a family of tools from your next turn on: ${lines}.`,
    input: z.strictObject({ family: z.enum(names as [string, ...string[]]) }),
    mutates: false,
    execute(input) {
      activate(input.family);
      const f = families[input.family];
      return Promise.resolve({ result: { family: input.family, tools: f?.tools ?? [] } });
    },
  });
}

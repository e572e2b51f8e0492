import type { Command } from "commander";
import type { ToolSpec } from "../../llm/types.js";
import { createRegistry } from "../../tools/catalog.js";

interface ToolsFlags {
  json?: boolean;
  allowPython?: boolean;
}

/** Registers `cadagent tools`: the tool catalog the model sees, with JSON Schemas under --json. */
export function register(program: Command): void {
  program
    .command("tools")
    .description("List the CAD tool catalog the model uses (with JSON Schemas under --json)")
    .option("--json", "print the catalog as JSON: [{name, description, inputSchema}]")
    .option("--allow-python", "include run_python, offered only to runs with --allow-python")
    .action((flags: ToolsFlags) => {
      const specs = createRegistry({ allowPython: flags.allowPython ?? false }).specs({ all: true });
      if (flags.json) process.stdout.write(`${JSON.stringify(specs, null, 2)}\n`);
      else process.stdout.write(formatCatalog(specs));
    });
}

/** One entry per tool: name, the description's first sentence, then its argument names. */
export function formatCatalog(specs: readonly ToolSpec[]): string {
  const width = Math.max(0, ...specs.map((s) => s.name.length));
  const lines = specs.map(
    (s) => `${s.name.padEnd(width)}  ${firstSentence(s.description)}\n${" ".repeat(width + 2)}${argumentList(s)}`,
  );
  return `${lines.join("\n")}\n`;
}

/** Up to the first sentence end (descriptions are prompts and run on); "e.g." is no end. */
function firstSentence(text: string): string {
  const flat = text.trim().replace(/\s+/g, " ");
  for (const m of flat.matchAll(/[.!?](?= |$)/g)) {
    const before = flat.slice(0, m.index);
    if (/(\be\.g|\bi\.e|\betc|\bvs|\bcf)$/i.test(before)) continue;
    return flat.slice(0, m.index + 1);
  }
  return flat;
}

/** `{name, length, width, position?}`: optional arguments carry a `?`. */
function argumentList(spec: ToolSpec): string {
  const props = spec.inputSchema.properties;
  const names = props && typeof props === "object" ? Object.keys(props) : [];
  const required = new Set(
    Array.isArray(spec.inputSchema.required)
      ? spec.inputSchema.required.filter((r): r is string => typeof r === "string")
      : [],
  );
  return `{${names.map((n) => (required.has(n) ? n : `${n}?`)).join(", ")}}`;
}

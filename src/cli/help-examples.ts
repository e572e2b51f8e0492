import type { Command } from "commander";

/**
 * Examples for the commands whose modules do not carry their own, kept in one table so every
 * `--help` ends with something to copy. Keyed by the command path ("keys list").
 */
const EXAMPLES: Record<string, readonly string[]> = {
  tools: [
    "cadagent tools",
    "cadagent tools --json | jq '.[].name'",
    "cadagent tools --allow-python --json > catalog.json",
  ],
  providers: ["cadagent providers", "cadagent providers --json | jq '.[] | select(.key.available) | .id'"],
  doctor: ["cadagent doctor", "cadagent doctor --json | jq .warnings"],
  mcp: ["cadagent mcp -o ~/cad-out", 'claude mcp add cadagent -- cadagent mcp -o "$PWD/cad-out"      # Claude Code'],
  keys: ["cadagent keys list", 'printf %s "$KEY" | cadagent keys set anthropic', "cadagent keys remove openai"],
  "keys list": ["cadagent keys list", "cadagent keys list --json"],
  "keys remove": ["cadagent keys remove openai"],
};

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Adds the table's examples to every registered command (and subcommand) listed in it. */
export function addExamples(program: Command): void {
  const visit = (cmd: Command): void => {
    const lines = EXAMPLES[commandPath(cmd)];
    if (lines) cmd.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}`);
    cmd.commands.forEach(visit);
  };
  program.commands.forEach(visit);
}

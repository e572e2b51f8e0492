import type { Command } from "commander";

/** Registers the `tools` command. (Placeholder until implemented.) */
export function register(program: Command): void {
  void program;
}

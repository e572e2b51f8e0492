import type { Command } from "commander";

/** Registers the `keys` command. (Placeholder until implemented.) */
export function register(program: Command): void {
  void program;
}

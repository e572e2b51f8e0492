import type { Command } from "commander";

/** Registers the `providers` command. (Placeholder until implemented.) */
export function register(program: Command): void {
  void program;
}

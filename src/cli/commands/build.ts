import type { Command } from "commander";

/** Registers the `build` command. (Placeholder until implemented.) */
export function register(program: Command): void {
  void program;
}

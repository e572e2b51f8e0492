import type { Command } from "commander";

/** Registers the `doctor` command. (Placeholder until implemented.) */
export function register(program: Command): void {
  void program;
}

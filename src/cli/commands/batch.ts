import type { Command } from "commander";

/** Registers the `batch` command. (Placeholder until implemented.) */
export function register(program: Command): void {
  void program;
}

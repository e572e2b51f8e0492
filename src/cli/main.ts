#!/usr/bin/env node
import { readFileSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { packageRoot } from "../util/package-root.js";
import * as batch from "./commands/batch.js";
import * as build from "./commands/build.js";
import * as design from "./commands/design.js";
import * as doctor from "./commands/doctor.js";
import * as evalCmd from "./commands/eval.js";
import * as keys from "./commands/keys.js";
import * as mcp from "./commands/mcp.js";
import * as providers from "./commands/providers.js";
import * as tools from "./commands/tools.js";
import { UserError, ExitCode } from "../util/user-error.js";

const version = (JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string })
  .version;

export function createProgram(): Command {
  const program = new Command("cadagent")
    .version(version)
    .description(
      "Design real, parametric CAD parts (STEP / STL / FCStd) from a natural-language brief, with an LLM driving FreeCAD.",
    )
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Examples:
  $ cadagent "a wall bracket for a 25 mm pipe, 3 mm steel, two M5 holes"
  $ cadagent -p openai -m gpt-5.6-luna --budget 0.50 "a 60x40x5 mm plate with four M4 holes"
  $ cadagent --effort low "a 20 mm cube with a 5 mm hole"   # reasoning effort: low | medium | high
  $ cadagent providers --check                          # are the default models still served?
  $ OLLAMA_CONTEXT_LENGTH=32768 ollama serve & cadagent -p ollama "a 20 mm cube with a 5 mm fillet"
  $ cadagent build cadagent-out/bracket/design.cad.json --set thickness=4 -o out/bracket-4mm
  $ printf %s "$KEY" | cadagent keys set anthropic      # key from stdin into the OS keychain

Each run writes design.cad.json, model.step/.stl/.FCStd, preview.png, report.json and
transcript.jsonl into its output folder. Exit codes: 0 success, 1 design failed, 2 usage or
configuration, 3 provider error, 4 FreeCAD unavailable, 130 interrupted (what exists is saved).`,
    )
    .exitOverride();
  for (const m of [design, build, batch, tools, providers, keys, doctor, mcp, evalCmd]) m.register(program);
  return program;
}

async function main(): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      process.exitCode = e.exitCode === 0 ? 0 : ExitCode.usage;
      return;
    }
    if (e instanceof UserError) {
      process.stderr.write(`cadagent: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(`cadagent: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = ExitCode.designFailed;
  }
}

await main();

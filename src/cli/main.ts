#!/usr/bin/env node
import { readFileSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { packageRoot } from "../config/package-root.js";
import * as batch from "./commands/batch.js";
import * as build from "./commands/build.js";
import * as design from "./commands/design.js";
import * as doctor from "./commands/doctor.js";
import * as evalCmd from "./commands/eval.js";
import * as keys from "./commands/keys.js";
import * as mcp from "./commands/mcp.js";
import * as providers from "./commands/providers.js";
import * as tools from "./commands/tools.js";
import { CliError, ExitCode } from "./errors.js";

const version = (JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }).version;

export function createProgram(): Command {
  const program = new Command("cadagent")
    .version(version)
    .description("Design real, parametric CAD parts (STEP / STL / FCStd) from a natural-language brief, with an LLM driving FreeCAD.")
    .showHelpAfterError("(run with --help for usage)")
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
    if (e instanceof CliError) {
      process.stderr.write(`cadagent: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(`cadagent: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = ExitCode.designFailed;
  }
}

await main();

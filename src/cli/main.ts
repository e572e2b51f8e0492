#!/usr/bin/env node
import { readFileSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { packageRoot } from "../util/package-root.js";
import { UserError, ExitCode } from "../util/user-error.js";
import { didYouMean } from "../util/did-you-mean.js";
import { quietOnClosedPipes } from "./closed-pipes.js";
import { reportUnexpected } from "./unexpected-error.js";
import { addExamples } from "./help-examples.js";

const version = (JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string })
  .version;

interface CommandModule {
  register(program: Command): void;
}

/**
 * Every command module, loaded only when needed: a design pulls in the provider SDKs, the MCP
 * server its SDK, and `--version`, `keys`, `tools` must not pay for any of that. The order is the
 * order of the root help. `design` registers the root action (`cadagent "<brief>"`) too.
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  design: () => import("./commands/design.js"),
  edit: () => import("./commands/edit.js"),
  build: () => import("./commands/build.js"),
  batch: () => import("./commands/batch.js"),
  tools: () => import("./commands/tools.js"),
  providers: () => import("./commands/providers.js"),
  keys: () => import("./commands/keys.js"),
  doctor: () => import("./commands/doctor.js"),
  mcp: () => import("./commands/mcp.js"),
  eval: () => import("./commands/eval.js"),
};

const ROOT_EXAMPLES = `
Each run writes design.cad.json, model.step/.stl/.FCStd, preview.png, report.json and
transcript.jsonl into its output folder. Exit codes: 0 success, 1 design failed, 2 usage or
configuration, 3 provider error, 4 FreeCAD unavailable, 130 interrupted (what exists is saved).

Examples:
  $ cadagent "a wall bracket for a 25 mm pipe, 3 mm steel, two M5 holes"
  $ cadagent -p openai -m gpt-5.6-luna --budget 0.50 "a 60x40x5 mm plate with four M4 holes"
  $ cadagent --effort low "a 20 mm cube with a 5 mm hole"   # reasoning effort: low | medium | high
  $ cadagent providers --check                          # are the default models still served?
  $ OLLAMA_CONTEXT_LENGTH=32768 ollama serve & cadagent -p ollama "a 20 mm cube with a 5 mm fillet"
  $ cadagent build cadagent-out/bracket/design.cad.json --set thickness=4 -o out/bracket-4mm
  $ cadagent edit cadagent-out/bracket "make it 5 mm thicker" -i
  $ cadagent -f brief.txt --strict                       # exit 1 when a stated number is not met
  $ printf %s "$KEY" | cadagent keys set anthropic      # key from stdin into the OS keychain
  $ cadagent help build                                 # one command's flags and examples`;

function baseProgram(): Command {
  const program = new Command("cadagent")
    .version(version)
    .description(
      "Design real, parametric CAD parts (STEP / STL / FCStd) from a natural-language brief, with an LLM driving FreeCAD.",
    )
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", ROOT_EXAMPLES)
    .enablePositionalOptions()
    .exitOverride();
  return program;
}

/** The program with the named commands registered (all of them when `names` is undefined). */
export async function createProgram(names?: readonly string[]): Promise<Command> {
  const program = baseProgram();
  const wanted = names ?? Object.keys(COMMANDS);
  for (const [name, load] of Object.entries(COMMANDS)) if (wanted.includes(name)) (await load()).register(program);
  if (!names) {
    program
      .command("version")
      .description("Print the version")
      .addHelpText("after", "\nExamples:\n  $ cadagent version\n  $ cadagent --version")
      .action(() => void process.stdout.write(`${version}\n`));
    program.helpCommand("help [command]", "Show help for a command");
  }
  addExamples(program);
  return program;
}

/**
 * Which commands to register for these arguments, and the arguments to parse: `help <cmd>`
 * becomes `<cmd> --help`; a brief needs only `design`; the root help needs every command.
 */
function plan(args: readonly string[]): { names: string[] | undefined; args: string[] } {
  const [first, second] = args;
  if (first === "help") {
    if (second === undefined) return { names: undefined, args: ["--help"] };
    if (!(second in COMMANDS)) {
      const guess = didYouMean(second, Object.keys(COMMANDS));
      throw new UserError(
        `no command '${second}'${guess ? `: did you mean \`cadagent help ${guess}\`?` : ""} (commands: ${Object.keys(COMMANDS).join(", ")})`,
      );
    }
    return { names: [second], args: [second, "--help"] };
  }
  if (first !== undefined && first in COMMANDS) return { names: [first], args: [...args] };
  const wantsHelp = args.length === 0 || args.some((a) => a === "-h" || a === "--help");
  return { names: wantsHelp ? undefined : ["design"], args: [...args] };
}

async function main(): Promise<void> {
  quietOnClosedPipes();
  const args = process.argv.slice(2);
  // Answered before anything else loads: scripts call --version to probe the install.
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V" || args[0] === "version")) {
    process.stdout.write(`${version}\n`);
    return;
  }
  try {
    const p = plan(args);
    const program = await createProgram(p.names);
    await program.parseAsync(p.args, { from: "user" });
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
    process.exitCode = reportUnexpected(e);
  }
}

await main();

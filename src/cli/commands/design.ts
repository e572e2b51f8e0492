import type { Command } from "commander";
import { DEFAULT_FORMATS } from "../../agent/outputs.js";
import { ExitCode, UserError } from "../../util/user-error.js";
import { refuseCommandWord, refuseUnquoted } from "../brief-guard.js";
import { readBrief } from "../brief-input.js";
import { refineLoop } from "../refine-loop.js";
import { runOnce, type RunFlags } from "../run-once.js";
import { resolveRun } from "../resolve-run.js";

const DESIGN_EXAMPLES = `
Examples:
  $ cadagent design "a 60x40x5 mm mounting plate with four M4 holes 5 mm from the corners"
  $ cadagent design -p gemini --budget 0.25 --views "a 20 mm cube with 2 mm fillets" -o out/cube
  $ cadagent design --json "a 30 mm washer, 3 mm thick, 10 mm hole" > report.json
  $ cadagent design -f brief.txt --strict                # exit 1 when a stated number is not met`;

const BRIEF_HELP = 'what to design, e.g. "a 60x40x5 mm mounting plate with four M4 holes 5 mm from the corners"';

/** The design options, shared by the root command, `design` and `edit`. */
export function withDesignOptions(cmd: Command): Command {
  return cmd
    .option("-p, --provider <id>", "anthropic | openai | gemini | openrouter | any id in providers/*.json")
    .option("-m, --model <id>", "model id (default: the provider's default model)")
    .option("-o, --out <dir>", "output folder (default: ./cadagent-out/<slug>-<yyyymmdd-hhmmss>)")
    .option("-f, --brief-file <path>", "read the brief (or edit instruction) from a file; `-` reads stdin")
    .option(
      "-i, --interactive",
      'on a terminal: after delivery ask "refine> " for follow-ups, each an edit of the last',
    )
    .option("--input <file>", "a file the import_shape tool may read (repeatable)", collect, [] as string[])
    .option("--base-url <url>", "override the provider endpoint")
    .option("--max-turns <n>", "turn limit (default 30)")
    .option("--timeout <seconds>", "whole-run deadline")
    .option("--budget <usd>", "stop before the estimated cost exceeds this")
    .option("--effort <level>", "reasoning effort: low | medium | high (default: the model's own)")
    .option("--formats <list>", `exports on finish (default ${DEFAULT_FORMATS.join(",")})`)
    .option("--allow-python", "offer the run_python tool (runs model-written Python inside FreeCAD)")
    .option("--views", "also write views.png: the top, front and right views beside the iso view")
    .option("--strict", "exit 1 when any requirement the model declared fails on the delivered part")
    .option("--no-review", "skip the self-check turn (check_design + picture) before the part is delivered")
    .option("--json", "print report.json on stdout at the end")
    .option("--events", "NDJSON event stream on stdout");
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/**
 * Registers `cadagent "<brief>"` (the root program's default action) and `cadagent design
 * "<brief>"`. Positional options are enabled on the root so that options of other commands
 * with the same names (`build --json`, `build -o`) still reach those commands.
 */
export function register(program: Command): void {
  program.enablePositionalOptions();
  // Variadic only so that an unquoted brief is caught with a hint, not "too many arguments".
  withDesignOptions(program.argument("[brief...]", BRIEF_HELP)).action(async (words: string[], flags: RunFlags) => {
    if (words.length === 0 && flags.briefFile === undefined) {
      program.outputHelp({ error: true });
      process.exitCode = ExitCode.usage;
      return;
    }
    let brief: string | undefined;
    if (words.length) {
      refuseUnquoted(words);
      brief = words.join(" ");
      refuseCommandWord(brief);
    }
    process.exitCode = await designCommand(brief, flags);
  });
  withDesignOptions(
    program
      .command("design")
      .description("Design a part from a natural-language brief (the default command)")
      .argument("[brief]", BRIEF_HELP)
      .addHelpText("after", DESIGN_EXAMPLES),
  ).action(async (brief: string | undefined, flags: RunFlags) => {
    process.exitCode = await designCommand(brief, flags);
  });
}

/** Run one design from the command line; returns the exit code (CLI.md "Exit codes"). */
export async function designCommand(briefArg: string | undefined, flags: RunFlags): Promise<number> {
  if (briefArg === undefined && flags.briefFile === undefined)
    throw new UserError('no brief: cadagent "<what to design>" or -f <file>', ExitCode.usage);
  assertInteractive(flags);
  const brief = readBrief({ text: briefArg, file: flags.briefFile, what: "brief" });
  const run = await resolveRun(brief, flags);
  const report = await runOnce({ brief, run, flags });
  return flags.interactive ? refineLoop({ last: report, run, flags }) : report.exitCode;
}

/** `-i` needs a person at a terminal to answer; off a terminal it is a usage error. */
export function assertInteractive(flags: RunFlags): void {
  if (flags.interactive && !(process.stdin.isTTY && process.stderr.isTTY))
    throw new UserError("-i/--interactive needs a terminal (stdin and stderr must be a TTY)", ExitCode.usage);
  if (flags.interactive && flags.briefFile === "-")
    throw new UserError("-i/--interactive reads follow-ups from stdin, so -f - cannot also use it", ExitCode.usage);
  if (flags.interactive && (flags.json || flags.events))
    throw new UserError("-i/--interactive cannot be combined with --json or --events", ExitCode.usage);
}

import type { Command } from "commander";
import { DEFAULT_FORMATS } from "../../agent/outputs.js";
import { Redactor } from "../../util/redact.js";
import type { RunReport } from "../../agent/report.js";
import { previewHook } from "../../agent/preview.js";
import { runDesign } from "../../agent/run-design.js";
import { ExitCode } from "../../util/user-error.js";
import { providerAdapter } from "../provider-adapter.js";
import { formatReport, humanRenderer, ndjsonRenderer } from "../render.js";
import { resolveRun, type DesignFlags } from "../resolve-run.js";

const BRIEF_HELP = 'what to design, e.g. "a 60x40x5 mm mounting plate with four M4 holes 5 mm from the corners"';

/** The design options, shared by the root command and `design`. */
function withDesignOptions(cmd: Command): Command {
  return cmd
    .option("-p, --provider <id>", "anthropic | openai | gemini | openrouter | any id in providers/*.json")
    .option("-m, --model <id>", "model id (default: the provider's default model)")
    .option("-o, --out <dir>", "output folder (default: ./cadagent-out/<slug>-<yyyymmdd-hhmmss>)")
    .option("--base-url <url>", "override the provider endpoint")
    .option("--max-turns <n>", "turn limit (default 30)")
    .option("--timeout <seconds>", "whole-run deadline")
    .option("--budget <usd>", "stop before the estimated cost exceeds this")
    .option("--effort <level>", "reasoning effort: low | medium | high (default: the model's own)")
    .option("--formats <list>", `exports on finish (default ${DEFAULT_FORMATS.join(",")})`)
    .option("--allow-python", "offer the run_python tool (runs model-written Python inside FreeCAD)")
    .option("--views", "also write views.png: the top, front and right views beside the iso view")
    .option("--no-review", "skip the self-check turn (check_design + picture) before the part is delivered")
    .option("--json", "print report.json on stdout at the end")
    .option("--events", "NDJSON event stream on stdout");
}

/**
 * Registers `cadagent "<brief>"` (the root program's default action) and `cadagent design
 * "<brief>"`. Positional options are enabled on the root so that options of other commands
 * with the same names (`build --json`, `build -o`) still reach those commands.
 */
export function register(program: Command): void {
  program.enablePositionalOptions();
  withDesignOptions(program.argument("[brief]", BRIEF_HELP)).action(
    async (brief: string | undefined, flags: DesignFlags) => {
      if (brief === undefined) {
        program.outputHelp({ error: true });
        process.exitCode = ExitCode.usage;
        return;
      }
      process.exitCode = await designCommand(brief, flags);
    },
  );
  withDesignOptions(
    program
      .command("design")
      .description("Design a part from a natural-language brief (the default command)")
      .argument("<brief>", BRIEF_HELP),
  ).action(async (brief: string, flags: DesignFlags) => {
    process.exitCode = await designCommand(brief, flags);
  });
}

/** Run one design from the command line; returns the exit code (CLI.md "Exit codes"). */
export async function designCommand(brief: string, flags: DesignFlags): Promise<number> {
  const run = await resolveRun(brief, flags);
  const redactor = new Redactor([run.key?.key]);
  const err = (s: string): void => void process.stderr.write(redactor.redact(s));
  const human = humanRenderer(err);
  const events = flags.events ? ndjsonRenderer((s) => void process.stdout.write(s)) : undefined;

  // First Ctrl-C: stop and save what exists (exit 130). Second: leave at once.
  const interrupt = new AbortController();
  const onSigint = (): void => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
    err("\ninterrupting: saving the design record, transcript and report (Ctrl-C again to quit now)\n");
  };
  process.on("SIGINT", onSigint);
  let report: RunReport;
  try {
    const adapter = providerAdapter(run.provider, run.baseUrl, run.key?.key);
    report = await runDesign({
      brief,
      provider: run.provider,
      model: run.model,
      adapter,
      outDir: run.outDir,
      formats: run.config.formats,
      maxTurns: run.config.maxTurns,
      ...(run.config.budgetUsd !== undefined ? { budgetUsd: run.config.budgetUsd } : {}),
      ...(run.config.effort ? { effort: run.config.effort } : {}),
      ...(run.timeoutMs !== undefined ? { timeoutMs: run.timeoutMs } : {}),
      allowPython: flags.allowPython ?? false,
      review: flags.review !== false,
      renderPreview: previewHook({ views: flags.views ?? false }),
      freecadCmd: run.freecadCmd,
      signal: interrupt.signal,
      redactor,
      onEvent: (e) => {
        human(e);
        events?.(e);
      },
    });
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
  err(formatReport(report, run.outDir));
  if (flags.json) process.stdout.write(`${redactor.redact(JSON.stringify(report, null, 2))}\n`);
  return report.exitCode;
}

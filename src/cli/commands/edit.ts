import type { Command } from "commander";
import { editBrief, editHooks, editInputs, loadEditSource } from "../../agent/edit.js";
import { createRegistry } from "../../tools/catalog.js";
import { UserError } from "../../util/user-error.js";
import { readBrief } from "../brief-input.js";
import { refineLoop } from "../refine-loop.js";
import { resolveRun } from "../resolve-run.js";
import { runOnce, type RunFlags } from "../run-once.js";
import { assertInteractive, withDesignOptions } from "./design.js";

export const ALLOW_PYTHON_HINT = "the record runs Python: add --allow-python to edit it";

/** Registers `cadagent edit <run-dir | design.cad.json | part.step | part.stl> "<instruction>"`. */
export function register(program: Command): void {
  withDesignOptions(
    program
      .command("edit")
      .description(
        "Continue from an earlier part: rebuild it (a STEP/STL is imported as `imported`), show the model its brief, parameters, steps, figures and a picture, and change it as instructed; writes a new output folder whose record names its parent",
      )
      .argument("<part>", "a cadagent output folder, a design.cad.json, or a .step/.stp/.stl/.iges/.brep file")
      .argument("[instruction]", 'what to change, e.g. "make it 5 mm thicker"')
      .addHelpText(
        "after",
        `
The new folder's design.cad.json starts with the parent's steps (it rebuilds on its own with
cadagent build) and has "parent": {"record", "sha256"}; report.json has "diff": parameters
changed, steps added and removed, volume and bbox before and after.

Examples:
  $ cadagent edit cadagent-out/bracket-20261202-101500 "make the plate 6 mm thick"
  $ cadagent edit bracket/design.cad.json -f change.txt -o out/bracket-v2
  $ cadagent edit vendor-part.step "add two 5 mm holes 10 mm from the ends" --input vendor-part.step
  $ echo "add a 2 mm fillet on the top edges" | cadagent edit out/bracket -f -
  $ cadagent edit out/bracket "double the width" -i      # then follow-ups at refine>`,
      ),
  ).action(async (part: string, instruction: string | undefined, flags: RunFlags) => {
    process.exitCode = await editCommand(part, instruction, flags);
  });
}

export async function editCommand(
  target: string,
  instructionArg: string | undefined,
  flags: RunFlags,
): Promise<number> {
  assertInteractive(flags);
  const registry = createRegistry({ allowPython: flags.allowPython ?? false });
  const source = loadEditSource(target, registry.names(), ALLOW_PYTHON_HINT);
  if (instructionArg === undefined && flags.briefFile === undefined)
    throw new UserError('no instruction: cadagent edit <part> "<what to change>" (or -f <file>, -f - for stdin)');
  const instruction = readBrief({ text: instructionArg, file: flags.briefFile, what: "instruction" });
  if (!instruction.trim()) throw new UserError("the instruction is empty: say what to change");
  const brief = editBrief(source, instruction);
  const run = await resolveRun(instruction, flags);
  const report = await runOnce({
    brief,
    run,
    flags,
    edit: editHooks(source, instruction),
    inputs: editInputs(source, flags.input ?? []),
  });
  return flags.interactive ? refineLoop({ last: report, run, flags }) : report.exitCode;
}

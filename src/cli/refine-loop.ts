import { createInterface } from "node:readline";
import { editBrief, editHooks, editInputs, loadEditSource } from "../agent/edit.js";
import type { RunReport } from "../agent/report.js";
import { createRegistry } from "../tools/catalog.js";
import { UserError } from "../util/user-error.js";
import type { ResolvedRun } from "./resolve-run.js";
import { runOnce, type RunFlags } from "./run-once.js";

/**
 * `-i/--interactive`: after a delivery, ask `refine> ` on the terminal; each answer is an edit of
 * the folder just written, into `<first folder>-r<n>`. An empty line or Ctrl-D ends; the exit
 * code is the last run's.
 */

export interface RefineOptions {
  last: RunReport;
  run: ResolvedRun;
  flags: RunFlags;
}

/** One line from the terminal; null on Ctrl-D. A fresh interface per question, so Ctrl-C during a run reaches the run. */
function ask(prompt: string): Promise<string | null> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.once("close", () => {
      if (!answered) resolve(null);
    });
    rl.question(prompt, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}

export async function refineLoop(o: RefineOptions): Promise<number> {
  const allowPythonHint = "the record runs Python: start cadagent with --allow-python";
  const tools = createRegistry({ allowPython: o.flags.allowPython ?? false }).names();
  let exitCode = o.last.exitCode;
  let parentDir = o.run.outDir;
  for (let n = 2; ; n++) {
    const answer = await ask("refine> ");
    if (answer === null || !answer.trim()) break;
    let source;
    try {
      source = loadEditSource(parentDir, tools, allowPythonHint);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      process.stderr.write(`cadagent: ${e.message}\n`);
      break;
    }
    const outDir = `${o.run.outDir}-r${n}`;
    const report = await runOnce({
      brief: editBrief(source, answer),
      run: o.run,
      flags: o.flags,
      outDir,
      edit: editHooks(source, answer),
      inputs: editInputs(source, o.flags.input ?? []),
    });
    exitCode = report.exitCode;
    if (exitCode === 130) break;
    parentDir = outDir;
  }
  return exitCode;
}

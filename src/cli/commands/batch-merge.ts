import path from "node:path";
import type { Command } from "commander";
import { JobFileError } from "../../batch/jobs.js";
import { mergeBatches, mergeProblems } from "../../batch/merge.js";
import { UserError, ExitCode } from "../../util/user-error.js";

interface MergeFlags {
  out?: string;
  copy?: boolean;
  jobs?: string;
  json?: boolean;
}

const HELP = `
Each folder is the -o folder of one \`cadagent batch\` run (typically one shard each). The merged
folder gets one summary.json (every job once, plus a "merge" section naming the folders and any
problem) and one index.html (filter by status, lazy previews, no network) whose links point into
the shard folders, relative, so keep the tree together (or use --copy for a self-contained folder).

A job id found in two folders is kept once (the most complete result) and reported; with --jobs,
ids of the jobs file that no folder has are reported and listed as not run.

Exit codes: 0 every job succeeded and nothing is missing or duplicated · 1 some job failed or did
not run, or ids are missing or duplicated · 2 a folder without summary.json, or bad flags.

Examples:
  cadagent batch merge cad-out/shard-1 cad-out/shard-2 -o cad-out/all
  cadagent batch merge artifacts/cad-parts-* --jobs parts/jobs.jsonl -o merged
  cadagent batch merge /results/shard-* --copy -o /results/report   # one folder to upload
`;

/** Registers `cadagent batch merge <dir>… -o <dir>` under the batch command. */
export function registerMerge(batch: Command): void {
  batch
    .command("merge")
    .description("One summary.json and index.html from several batch (shard) folders")
    .argument("<dirs...>", "batch output folders, each with its summary.json")
    .requiredOption("-o, --out <dir>", "the merged folder (summary.json, index.html)")
    .option("--copy", "copy each job's folder into the merged folder instead of linking into the shard folders")
    .option("--jobs <jobs.jsonl|dir>", "the jobs file the shards ran: report its ids that no folder has")
    .option("--json", "print the merged summary.json on stdout")
    .addHelpText("after", HELP)
    .action(async (dirs: string[], flags: MergeFlags) => {
      process.exitCode = await mergeCommand(dirs, flags);
    });
}

async function mergeCommand(dirs: string[], flags: MergeFlags): Promise<number> {
  const outDir = flags.out as string;
  let summary;
  try {
    summary = await mergeBatches({
      dirs,
      outDir,
      copy: flags.copy ?? false,
      ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
    });
  } catch (e) {
    if (e instanceof JobFileError) throw new UserError(e.message, ExitCode.usage);
    throw e;
  }
  const c = summary.counts;
  const problems = summary.merge ? mergeProblems(summary.merge) : [];
  const err = (s: string): void => void process.stderr.write(`${s}\n`);
  err(
    `merged ${c.total} jobs from ${dirs.length} folder(s): ${c.success} succeeded, ${c.failed} failed` +
      `${c.interrupted ? `, ${c.interrupted} interrupted` : ""}${c.notRun ? `, ${c.notRun} not run` : ""}`,
  );
  for (const p of problems) err(`warning: ${p}`);
  err(`→ ${path.join(outDir, "index.html")}`);
  if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return c.success === c.total && problems.length === 0 ? ExitCode.ok : ExitCode.designFailed;
}

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { RunReport } from "../agent/report.js";
import type { EvalCase } from "./suite.js";

/**
 * `cadagent eval <suite> --from <folder>`: the runs already in a folder laid out as eval writes
 * them, `<folder>/<case>/<k>/` with report.json and the model files, scored without a provider.
 */

export interface ExistingRun {
  case: EvalCase;
  repeat: number;
  dir: string;
}

/** Every `<folder>/<case>/<k>/` of the suite's cases, k a whole number, in case then k order. */
export function existingRuns(folder: string, cases: readonly EvalCase[]): ExistingRun[] {
  const out: ExistingRun[] = [];
  for (const c of cases) {
    const caseDir = path.join(folder, c.name);
    let names: string[];
    try {
      names = readdirSync(caseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && /^[1-9]\d*$/.test(d.name))
        .map((d) => d.name);
    } catch {
      continue;
    }
    for (const k of names.map(Number).sort((a, b) => a - b))
      out.push({ case: c, repeat: k, dir: path.join(caseDir, String(k)) });
  }
  return out;
}

/** A run's report.json; a folder without one (a run killed before it finished) scores as an error run. */
export function readRunReport(dir: string): RunReport {
  try {
    return JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as RunReport;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      status: "error",
      brief: "",
      provider: null,
      model: null,
      turns: 0,
      toolCalls: 0,
      toolErrors: 0,
      usage: null,
      timing: { totalMs: 0, llmMs: 0, cadMs: 0 },
      parts: [],
      parameters: {},
      files: {},
      summary: null,
      error: `no readable report.json in ${dir} (${code ?? String(e)})`,
      exitCode: 1,
    };
  }
}

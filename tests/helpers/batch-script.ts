import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BatchSummary } from "../../src/batch/summary.js";
import { toolReply, type RecordedRequest, type ReplyTurn, type Script, type ScriptTurn } from "./wire/index.js";
import { plateScript } from "./design-script.js";

/**
 * A scripted "model" that serves many concurrent design runs at once. Each brief carries a
 * marker `[job:<id>]`; the turn number is the count of assistant messages already in the
 * request, so the script is stateless: concurrent jobs, retries and re-runs each get the turn
 * that matches their own conversation.
 */

const MARK = /\[job:([A-Za-z0-9._-]+)\]/;
const repoRoot = path.resolve(import.meta.dirname, "..", "..");
export const examplesDir = path.join(repoRoot, "examples");

/** A record whose second step cuts with an object that does not exist: it fails at build. */
export function brokenRecord(dir: string): string {
  const file = path.join(dir, "broken.cad.json");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      format: "cadagent.design/1",
      brief: "a box minus a missing tool",
      createdWith: { cadagent: "0.1.0", provider: null, model: null, freecad: "" },
      parameters: {},
      steps: [
        { tool: "create_box", input: { name: "box", length: 10, width: 10, height: 10 } },
        { tool: "boolean", input: { name: "part", op: "cut", base: "box", tools: ["no_such_object"] } },
      ],
      final: { parts: ["part"], summary: "never" },
    }),
  );
  return file;
}

export const briefFor = (id: string, what = "A 40 x 30 x 10 mm plate with a 10 mm hole in the middle"): string =>
  `${what} [job:${id}]`;

/** The job a request belongs to (from the brief's marker). */
export function jobOf(req: RecordedRequest): string | undefined {
  return MARK.exec(req.rawBody)?.[1];
}

/** 0-based turn of the conversation a request continues. */
export function turnOf(req: RecordedRequest): number {
  const body = req.body as
    { messages?: Array<{ role?: string }>; input?: Array<{ role?: string; type?: string }> } | undefined;
  if (body?.input) {
    // Responses API: each earlier answer is a run of output items (reasoning, assistant message, calls).
    const isOutput = (i: { role?: string; type?: string }) =>
      i.type === "reasoning" ||
      i.type === "function_call" ||
      (i.role === "assistant" && i.type !== "function_call_output");
    return body.input.filter((item, k, all) => isOutput(item) && !(k > 0 && isOutput(all[k - 1] ?? {}))).length;
  }
  const messages = body?.messages ?? [];
  return messages.filter((m) => m.role === "assistant").length;
}

/** A plan per job: the turn to answer at each turn index. */
export type JobPlan = (turn: number) => ScriptTurn;

/** The plate design, 4 turns, optionally each answered after `delayMs`. */
export const platePlan =
  (delayMs = 0): JobPlan =>
  (turn) => {
    const t = plateScript()[turn] ?? plateScript()[3];
    return delayMs ? ({ ...(t as ReplyTurn), delayMs } satisfies ReplyTurn) : (t as ScriptTurn);
  };

/** A model that never finishes: a new parameter every turn, until max turns stops it. */
export const neverFinishes: JobPlan = (turn) =>
  toolReply([["set_parameter", { name: `p${turn}`, value: turn + 1 }]], { usage: { input: 500, output: 20 } });

/** A script that routes each request to its job's plan; `onRequest` sees every request first. */
export function perJobScript(
  plans: Record<string, JobPlan>,
  onRequest?: (req: RecordedRequest, job: string, turn: number) => ScriptTurn | undefined,
): Script {
  return (req) => {
    const job = jobOf(req);
    const plan = job === undefined ? undefined : plans[job];
    if (job === undefined || !plan)
      return { kind: "http-error", status: 400, message: `no plan for this request (job ${job ?? "?"})` };
    const turn = turnOf(req);
    return onRequest?.(req, job, turn) ?? plan(turn);
  };
}

/** Write a jobs.jsonl of objects; returns its path. */
export function writeJobs(dir: string, jobs: Array<Record<string, unknown> | string>, name = "jobs.jsonl"): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, `${jobs.map((j) => (typeof j === "string" ? j : JSON.stringify(j))).join("\n")}\n`);
  return file;
}

export function readSummary(outDir: string): BatchSummary {
  return JSON.parse(readFileSync(path.join(outDir, "summary.json"), "utf8")) as BatchSummary;
}

/** Requests per job, e.g. to prove a job was not run again. */
export function requestsPerJob(requests: readonly RecordedRequest[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of requests) {
    const j = jobOf(r);
    if (j !== undefined) out.set(j, (out.get(j) ?? 0) + 1);
  }
  return out;
}

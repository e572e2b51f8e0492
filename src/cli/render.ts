import type { AgentEvent, ToolFigures } from "../agent/events.js";
import type { RunReport } from "../agent/report.js";
import { withoutProtocolId } from "../llm/network-failure.js";
import { describeRequirement, type RequirementResult } from "../tools/requirements.js";
import { Redactor } from "../util/redact.js";
import { PLAIN, type Style } from "./style.js";

/**
 * Terminal output of a design run. Human progress (model text as it streams, one line per tool
 * call with its key result, retries, errors) goes to stderr; `--events` writes every event as
 * one JSON line to stdout, so pipes stay clean. Events arrive already redacted.
 */

export type Write = (text: string) => void;

/** NDJSON: one event per line, with a timestamp. */
export function ndjsonRenderer(write: Write, now: () => Date = () => new Date()): (e: AgentEvent) => void {
  return (e) => write(`${JSON.stringify({ ts: now().toISOString(), ...e })}\n`);
}

const fmt = (n: number, digits = 2): string => (Math.abs(n) >= 1e6 ? n.toExponential(3) : n.toFixed(digits));

/** "volume 11434.51 mm³, 40×30×10 mm, 2 solids, INVALID, warnings: …" */
export function figuresLine(f: ToolFigures): string {
  const bits: string[] = [];
  if (f.value !== undefined) bits.push(`= ${f.value}${f.unit ? ` ${f.unit}` : ""}`);
  if (f.volume !== undefined) bits.push(`volume ${fmt(f.volume)} mm³`);
  if (f.bbox && f.bbox.min.length === 3 && f.bbox.max.length === 3) {
    bits.push(`${f.bbox.max.map((v, i) => fmt(v - (f.bbox?.min[i] ?? 0), 1).replace(/\.0$/, "")).join("×")} mm`);
  }
  if (f.solids !== undefined && f.solids !== 1) bits.push(`${f.solids} solids`);
  if (f.valid === false) bits.push("INVALID");
  if (f.ok !== undefined) bits.push(f.ok ? "ok" : "problems found");
  if (f.warnings?.length) bits.push(`warnings: ${f.warnings.join("; ")}`);
  return bits.join(", ");
}

const seconds = (ms: number): string => (ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`);

/**
 * Human progress on stderr. Keeps track of whether streamed model text left a line open.
 * Streamed text goes through a sliding-window redactor: events are redacted one by one, and a
 * key split over two text deltas would pass that unseen.
 */
export function humanRenderer(
  write: Write,
  redactor: Redactor = new Redactor(),
  style: Style = PLAIN,
): (e: AgentEvent) => void {
  let midLine = false;
  const stream = redactor.stream();
  const flushText = (): void => {
    const rest = stream.flush();
    if (rest) {
      write(rest);
      midLine = !rest.endsWith("\n");
    }
  };
  const line = (s: string): void => {
    flushText();
    if (midLine) write("\n");
    midLine = false;
    write(`${s}\n`);
  };
  return (e) => {
    if (e.type !== "text-delta") flushText();
    switch (e.type) {
      case "run-start":
        line(
          `cadagent: ${e.provider} ${e.model}, up to ${e.maxTurns} turns${e.budgetUsd !== null ? `, budget $${e.budgetUsd}` : ""} → ${e.outDir}`,
        );
        break;
      case "worker-ready":
        line(`  FreeCAD ${e.freecad || "?"} ready (${e.ms} ms)`);
        break;
      case "turn-start":
        line(`── turn ${e.turn}/${e.maxTurns}${e.final ? " (last)" : ""}`);
        break;
      case "text-delta": {
        const safe = stream.push(e.text);
        if (safe) {
          write(safe);
          midLine = !safe.endsWith("\n");
        }
        break;
      }
      case "retry":
        line(
          style.warn(
            `  ↻ ${e.kind}${e.status !== null ? ` ${e.status}` : ""}: ${withoutProtocolId(e.message)} — retry ${e.attempt}/${e.maxAttempts - 1} in ${seconds(e.delayMs)}`,
          ),
        );
        break;
      case "tool-result": {
        if (e.ok) {
          const figures = figuresLine(e.figures);
          const sep = e.figures.value !== undefined ? " " : ": ";
          line(
            `  → ${e.name}${e.figures.name && e.name !== "finish" ? ` ${e.figures.name}` : ""}${figures ? `${sep}${figures}` : ""}`,
          );
        } else {
          line(
            `  ${style.fail("✗")} ${e.name}: ${e.error?.message ?? "failed"}${e.error?.hint ? ` (hint: ${e.error.hint})` : ""}`,
          );
        }
        break;
      }
      case "notice":
        line(
          e.kind === "finish-now"
            ? "  (last turn: asking the model to finish)"
            : "  (no finish yet: asking the model to continue)",
        );
        break;
      case "review": {
        const r = e.review;
        const check =
          r.ok === null ? "check_design unavailable" : r.ok ? "check_design ok" : "check_design found problems";
        const warn = r.warnings.length ? ` (${r.warnings.length} warning${r.warnings.length > 1 ? "s" : ""})` : "";
        line(
          r.outcome === "failed"
            ? `  review skipped: ${r.error ?? "failed"}`
            : `  review: ${check}${warn}${r.image ? ", picture sent" : ""}; asking the model to compare with the brief`,
        );
        break;
      }
      case "worker-restart":
        line(`  FreeCAD worker restarted (${e.reason}); ${e.replayed} steps replayed`);
        break;
      case "export":
        line(e.error ? `  ${style.fail("✗")} export ${e.format} FAILED: ${e.error}` : `  wrote ${e.file}`);
        break;
      case "warning":
        line(style.warn(`  warning: ${e.message}`));
        break;
      case "requirements": {
        const failed = e.results.filter((r) => !r.pass);
        line(`  requirements: ${e.results.length - failed.length}/${e.results.length} pass`);
        break;
      }
      case "error":
        // Every error ends the run, and the closing line (formatReport) states it: printed once.
        break;
      case "usage":
      case "turn-end":
      case "finish":
        // The run's totals are printed once, from the report (formatReport).
        if (midLine && e.type === "turn-end") {
          write("\n");
          midLine = false;
        }
        break;
    }
  };
}

/** "  part bracket: volume 11434.510 mm³, valid, 1 solid(s), 89.76 g (steel)" */
export function partLine(p: RunReport["parts"][number]): string {
  const what = p.material ?? (p.density !== undefined ? `${p.density} g/cm³` : "");
  const mass = p.mass_g !== undefined ? `, ${fmt(p.mass_g, 2)} g${what ? ` (${what})` : ""}` : "";
  return `  part ${p.name}: volume ${fmt(p.volume, 3)} mm³, ${p.valid ? "valid" : "INVALID"}, ${p.solids} solid(s)${mass}`;
}

/** The closing lines: parts, files, totals, and the status with its reason. */
export function formatReport(r: RunReport, outDir: string, style: Style = PLAIN): string {
  const lines: string[] = [];
  for (const p of r.parts) lines.push(partLine(p));
  for (const q of failedRequirements(r)) lines.push(`  requirement FAILED: ${requirementLine(q)}`);
  const cost = r.usage?.costUsd === null || r.usage === null ? "cost unknown" : `$${r.usage.costUsd.toFixed(4)}`;
  const tokens = r.usage
    ? `${r.usage.inputTokens} in / ${r.usage.outputTokens} out${r.usage.cacheReadTokens ? ` / ${r.usage.cacheReadTokens} cached` : ""} tokens`
    : "";
  lines.push(
    `  ${r.turns} turns, ${r.toolCalls} tool calls (${r.toolErrors} errors), ${tokens}, ${cost}, ${seconds(r.timing.totalMs)}`,
  );
  if (r.status === "success") lines.push(`${style.ok("✓")} done: ${Object.values(r.files).join(", ")} in ${outDir}`);
  else lines.push(`${style.fail("✗")} ${r.status}: ${r.error ?? "unknown error"}\n  saved so far: ${outDir}`);
  return `${lines.join("\n")}\n`;
}

/** report.json `requirements` that did not pass (none when the report has no requirements). */
export function failedRequirements(r: RunReport): RequirementResult[] {
  return Array.isArray(r.requirements) ? (r.requirements as RequirementResult[]).filter((q) => !q.pass) : [];
}

/** "holes: holes Ø6 × 4, measured 3 (holes: Ø6×3)" */
export function requirementLine(q: RequirementResult): string {
  const measured = Array.isArray(q.measured) ? q.measured.join("×") : String(q.measured);
  return `${q.id}: ${describeRequirement(q)}, measured ${measured}${q.detail ? ` (${q.detail})` : ""}`;
}

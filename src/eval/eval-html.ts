import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { EvalResult, EvalRun } from "./eval-result.js";

/** eval.html: one self-contained page (inline CSS, previews as data: URLs, no network, no script). */

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
const num = (v: number | null | undefined, d = 2): string => (v === null || v === undefined ? "–" : v.toFixed(d));
const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
const MAX_PREVIEW_BYTES = 400_000;

function preview(run: EvalRun): string {
  const file = path.join(run.outDir, "preview.png");
  if (!existsSync(file) || statSync(file).size > MAX_PREVIEW_BYTES) return "";
  return `<img alt="preview" src="data:image/png;base64,${readFileSync(file).toString("base64")}">`;
}

export function renderEvalHtml(r: EvalResult, outDir: string): string {
  void outDir;
  const s = r.summary;
  const f = s.funnel;
  const funnelRow = (label: string, n: number): string =>
    `<tr><td>${label}</td><td>${n} / ${f.runs}</td><td><div class="bar" style="width:${f.runs ? (100 * n) / f.runs : 0}%"></div></td></tr>`;
  const pk = Object.entries(s.passAtK)
    .map(([k, v]) => `pass@${k} ${pct(v)}`)
    .join(" · ");
  const rows = r.runs
    .map(
      (
        run,
      ) => `<tr class="${run.pass ? "pass" : "fail"}"><td>${esc(run.case)}</td><td>${run.repeat}</td><td>${run.pass ? "pass" : "fail"}</td>
<td>${["finished", "shapeExists", "validSolid", "stepReimports"].map((k) => (run.funnel[k as keyof EvalRun["funnel"]] ? "✓" : "✗")).join(" ")}</td>
<td>${num(run.volumeErrorPct)}</td><td>${run.bboxErrorMm ? run.bboxErrorMm.map((v) => num(v)).join(" / ") : "–"}</td>
<td>${num(run.chamfer?.mean, 3)}</td><td>${num(run.chamfer?.median, 3)}</td>
<td>${run.tokens.input + run.tokens.output}</td><td>${run.costUsd === null ? "–" : `$${run.costUsd.toFixed(4)}`}</td>
<td>${num(run.timing.llmMs / 1000, 1)}</td><td>${num(run.timing.cadMs / 1000, 1)}</td>
<td class="why">${esc(run.failures.join("; "))}</td><td>${preview(run)}</td></tr>`,
    )
    .join("\n");
  const cases = r.cases
    .map(
      (c) =>
        `<tr><td>${esc(c.case)}</td><td>${esc(c.prompt)}</td><td>${num(c.expected.volume, 1)}</td><td>${c.passes} / ${c.runs}</td><td class="why">${esc(c.expected.notes ?? "")}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cadagent eval</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f3f3f3}.pass td:nth-child(3){color:#070;font-weight:bold}.fail td:nth-child(3){color:#b00;font-weight:bold}
.bar{background:#4a7;height:10px;min-width:1px}.why{max-width:28em;font-size:12px;color:#555}img{width:160px}
</style></head><body>
<h1>cadagent eval</h1>
<p>Suite <code>${esc(r.suite)}</code> · ${esc(r.createdAt)} · ${s.cases} cases × ${r.repeat} repeat(s) = ${s.runs} runs${r.interrupted ? " · <b>interrupted</b>" : ""}</p>
<p><b>pass@1 ${pct(s.passAt1.value)}</b> (95 % Wilson ${pct(s.passAt1.wilson95.low)} – ${pct(s.passAt1.wilson95.high)}) · ${pk}</p>
<p>Pass: ${esc(r.passDefinition)}</p>
<h2>Validity funnel</h2><table>
${funnelRow("run finished", f.finished)}${funnelRow("shape exists", f.shapeExists)}${funnelRow("valid solid", f.validSolid)}${funnelRow("STEP re-imports", f.stepReimports)}
</table>
<p>Mean |volume error| ${num(s.meanVolumeErrorPct)} % · mean bbox error ${s.meanBboxErrorMm ? s.meanBboxErrorMm.map((v) => num(v)).join(" / ") : "–"} mm ·
Chamfer mean ${num(s.chamferMeanMm, 3)} mm, median ${num(s.chamferMedianMm, 3)} mm · tokens ${s.tokens.input} in / ${s.tokens.output} out ·
cost ${s.costUsd === null ? "unknown" : `$${s.costUsd.toFixed(4)}`} · LLM ${num(s.timing.llmMs / 1000, 1)} s · CAD ${num(s.timing.cadMs / 1000, 1)} s</p>
<h2>Cases</h2><table><tr><th>case</th><th>prompt</th><th>volume (mm³)</th><th>passes</th><th>notes</th></tr>
${cases}</table>
<h2>Runs</h2><table><tr><th>case</th><th>#</th><th>result</th><th>funnel</th><th>volume err %</th><th>bbox err x/y/z mm</th><th>Chamfer mean</th><th>Chamfer median</th><th>tokens</th><th>cost</th><th>LLM s</th><th>CAD s</th><th>why not</th><th>preview</th></tr>
${rows}</table>
</body></html>
`;
}

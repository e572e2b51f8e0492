import type { BatchSummary, JobSummary } from "./summary.js";

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (n: number, digits = 1): string => (Math.abs(n) >= 1000 ? n.toFixed(0) : n.toFixed(digits));

/** A link relative to index.html, so the page works opened from disk or from a CI artifact. */
const href = (j: JobSummary, file: string): string =>
  esc([...j.dir.split("/"), ...file.split("/")].map(encodeURIComponent).join("/"));

/** `{"length": 120}` → "length=120 (set)". */
const overridesText = (set: Record<string, number>): string =>
  `${Object.entries(set)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")} (set)`;

function card(j: JobSummary): string {
  const part = j.parts[0];
  const size = part ? part.bbox.max.map((v, i) => fmt(v - (part.bbox.min[i] ?? 0))).join(" × ") + " mm" : "–";
  const links = Object.entries(j.files)
    .filter(([k]) => k !== "preview")
    .map(([k, f]) => `<a href="${href(j, f)}">${esc(k.toUpperCase())}</a>`)
    .concat(
      j.status === "not-run"
        ? []
        : [`<a href="${href(j, "report.json")}">report</a>`, `<a href="${href(j, "transcript.jsonl")}">transcript</a>`],
    )
    .join(" ");
  const preview = j.files.preview
    ? `<img src="${href(j, j.files.preview)}" alt="preview of ${esc(j.id)}" loading="lazy">`
    : `<div class="noimg">no preview</div>`;
  const params = Object.entries(j.parameters)
    .map(([k, v]) => `${k}=${v.value}${v.unit && v.unit !== "mm" ? ` ${v.unit}` : ""}`)
    .join(", ");
  const rows: [string, string][] = [
    ["kind", j.kind === "brief" ? `brief · ${j.provider ?? "?"} ${j.model ?? ""}`.trim() : "design record"],
    [
      "volume",
      part ? `${part.volume.toFixed(1)} mm³${j.parts.length > 1 ? ` (+${j.parts.length - 1} more parts)` : ""}` : "–",
    ],
    ["size", size],
    ...(j.kind === "brief"
      ? ([
          ["turns", String(j.turns)],
          ["tokens", j.tokens ? `${j.tokens.input} in / ${j.tokens.output} out` : "–"],
          ["cost", j.costUsd === null ? "–" : `$${j.costUsd.toFixed(4)}`],
        ] as [string, string][])
      : []),
    ["time", `${(j.ms / 1000).toFixed(1)} s`],
    ...(params ? ([["parameters", params]] as [string, string][]) : []),
  ];
  return `<article class="card ${esc(j.status)}">
  ${preview}
  <h2>${esc(j.id)} <span class="status">${esc(j.status)}${j.resumed ? " (resumed)" : ""}</span></h2>
  ${j.brief ? `<p class="brief">${esc(j.brief)}</p>` : ""}
  ${j.overrides ? `<p class="overrides">with ${esc(overridesText(j.overrides))}</p>` : ""}
  <table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${esc(v)}</td></tr>`).join("")}</table>
  ${j.error ? `<p class="error">${esc(j.error)}</p>` : ""}
  ${(j.failedRequirements ?? []).map((f) => `<p class="error requirement">requirement failed: ${esc(f)}</p>`).join("")}
  ${j.warnings.length ? `<ul class="warnings">${j.warnings.map((w) => `<li>⚠ ${esc(w)}</li>`).join("")}</ul>` : ""}
  <p class="links">${links}</p>
</article>`;
}

/**
 * A filter by status without scripts: radio buttons before <main> hide the other cards through
 * CSS sibling selectors, so the page still needs no script and no network.
 */
function statusFilter(s: BatchSummary): string {
  const c = s.counts;
  const opts: [string, string, number][] = [
    ["all", "all", c.total],
    ["ok", "succeeded", c.success],
    ["bad", "failed", c.failed],
    ["todo", "interrupted or not run", c.interrupted + c.notRun],
  ];
  return opts
    .map(
      ([id, label, n], k) =>
        `<input type="radio" name="status" id="f-${id}"${k === 0 ? " checked" : ""}><label for="f-${id}">${label} (${n})</label>`,
    )
    .join("\n");
}

function mergedFrom(s: BatchSummary): string {
  const m = s.merge;
  if (!m) return "";
  const dirs = m.sources.map((x) => `${esc(x.dir)}${x.shard ? ` (shard ${esc(x.shard)})` : ""}`).join(", ");
  const problems = [
    m.duplicates.length ? `${m.duplicates.length} job id(s) in more than one folder` : "",
    m.missing.length ? `${m.missing.length} job(s) missing` : "",
    m.missingShards.length ? `shard(s) ${esc(m.missingShards.join(", "))} missing` : "",
  ].filter(Boolean);
  return `<p>merged from ${m.sources.length} folder(s)${m.copied ? " (copied)" : ""}: ${dirs}${problems.length ? ` · <strong>${problems.join(" · ")}</strong>` : ""}</p>`;
}

/** A self-contained page (no scripts, no network) of job cards with previews and figures. */
export function renderIndexHtml(s: BatchSummary): string {
  const cost = s.usage.costUsd === null ? "unknown" : `$${s.usage.costUsd.toFixed(4)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cadagent batch: ${s.counts.success}/${s.counts.total} succeeded</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;background:#f4f5f7;color:#222}
header p{color:#555}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px}
.card{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 3px #0002;border-top:4px solid #999;content-visibility:auto;contain-intrinsic-size:auto 420px}
body>input{position:absolute;opacity:0}body>label{display:inline-block;margin:0 6px 12px 0;padding:4px 10px;border-radius:12px;background:#fff;box-shadow:0 1px 2px #0002;cursor:pointer}
body>input:checked+label{background:#222;color:#fff}body>input:focus-visible+label{outline:2px solid #1565c0}
#f-ok:checked~main .card:not(.success),#f-bad:checked~main .card:not(.failed):not(.error),#f-todo:checked~main .card:not(.interrupted):not(.not-run){display:none}
.card.success{border-color:#2e7d32}.card.failed,.card.error{border-color:#c62828}.card.interrupted,.card.not-run{border-color:#ef6c00}
.card img,.noimg{width:100%;aspect-ratio:4/3;object-fit:contain;background:#fafafa;display:flex;align-items:center;justify-content:center;color:#999}
h2{font-size:16px;margin:8px 0}.status{font-size:12px;font-weight:normal;color:#555}
.brief{color:#444;font-style:italic}.overrides{color:#1565c0;margin-top:-6px}table{width:100%;border-collapse:collapse}th{text-align:left;color:#666;font-weight:normal;width:35%}
.error{color:#c62828;white-space:pre-wrap}.links a{margin-right:8px}
.warnings{color:#8a5a00;padding-left:0;list-style:none;font-size:90%}
</style></head><body>
<header><h1>cadagent batch</h1>
<p>${s.counts.success} of ${s.counts.total} jobs succeeded, ${s.counts.failed} failed${s.counts.interrupted ? `, ${s.counts.interrupted} interrupted` : ""}${s.counts.notRun ? `, ${s.counts.notRun} not run` : ""}${s.counts.resumed ? `, ${s.counts.resumed} kept from an earlier run (--resume)` : ""}${s.interrupted ? " · <strong>batch interrupted</strong>" : ""} ·
${(s.totalMs / 1000).toFixed(1)} s · concurrency ${s.concurrency}${s.shard ? ` · shard ${esc(s.shard)}` : ""} ·
tokens ${s.usage.inputTokens} in / ${s.usage.outputTokens} out · cost ${cost} · started ${esc(s.startedAt)}</p>
${mergedFrom(s)}</header>
${statusFilter(s)}
<main>
${s.jobs.map(card).join("\n")}
</main></body></html>
`;
}

// Tokens every model request pays for before any conversation: the system prompt plus the tool
// catalog (name, description and JSON Schema of each tool, as the adapters send them), counted
// with an o200k tokenizer (gpt-tokenizer). "before" is the catalog as it stood before issue #12,
// frozen in bench/baseline/catalog-before.json; "after" is the catalog built from dist/ now.
// The core catalog is offered on every request; other families only after `more_tools`, so
// each family is counted on its own. Goal: system prompt + core catalog <= 6,000 tokens.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";

const GOAL = 6000;
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");

const { createRegistry, allTools } = await import(path.join(dist, "tools/catalog.js"));
const system = readFileSync(path.join(root, "prompts/system.md"), "utf8").trim();
const before = JSON.parse(readFileSync(path.join(root, "bench/baseline/catalog-before.json"), "utf8"));

/** What a provider receives per tool; the adapters differ only in the wrapper key names. */
const toolTokens = (specs) =>
  countTokens(
    JSON.stringify(specs.map((s) => ({ name: s.name, description: s.description, input_schema: s.inputSchema }))),
  );
const beforeTools = before.tools.map((t) => ({ ...t, inputSchema: t.inputSchema }));

const registry = createRegistry({});
const core = registry.specs();
const all = registry.specs({ all: true });
const familyOf = new Map(allTools.map((t) => [t.name, t.family ?? "core"]));
const families = [...new Set(all.map((s) => familyOf.get(s.name) ?? "core"))].filter((f) => f !== "core");

const rows = [];
const row = (what, b, a) => rows.push({ what, before: b, after: a });
const sysBefore = countTokens(before.system);
const sysAfter = countTokens(system);
const toolsBefore = toolTokens(beforeTools);
const toolsAfter = toolTokens(core);
row("system prompt", sysBefore, sysAfter);
row(`core catalog (${beforeTools.length} → ${core.length} tools)`, toolsBefore, toolsAfter);
row("every request: system + core", sysBefore + toolsBefore, sysAfter + toolsAfter);
for (const f of families) {
  const specs = all.filter((s) => familyOf.get(s.name) === f);
  row(`family ${f} (${specs.length} tools, on demand)`, null, toolTokens(specs));
}

const w = Math.max(...rows.map((r) => r.what.length));
const cell = (v) => (v === null ? "-" : String(v)).padStart(8);
console.log(`${"o200k tokens".padEnd(w)}  ${"before".padStart(8)}  ${"after".padStart(8)}  ratio`);
for (const r of rows) {
  const ratio = r.before ? `${(r.after / r.before).toFixed(2)}×` : "";
  console.log(`${r.what.padEnd(w)}  ${cell(r.before)}  ${cell(r.after)}  ${ratio}`);
}
const total = sysAfter + toolsAfter;
console.log(`goal: system + core <= ${GOAL}: ${total <= GOAL ? "met" : "NOT MET"} (${total})`);
console.log("\nlargest core tools (after):");
for (const s of core
  .map((s) => ({ name: s.name, t: toolTokens([s]) }))
  .sort((a, b) => b.t - a.t)
  .slice(0, 6))
  console.log(`  ${s.name.padEnd(16)} ${s.t}`);
if (total > GOAL) process.exitCode = 1;

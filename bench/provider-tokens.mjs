// Tokens and cost of one scripted 10-turn design per provider, prompt caching on versus off,
// measured in the same run. The agent loop, the real system prompt and tool catalog, and each
// provider's real adapter talk to the local wire servers (tests/helpers/wire, compiled here),
// which bill like the providers do: with caching, the previous request's prompt is read from
// the cache (Anthropic, and Claude through OpenRouter, also write the new part to it); without,
// every prompt token is input. Cost uses each default model's prices from providers/*.json.
// OpenAI and Gemini cache implicitly (nothing to switch on): their "off" row is the same
// conversation without the discount. No FreeCAD: tool results are canned.
// Imports the compiled code: run `npm run bench` (builds first) or `npm run build` before.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CostMeter } from "../dist/agent/budget.js";
import { runAgentLoop } from "../dist/agent/loop.js";
import { loadPrompts } from "../dist/agent/prompts.js";
import { DEFAULT_RETRY_POLICY } from "../dist/agent/retry.js";
import { createAdapter } from "../dist/llm/create-adapter.js";
import { findProvider, modelPrice } from "../dist/llm/providers.js";
import { createRegistry } from "../dist/tools/catalog.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-bench-tokens-"));
const TURNS = 10;
const OUTPUTS = [420, 260, 310, 180, 390, 240, 200, 330, 280, 120];
const CHARS_PER_TOKEN = 4;

// The wire servers are TypeScript test helpers: compile them once for this run.
const tsc = spawnSync(
  process.execPath,
  [
    path.join(root, "node_modules/typescript/bin/tsc"),
    "--outDir",
    tmp,
    "--rootDir",
    root,
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--target",
    "es2022",
    "--skipLibCheck",
    "--ignoreConfig",
    "--types",
    "node",
    path.join(root, "tests/helpers/wire/index.ts"),
  ],
  { encoding: "utf8" },
);
if (tsc.status !== 0) {
  console.error(`provider-tokens: compiling the wire servers failed:\n${tsc.stdout}${tsc.stderr}`);
  process.exit(1);
}
writeFileSync(path.join(tmp, "package.json"), '{"type":"module"}');
const wire = await import(path.join(tmp, "tests/helpers/wire/index.js"));

const catalog = createRegistry({});
const prompts = loadPrompts();

/** The real catalog's schemas with canned results: the loop and the prompt are real, FreeCAD is not. */
const registry = {
  specs: () => catalog.specs(),
  names: () => catalog.names(),
  async execute(name, input) {
    const result = name === "finish" ? { finished: true } : { name: "part", volume: 11214.6, valid: true, solids: 1 };
    return {
      name,
      ok: true,
      mutates: name !== "finish",
      input,
      result,
      content: [{ type: "text", text: JSON.stringify(result) }],
      ms: 1,
    };
  },
};

const CASES = [
  { provider: "anthropic", protocol: "anthropic", writes: true },
  { provider: "openai", protocol: "openai-responses", writes: false },
  { provider: "gemini", protocol: "gemini", writes: false },
  { provider: "openrouter", protocol: "openai-chat", writes: true, variant: "openrouter" },
];

async function design(c, caching) {
  const provider = findProvider(c.provider);
  const model = provider.defaultModel;
  let previous = 0;
  const script = (req, i) => {
    const prompt = Math.ceil(req.rawBody.length / CHARS_PER_TOKEN);
    const cached = caching && i > 0 ? Math.min(previous, prompt) : 0;
    const usage = caching
      ? c.writes
        ? { input: 0, cacheRead: cached, cacheWrite: prompt - cached, output: OUTPUTS[i] }
        : { input: prompt - cached, cacheRead: cached, output: OUTPUTS[i] }
      : { input: prompt, output: OUTPUTS[i] };
    previous = prompt;
    return i < TURNS - 1
      ? wire.toolReply([["create_box", { name: `p${i}`, length: 10 + i, width: 10, height: 5 }]], {
          text: `Step ${i + 1}: the next feature.`,
          usage,
        })
      : wire.toolReply([["finish", { parts: ["p0"], summary: "done" }]], { usage });
  };
  const server = await wire.startWireServer(c.protocol, { script, variant: c.variant });
  try {
    const adapter = createAdapter({
      protocol: c.protocol,
      baseUrl: server.baseUrl,
      apiKey: "bench",
      promptCaching: caching,
      ...(c.variant ? { dialect: c.variant } : {}),
    });
    const meter = new CostMeter(modelPrice(provider, model), undefined);
    const gen = runAgentLoop({
      adapter,
      registry,
      ctx: { cad: {}, outDir: tmp },
      model,
      prompts,
      brief: "a 40 x 30 x 10 mm plate with a 10 mm hole",
      maxTurns: TURNS + 2,
      maxTokens: 16_384,
      meter,
      retry: { ...DEFAULT_RETRY_POLICY, scale: 0 },
      signal: new AbortController().signal,
    });
    let step;
    do step = await gen.next();
    while (!step.done);
    if (step.value.stopReason !== "finished")
      throw new Error(`${c.provider}: ${step.value.stopReason} ${step.value.error}`);
    return { model, turns: step.value.turns, usage: meter.usage, cost: meter.spentUsd };
  } finally {
    await server.close();
  }
}

const rows = [];
try {
  for (const c of CASES) {
    const off = await design(c, false);
    const on = await design(c, true);
    rows.push({ c, off, on });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const usd = (x) => `$${x.toFixed(4)}`;
const header = [
  "provider",
  "model",
  "turns",
  "caching",
  "input",
  "cache read",
  "cache write",
  "output",
  "cost",
  "off/on",
];
const table = [header];
for (const { c, off, on } of rows) {
  for (const [label, r] of [
    ["off", off],
    ["on", on],
  ]) {
    table.push([
      c.provider,
      r.model,
      String(r.turns),
      label,
      String(r.usage.inputTokens),
      String(r.usage.cacheReadTokens),
      String(r.usage.cacheWriteTokens),
      String(r.usage.outputTokens),
      usd(r.cost),
      label === "on" ? `${(off.cost / on.cost).toFixed(2)}x` : "1.00x",
    ]);
  }
}
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const r of table) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join("  "));
console.log(
  "\ncaching saving = cost without caching / cost with caching, same scripted conversation, same run (tokens from the wire servers' usage).",
);

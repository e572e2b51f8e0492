#!/usr/bin/env node
// ruff (lint + format check) over the FreeCAD worker's Python, through ruff's WebAssembly build
// from npm: the Python in FreeCAD's environment has no pip, and Debian 12 has no ruff package.
//   node scripts/ruff.mjs          check: lint errors and unformatted files fail (exit 1)
//   node scripts/ruff.mjs --fix    rewrite files with ruff's formatting
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PositionEncoding, Workspace } from "@astral-sh/ruff-wasm-nodejs";

const root = path.resolve(import.meta.dirname, "..", "src", "cad", "worker");
const fix = process.argv.includes("--fix");
const settings = {
  ...Workspace.defaultSettings(),
  "line-length": 120,
  // E501: the formatter owns line length; B904/B905: the worker turns every exception into a tool error itself,
  // and its zips pair lists built together.
  lint: { select: ["E", "F", "W", "B", "UP"], ignore: ["E501", "B904", "B905"] },
  "target-version": "py311",
  format: { "quote-style": "double" },
};
const ws = new Workspace(settings, PositionEncoding.Utf16);

function pyFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "__pycache__" ? [] : pyFiles(p);
    return e.name.endsWith(".py") ? [p] : [];
  });
}

let problems = 0;
for (const file of pyFiles(root)) {
  const src = readFileSync(file, "utf8");
  const rel = path.relative(process.cwd(), file);
  const formatted = ws.format(src);
  if (formatted !== src) {
    if (fix) writeFileSync(file, formatted);
    else {
      problems++;
      console.error(`${rel}: not formatted (node scripts/ruff.mjs --fix)`);
    }
  }
  for (const d of ws.check(fix ? formatted : src)) {
    problems++;
    console.error(`${rel}:${d.start_location.row}:${d.start_location.column}: ${d.code ?? ""} ${d.message}`);
  }
}
if (problems) {
  console.error(`ruff: ${problems} problem(s)`);
  process.exit(1);
}
console.log(`ruff: ${pyFiles(root).length} files clean`);

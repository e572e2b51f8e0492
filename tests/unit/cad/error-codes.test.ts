import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WORKER_ERROR_CODES } from "../../../src/cad/error-codes.js";

const workerDir = path.resolve(import.meta.dirname, "..", "..", "..", "src", "cad", "worker", "cadagent_worker");

/** ERROR_CODES = ("a", "b", ...) in registry.py. */
function pythonCodes(): string[] {
  const src = readFileSync(path.join(workerDir, "registry.py"), "utf8");
  const tuple = /ERROR_CODES = \(([^)]*)\)/.exec(src)?.[1] ?? "";
  return [...tuple.matchAll(/"([a-z_]+)"/g)].map((m) => m[1] ?? "");
}

describe("worker error codes", () => {
  it("Python and TypeScript hold the same list", () => {
    expect(pythonCodes().length).toBeGreaterThan(10);
    expect([...WORKER_ERROR_CODES].sort()).toEqual(pythonCodes().sort());
  });

  it("every code the worker raises is in the list", () => {
    const used = new Set<string>();
    for (const f of readdirSync(workerDir).filter((n) => n.endsWith(".py"))) {
      const src = readFileSync(path.join(workerDir, f), "utf8");
      for (const m of src.matchAll(/code[=:]\s*"([a-z_]+)"/g)) used.add(m[1] ?? "");
    }
    expect(used.size).toBeGreaterThan(10);
    const known = new Set<string>(WORKER_ERROR_CODES);
    expect([...used].filter((c) => !known.has(c))).toEqual([]);
  });
});

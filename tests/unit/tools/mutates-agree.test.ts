import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allTools } from "../../../src/tools/catalog.js";

/**
 * The Node side journals a tool's successful calls as record steps when it `mutates`; the worker
 * snapshots and rolls back around an op when it is `mutating`. The two must agree for every tool
 * that is a worker op of the same name, or a failed call leaves a half-changed document, or a
 * record misses (or replays) a step. Read from the worker's @op declarations as written.
 */
const workerDir = path.join(import.meta.dirname, "../../../src/cad/worker/cadagent_worker");
const OP = /@op\(\s*"([a-z_]+)"\s*(?:,\s*mutating\s*=\s*(True|False)\s*)?\)/g;

function workerOps(): Map<string, boolean> {
  const ops = new Map<string, boolean>();
  for (const file of readdirSync(workerDir).filter((f) => f.endsWith(".py"))) {
    for (const m of readFileSync(path.join(workerDir, file), "utf8").matchAll(OP)) {
      ops.set(m[1] ?? "", m[2] !== "False");
    }
  }
  return ops;
}

/** Tools implemented in Node on top of other ops (parts_health, tessellate) or by the registry. */
const NOT_OPS = new Set(["finish", "render_view", "more_tools"]);

describe("mutating flags", () => {
  const ops = workerOps();

  it("finds the worker's ops", () => {
    expect(ops.get("create_box")).toBe(true);
    expect(ops.get("measure")).toBe(false);
  });

  it.each(allTools.filter((t) => !NOT_OPS.has(t.name)).map((t) => [t.name, t.mutates] as const))(
    "%s: the tool's mutates matches the worker op's mutating",
    (name, mutates) => {
      expect(ops.has(name), `no worker op '${name}'`).toBe(true);
      expect(ops.get(name)).toBe(mutates);
    },
  );

  it("the Node-side tools that are not ops do not mutate", () => {
    for (const t of allTools.filter((x) => NOT_OPS.has(x.name))) expect(t.mutates, t.name).toBe(false);
  });
});

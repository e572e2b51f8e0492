import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CadClient } from "../../src/cad/client.js";
import { findFreecad } from "../../src/cad/find-freecad.js";
import type { ToolContext } from "../../src/tools/context.js";
import { createRegistry } from "../../src/tools/catalog.js";
import type { ToolOutcome, ToolRegistry } from "../../src/tools/registry.js";

/**
 * FreeCAD must be installed for these tests (scripts/setup installs it). Failing loudly here,
 * rather than skipping, is deliberate: a silently skipped geometry test proves nothing.
 */
export function freecadCmd(): string {
  const found = findFreecad();
  if (!found) throw new Error("FreeCAD not found: run scripts/setup (installs freecad-python3) or set FREECAD_CMD");
  return found.path;
}

export interface CadHarness {
  cad: CadClient;
  registry: ToolRegistry;
  ctx: ToolContext;
  outDir: string;
  /** Run a tool; throws with the error text when it fails (use `tryTool` to inspect failures). */
  tool(name: string, input: unknown): Promise<Record<string, unknown>>;
  tryTool(name: string, input: unknown): Promise<ToolOutcome>;
  close(): Promise<void>;
}

export async function startCad(opts: { allowPython?: boolean } = {}): Promise<CadHarness> {
  const cad = new CadClient({ freecadCmd: freecadCmd(), defaultTimeoutMs: 30_000 });
  await cad.start();
  const registry = createRegistry({ allowPython: opts.allowPython ?? false });
  const outDir = mkdtempSync(path.join(os.tmpdir(), "cadagent-test-out-"));
  const ctx: ToolContext = { cad, outDir };
  const tryTool = (name: string, input: unknown): Promise<ToolOutcome> => registry.execute(name, input, ctx);
  return {
    cad,
    registry,
    ctx,
    outDir,
    tryTool,
    async tool(name, input) {
      const o = await tryTool(name, input);
      if (!o.ok) throw new Error(`${name} failed: ${o.error?.message} (hint: ${o.error?.hint ?? "-"})`);
      return o.result ?? {};
    },
    async close() {
      await cad.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Relative closeness for volumes/areas computed by hand. */
export function near(actual: number, expected: number, relTol = 1e-6): boolean {
  return Math.abs(actual - expected) <= relTol * Math.max(1, Math.abs(expected));
}

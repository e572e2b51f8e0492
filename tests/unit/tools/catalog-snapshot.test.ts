import { describe, expect, it } from "vitest";
import { createRegistry } from "../../../src/tools/catalog.js";

/**
 * The exact tool catalog the model sees (names, descriptions, JSON Schemas), every family, so any
 * growth shows in review as a diff of catalog.json. Every request pays for each token of the core
 * catalog: bench/catalog-tokens.mjs counts them against the 6,000 budget. After an intended change
 * run `npx vitest run tests/unit/tools/catalog-snapshot.test.ts -u`.
 */
describe("catalog snapshot", () => {
  it("holds the exact schemas the model sees", async () => {
    const specs = createRegistry({ allowPython: true }).specs({ all: true });
    await expect(`${JSON.stringify(specs, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/catalog.json");
  });

  it("the core catalog leaves the on-demand families out", () => {
    const core = createRegistry({})
      .specs()
      .map((s) => s.name);
    expect(core).toContain("more_tools");
    expect(core).not.toContain("export");
    expect(core).not.toContain("create_torus");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeometryHealth } from "../../../src/cad/protocol.js";
import { type CadHarness, startCad } from "../../helpers/cad.js";

/**
 * create_gear on real FreeCAD. Known answers from the ISO 53 rack: outside Ø = (z + 2)·m (a tooth
 * points along +X, so the bbox's x extent is the outside diameter) and root Ø = (z − 2.5)·m,
 * checked by cutting away a disc just inside and just outside the root circle: outside it the
 * z teeth fall apart into z solids, inside it one ring remains.
 */

let h: CadHarness;
beforeAll(async () => {
  h = await startCad();
});
afterAll(async () => {
  await h.close();
});

type Gear = GeometryHealth & { gear: Record<string, number> };

async function solidsAfterCoring(gear: string, radius: number): Promise<number> {
  const copy = `${gear}_c${Math.round(radius * 1000)}`;
  await h.tool("copy", { object: gear, name: copy });
  await h.tool("create_cylinder", { name: `${copy}_core`, radius, height: 20, position: [0, 0, -5] });
  const cut = await h.tool("boolean", { op: "cut", base: copy, tools: [`${copy}_core`] });
  return cut.solids as number;
}

describe("create_gear", () => {
  for (const [m, z] of [
    [2, 20],
    [1.5, 9],
  ] as const) {
    it(`module ${m}, ${z} teeth: outside Ø (z+2)·m and root Ø (z−2.5)·m`, async () => {
      const name = `g${z}`;
      const g = (await h.tool("create_gear", { name, module: m, teeth: z, thickness: 6 })) as unknown as Gear;
      expect(g.valid).toBe(true);
      expect(g.solids).toBe(1);
      const od = (z + 2) * m;
      const rf = ((z - 2.5) * m) / 2;
      expect(g.bbox.max[0]).toBeCloseTo(od / 2, 6);
      expect(g.bbox.max[2] - g.bbox.min[2]).toBeCloseTo(6, 9);
      expect(g.gear.outside_diameter).toBeCloseTo(od, 9);
      expect(g.gear.root_diameter).toBeCloseTo(2 * rf, 9);
      expect(g.gear.involute_max_deviation).toBeLessThan(1e-5);
      // Volume lies between the root and the outside discs.
      expect(g.volume).toBeGreaterThan(Math.PI * rf * rf * 6);
      expect(g.volume).toBeLessThan(Math.PI * (od / 2) ** 2 * 6);
      expect(await solidsAfterCoring(name, rf + 0.01)).toBe(z);
      expect(await solidsAfterCoring(name, rf - 0.01)).toBe(1);
    });
  }

  it("module and teeth may be parameter expressions", async () => {
    await h.tool("set_parameter", { name: "teeth", value: 14 });
    await h.tool("set_parameter", { name: "mod", value: 1 });
    const g = (await h.tool("create_gear", {
      module: "mod",
      teeth: "teeth",
      thickness: 3,
      bore: 4,
    })) as unknown as Gear;
    expect(g.gear.outside_diameter).toBeCloseTo(16, 9);
    // the bore removes π·2²·3
    expect(g.bbox.max[0]).toBeCloseTo(8, 6);
  });

  it("fewer than 6 teeth is a tool error with a hint; the worker lives on", async () => {
    const o = await h.tryTool("create_gear", { module: 2, teeth: 5, thickness: 5 });
    expect(o.ok).toBe(false);
    const p = await h.tryTool("create_gear", { module: 2, teeth: "3+2", thickness: 5 });
    expect(p.ok).toBe(false);
    expect(p.error?.message).toContain("at least 6 teeth");
    expect(p.error?.hint).toContain("6 or more");
    const ok = await h.tool("create_gear", { module: 1, teeth: 6, thickness: 2 });
    expect(ok.valid).toBe(true);
  });
});

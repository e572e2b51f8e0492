import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCad, type CadHarness } from "../../helpers/cad.js";
import { measureRequirements, type RequirementResult } from "../../../src/tools/requirements.js";

/**
 * Requirements measured on real FreeCAD (ops_requirements.py): a 100×60×5 plate with Ø6 through
 * holes and a Ø10 boss on top, whose outer cylinder must not count as a hole.
 */

let h: CadHarness;
beforeAll(async () => {
  h = await startCad();
});
afterAll(() => h.close());

const HOLES: Array<[number, number]> = [
  [10, 10],
  [90, 10],
  [10, 50],
  [90, 50],
];
// Hand-computed: plate − four Ø6 × 5 holes + a Ø10 × 8 boss.
const VOLUME = 100 * 60 * 5 - 4 * Math.PI * 9 * 5 + Math.PI * 25 * 8;

const requirements = [
  { id: "length", kind: "size", axis: "x", value: 100 },
  { id: "height", kind: "size", axis: "z", value: 13 },
  { id: "mounting", kind: "holes", diameter: 6, count: 4 },
  { id: "volume", kind: "volume", value: Math.round(VOLUME) },
  { id: "mass", kind: "mass", value: (VOLUME * 2.7) / 1000, material: "aluminium" },
  { id: "mass_density", kind: "mass", value: (VOLUME * 1.25) / 1000, density: 1.25 },
  { id: "box", kind: "fits_in", size: [14, 101, 61] },
  { id: "one_part", kind: "parts", count: 1 },
];

async function plate(name: string, holes: Array<[number, number]>): Promise<void> {
  await h.tool("create_box", { name: `${name}_blank`, length: 100, width: 60, height: 5 });
  await h.tool("create_cylinder", { name: `${name}_boss`, radius: 5, height: 8, position: [50, 30, 5] });
  await h.tool("boolean", { name: `${name}_body`, op: "union", base: `${name}_blank`, tools: [`${name}_boss`] });
  const tools: string[] = [];
  for (const [i, [x, y]] of holes.entries()) {
    await h.tool("create_cylinder", { name: `${name}_h${i}`, radius: 3, height: 7, position: [x, y, -1] });
    tools.push(`${name}_h${i}`);
  }
  await h.tool("boolean", { name, op: "cut", base: `${name}_body`, tools });
}

const byId = (rs: RequirementResult[], id: string): RequirementResult | undefined => rs.find((r) => r.id === id);

describe("requirements on real FreeCAD", () => {
  it("a right part passes every kind", async () => {
    await h.tool("declare_requirements", { requirements });
    await plate("good", HOLES);
    const rs = await measureRequirements(h.ctx, ["good"]);
    expect(rs.map((r) => r.id)).toEqual(requirements.map((r) => r.id));
    for (const r of rs) expect(r.pass, JSON.stringify(r)).toBe(true);
    expect(byId(rs, "mounting")?.measured).toBe(4);
    expect(byId(rs, "height")?.measured).toBeCloseTo(13, 6);
    expect(byId(rs, "mass")?.measured).toBeCloseTo((VOLUME * 2.7) / 1000, 2);
    // Any orientation of the bbox axes fits: the extents are 100, 60, 13.
    expect(byId(rs, "box")?.measured).toEqual([100, 60, 13]);
  });

  it("four Ø6 holes declared, three built: holes fails with measured count 3; the rest still pass", async () => {
    await plate("bad", HOLES.slice(0, 3));
    const rs = await measureRequirements(h.ctx, ["bad"]);
    const holes = byId(rs, "mounting");
    expect(holes).toMatchObject({ kind: "holes", expected: 4, measured: 3, pass: false });
    expect(holes?.detail).toContain("Ø6×3");
    expect(byId(rs, "length")?.pass).toBe(true);
    // One hole less is 45π mm³ more, within the default 1 %: the volume alone would not catch it.
    expect(byId(rs, "volume")?.measured).toBeCloseTo(VOLUME + 45 * Math.PI, 2);
    expect(byId(rs, "volume")?.pass).toBe(true);
  });

  it("a wrong number is refused with a hint, and nothing is declared", async () => {
    const o = await h.tryTool("declare_requirements", {
      requirements: [{ id: "m", kind: "mass", value: 10 }],
    });
    expect(o.ok).toBe(false);
    expect(o.error?.message).toContain("mass needs a material or a density");
  });
});

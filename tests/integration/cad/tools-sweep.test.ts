import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeometryHealth } from "../../../src/cad/protocol.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/**
 * create_helix and sweep on real FreeCAD. A helix of radius R, pitch p and height h is
 * (h/p) turns of length √((2πR)² + p²) each. A circle of radius a in the meridian plane swept
 * along it (Frenet) is invariant under the screw motion, so by Pappus its volume is
 * (h/p)·2πR·πa², and its bbox is [−R−a, R+a]² × [−a, h+a].
 */

let h: CadHarness;
beforeAll(async () => {
  h = await startCad();
});
afterAll(async () => {
  await h.close();
});

describe("create_helix and sweep", () => {
  it("a spring: 6 turns, R 10, wire Ø2 — Pappus volume and bbox", async () => {
    const hx = await h.tool("create_helix", { name: "hx", radius: 10, pitch: 5, height: 30 });
    expect(near(hx.length as number, 6 * Math.hypot(2 * Math.PI * 10, 5), 1e-6)).toBe(true);
    expect(hx.turns).toBe(6);
    await h.tool("create_sketch", {
      name: "wire",
      plane: "XZ",
      profiles: [{ type: "circle", cx: 10, cy: 0, radius: 1 }],
    });
    const s = (await h.tool("sweep", { name: "spring", profile: "wire", path: "hx" })) as unknown as GeometryHealth;
    expect(s.valid).toBe(true);
    expect(s.solids).toBe(1);
    expect(near(s.volume, 6 * 2 * Math.PI * 10 * Math.PI, 1e-5)).toBe(true);
    [-11, -11, -1].forEach((v, i) => expect(s.bbox.min[i]).toBeCloseTo(v, 4));
    [11, 11, 31].forEach((v, i) => expect(s.bbox.max[i]).toBeCloseTo(v, 4));
    const parts = await h.tool("measure", {});
    expect(parts.count).toBe(1);
  });

  it("a helix bound to parameters keeps its expressions", async () => {
    await h.tool("set_parameter", { name: "coil_r", value: 6 });
    const hx = await h.tool("create_helix", { radius: "coil_r", pitch: 2, height: "coil_r" });
    expect(hx.bbox).toMatchObject({ max: [6, expect.any(Number), 6] });
    const o = await h.tool("get_object", { name: hx.name as string });
    expect(JSON.stringify(o)).toContain("coil_r");
  });

  it("an open profile or a solid path is a tool error with a hint", async () => {
    await h.tool("create_box", { name: "b", length: 1, width: 1, height: 1 });
    await h.tool("create_sketch", { name: "c", plane: "XY", profiles: [{ type: "circle", radius: 1 }] });
    const o = await h.tryTool("sweep", { profile: "c", path: "b" });
    expect(o.ok).toBe(false);
    expect(o.error?.hint).toContain("create_helix");
  });
});

describe("sweep along an open_path", () => {
  it("a pipe elbow: Ø10 disc along 20 + quarter arc R15 + 20 — volume π·5²·(40 + 15π/2)", async () => {
    await h.tool("create_sketch", {
      name: "route",
      plane: "XZ",
      profiles: [
        {
          type: "open_path",
          start: [0, 0],
          segments: [
            { line_to: [0, 20] },
            { arc_to: [15, 35], through: [15 - 15 * Math.SQRT1_2, 20 + 15 * Math.SQRT1_2] },
            { line_to: [35, 35] },
          ],
        },
      ],
    });
    await h.tool("create_sketch", { name: "disc", plane: "XY", profiles: [{ type: "circle", radius: 5 }] });
    const s = (await h.tool("sweep", { name: "elbow", profile: "disc", path: "route" })) as unknown as GeometryHealth;
    expect(s.valid).toBe(true);
    expect(near(s.volume, Math.PI * 25 * (40 + (15 * Math.PI) / 2), 1e-6)).toBe(true);
    [-5, -5, 0].forEach((v, i) => expect(s.bbox.min[i]).toBeCloseTo(v, 4));
    [35, 5, 40].forEach((v, i) => expect(s.bbox.max[i]).toBeCloseTo(v, 4));
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CadHarness, startCad } from "../../helpers/cad.js";

/**
 * thread and hole {thread} on real FreeCAD. The independent value: a helical sweep of a planar
 * profile lying in an axial half-plane has volume turns · area · 2π · centroid radius (the map
 * (r, θ, z) → (r cos θ, r sin θ, z + θP/2π) keeps r dr dθ dz), so an external thread of length L
 * is the core cylinder at the minor radius plus (L/P) · A · 2π · r̄ of the ISO tooth above it: a
 * trapezoid of depth 5H/8 = 0.541266·P with 30° flanks and a P/8 crest flat.
 */

let h: CadHarness;
beforeAll(async () => {
  h = await startCad();
});
afterAll(async () => {
  await h.close();
});

const TAN30 = Math.tan(Math.PI / 6);

/** Volume of the ISO tooth/groove region between r_lo and r_hi over `length`. */
export function toothVolume(pitch: number, rLo: number, rHi: number, length: number): number {
  const depth = rHi - rLo;
  const b1 = pitch / 8;
  const b0 = b1 + 2 * depth * TAN30;
  const area = 0.5 * (b0 + b1) * depth;
  const rc = rLo + (depth * (b0 + 2 * b1)) / (3 * (b0 + b1));
  return (length / pitch) * area * 2 * Math.PI * rc;
}

type Thread = { volume: number; valid: boolean; solids: number; bbox: { min: number[]; max: number[] } } & {
  thread: Record<string, number | string>;
};

describe("thread", () => {
  it("an external M8×20 thread: volume between the minor and major cylinders, equal to the independent value", async () => {
    await h.tool("create_cylinder", { name: "rod", radius: 4, height: 20 });
    const t0 = Date.now();
    const t = (await h.tool("thread", { object: "rod", face: "%CYLINDER", size: "M8" })) as unknown as Thread;
    const ms = Date.now() - t0;
    expect(t.valid).toBe(true);
    expect(t.solids).toBe(1);
    const P = 1.25;
    const rMin = 4 - (1.082532 * P) / 2;
    const lo = Math.PI * rMin * rMin * 20;
    const hi = Math.PI * 16 * 20;
    expect(t.volume).toBeGreaterThan(lo);
    expect(t.volume).toBeLessThan(hi);
    const expected = lo + toothVolume(P, rMin, 4, 20);
    expect(Math.abs(t.volume - expected) / expected).toBeLessThan(1e-5);
    expect((t.bbox.max[2] ?? 0) - (t.bbox.min[2] ?? 0)).toBeCloseTo(20, 6);
    expect(t.bbox.max[0]).toBeLessThanOrEqual(4 + 1e-6);
    expect(t.thread.kind).toBe("external");
    expect(t.thread.minor_diameter).toBeCloseTo(8 - 1.082532 * P, 5);
    // STL tessellation finishes quickly.
    const s0 = Date.now();
    await h.tool("export", { format: "stl", filename: "m8.stl" });
    const stlMs = Date.now() - s0;
    console.log(`M8x20 thread: ${ms} ms, STL ${stlMs} ms, volume ${t.volume} vs ${expected}`);
    expect(stlMs).toBeLessThan(5000);
  });

  it("a shorter length threads the free end only", async () => {
    await h.tool("create_cylinder", { name: "r2", radius: 3, height: 12 });
    const t = (await h.tool("thread", { object: "r2", face: "%CYLINDER", size: "M6", length: 5 })) as unknown as Thread;
    const P = 1;
    const rMin = 3 - (1.082532 * P) / 2;
    const expected = Math.PI * 9 * 7 + Math.PI * rMin * rMin * 5 + toothVolume(P, rMin, 3, 5);
    expect(Math.abs(t.volume - expected) / expected).toBeLessThan(1e-5);
  });

  it("a thread too big for its cylinder, a pitch deeper than the radius, a flat face: tool errors with hints", async () => {
    await h.tool("create_cylinder", { name: "thin", radius: 4, height: 10 });
    const big = await h.tryTool("thread", { object: "thin", face: "%CYLINDER", size: "M20" });
    expect(big.ok).toBe(false);
    expect(big.error?.message).toContain("Ø20");
    expect(big.error?.hint).toBeTruthy();
    const deep = await h.tryTool("thread", { object: "thin", face: "%CYLINDER", size: { pitch: 8, depth: 4.5 } });
    expect(deep.ok).toBe(false);
    expect(deep.error?.hint).toBeTruthy();
    const deep2 = await h.tryTool("thread", { object: "thin", face: "%CYLINDER", size: { pitch: 10, depth: 5 } });
    expect(deep2.ok).toBe(false);
    expect(deep2.error?.message).toContain("does not fit");
    const flat = await h.tryTool("thread", { object: "thin", face: ">Z", size: "M8" });
    expect(flat.ok).toBe(false);
    expect(flat.error?.message).toContain("cylindrical");
    expect(flat.error?.hint).toBeTruthy();
    // The worker still answers.
    const ok = await h.tool("create_box", { name: "after", length: 1, width: 1, height: 1 });
    expect(ok.volume).toBeCloseTo(1, 9);
  });
});

describe("hole with thread", () => {
  async function block(name: string): Promise<void> {
    await h.tool("create_box", { name, length: 20, width: 20, height: 10 });
  }

  it("a tapped M6 hole removes more than the tap drill and less than Ø6; equals drill + modelled groove", async () => {
    await block("b1");
    await block("b2");
    const plain = await h.tool("hole", { object: "b1", face: ">Z", positions: [[10, 10, 10]], diameter: 5, depth: 8 });
    const tapped = await h.tool("hole", {
      object: "b2",
      face: ">Z",
      positions: [[10, 10, 10]],
      thread: "M6",
      depth: 8,
    });
    expect(tapped.valid).toBe(true);
    const removedPlain = plain.removed_volume as number;
    const removed = tapped.removed_volume as number;
    expect(removedPlain).toBeCloseTo(Math.PI * 6.25 * 8, 6);
    expect(removed).toBeGreaterThan(removedPlain);
    expect(removed).toBeLessThan(Math.PI * 9 * 8);
    // Thread 7 mm (one pitch short of the 8 mm drill), groove from Ø5 to Ø6.
    const expected = removedPlain + toothVolume(1, 2.5, 3, 7);
    expect(Math.abs(removed - expected) / expected).toBeLessThan(1e-4);
    expect((tapped.thread as Record<string, number>).tap_drill).toBe(5);
    // Through: threaded over the whole 10 mm.
    await block("b5");
    const through = await h.tool("hole", {
      object: "b5",
      face: ">Z",
      positions: [[10, 10, 10]],
      thread: "M6",
      depth: "through",
    });
    const expThrough = Math.PI * 6.25 * 10 + toothVolume(1, 2.5, 3, 10);
    expect(Math.abs((through.removed_volume as number) - expThrough) / expThrough).toBeLessThan(1e-4);
  });

  it("thread on a bore face (internal) and a diameter that does not suit the size", async () => {
    await block("b3");
    await h.tool("hole", {
      name: "bored",
      object: "b3",
      face: ">Z",
      positions: [[10, 10, 10]],
      diameter: 6.8,
      depth: "through",
    });
    const t = (await h.tool("thread", { object: "bored", face: "%CYLINDER", size: "M8" })) as unknown as Thread;
    expect(t.thread.kind).toBe("internal");
    const groove = toothVolume(1.25, 3.4, 4, 10);
    expect(Math.abs(-(t as unknown as { volume_change: number }).volume_change - groove) / groove).toBeLessThan(1e-4);
    await block("b4");
    const bad = await h.tryTool("hole", {
      object: "b4",
      face: ">Z",
      positions: [[10, 10, 10]],
      thread: "M6",
      diameter: 3,
      depth: 5,
    });
    expect(bad.ok).toBe(false);
    expect(bad.error?.hint).toContain("Ø5");
  });
});

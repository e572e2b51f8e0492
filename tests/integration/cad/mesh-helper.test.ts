import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prefetchMeshes } from "../../../src/cad/ops.js";
import { tessellate } from "../../../src/cad/render/render-parts.js";
import { type CadHarness, startCad } from "../../helpers/cad.js";

/**
 * The worker's forked mesh helper (worker mesh_helper.py) meshes the delivered parts on the
 * other core while the worker checks and exports them. It must only ever save time: the mesh it
 * hands back is the worker's own to the byte, a shape changed after the hand-off is meshed anew,
 * a helper that dies is not missed, and it never outlives the worker.
 */

let h: CadHarness;

/** A raw tessellate reply: vertices, triangles and faces packed (base64), edges as lists. */
interface Tess {
  tolerance: number;
  objects: { vertices: string; triangles: string; faces: string; edges: number[][] }[];
}
interface Prefetch {
  helper: number | null;
  /** Meshes the worker has taken from the helper so far. */
  taken: number;
  /** STEP files the worker has taken from it (helper-step.test.ts). */
  steps: number;
  queued: string[];
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); it is gone for our purposes.
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
};

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

/** A plate with two holes and a filleted edge: planar, cylindrical and toroidal-free faces of several kinds. */
async function buildPart(): Promise<void> {
  await h.cad.reset();
  await h.tool("set_parameter", { name: "w", value: 40 });
  await h.tool("create_box", { name: "plate", length: 60, width: "w", height: 8 });
  await h.tool("create_cylinder", { name: "hole1", radius: 4, height: 8, position: [15, 20, 0] });
  await h.tool("create_cylinder", { name: "hole2", radius: 6, height: 8, position: [42, 20, 0] });
  await h.tool("boolean", { name: "part", op: "cut", base: "plate", tools: ["hole1", "hole2"] });
}

async function exportStl(file: string): Promise<{ bytes: Buffer; triangles: number }> {
  const r = await h.tool("export", { format: "stl", objects: ["part"], filename: file });
  return { bytes: readFileSync(path.join(h.outDir, file)), triangles: r.triangles as number };
}

beforeAll(async () => {
  h = await startCad();
});
afterAll(() => h.close());

describe.skipIf(process.platform === "win32")("the mesh helper", () => {
  it("hands back the worker's own mesh: the STL and the preview mesh are identical to in-process meshing", async () => {
    await buildPart();
    const inProcess = await exportStl("in-process.stl");
    const tessIn = await h.cad.call<Tess>("tessellate", { objects: ["part"] });

    await buildPart();
    const started = await h.cad.call<Prefetch>("prefetch_meshes", { start: true });
    expect(started.helper).toBeGreaterThan(0);
    const queued = await h.cad.call<Prefetch>("prefetch_meshes", { names: ["part"] });
    expect(queued).toEqual({ helper: started.helper, taken: started.taken, steps: started.steps, queued: ["part"] });
    // Asking again while it is queued hands nothing new over.
    expect((await h.cad.call<Prefetch>("prefetch_meshes", { names: ["part"] })).queued).toEqual([]);
    const viaHelper = await exportStl("helper.stl");
    const tessHelper = await h.cad.call<Tess>("tessellate", { objects: ["part"] });

    expect(viaHelper.triangles).toBe(inProcess.triangles);
    expect(viaHelper.bytes.equals(inProcess.bytes)).toBe(true);
    expect(tessHelper).toEqual(tessIn);
    // The STL's mesh was the helper's (one taken), and the preview found it in the shared cache.
    const after = await h.cad.call<Prefetch>("prefetch_meshes", { names: ["part"] });
    expect(after.taken).toBe(started.taken + 1);
    expect(after.queued).toEqual([]);
  });

  it("a part changed after the hand-off is meshed anew, not served the old mesh", async () => {
    await buildPart();
    const before = await h.cad.call<Prefetch>("prefetch_meshes", { names: ["part"] });
    expect(before.queued).toEqual(["part"]);
    await h.tool("set_parameter", { name: "w", value: 80 });
    const tess = await tessellate(h.cad, ["part"]);
    expect(tess.bbox.max[1]).toBeCloseTo(80, 6);
    const ys = [...(tess.parts[0]?.positions ?? [])].filter((_, i) => i % 3 === 1);
    expect(Math.max(...ys)).toBeCloseTo(80, 5);
    // The tolerance follows the new diagonal (0.0005 of it), not the handed-off shape's.
    expect(tess.tolerance).toBeCloseTo(0.0005 * Math.hypot(60, 80, 8), 6);
    expect((await h.cad.call<Prefetch>("prefetch_meshes", { start: true })).taken).toBe(before.taken);
  });

  it("a helper killed mid-way is not missed: the worker meshes in-process and starts a new one next time", async () => {
    await buildPart();
    const inProcess = await exportStl("reference.stl");
    await buildPart();
    const { helper, taken, queued } = await h.cad.call<Prefetch>("prefetch_meshes", { names: ["part"] });
    expect(helper).toBeGreaterThan(0);
    expect(queued).toEqual(["part"]);
    process.kill(helper as number, "SIGKILL");
    expect(await gone(helper as number)).toBe(true);
    const after = await exportStl("after-kill.stl");
    expect(after.bytes.equals(inProcess.bytes)).toBe(true);
    const next = await h.cad.call<Prefetch>("prefetch_meshes", { start: true });
    expect(next.taken).toBe(taken);
    expect(next.helper).toBeGreaterThan(0);
    expect(next.helper).not.toBe(helper);
  });

  it("prefetchMeshes ignores a part that does not exist (it only ever saves time)", async () => {
    await expect(prefetchMeshes(h.cad, { names: ["no_such_part"] })).resolves.toBeUndefined();
    await expect(h.cad.call("prefetch_meshes", { names: "part" })).rejects.toThrow(/names must be a list/);
  });

  it("never outlives the worker: it ends when the worker stops, and when the worker is killed", async () => {
    for (const ending of ["stop", "kill"] as const) {
      const own = await startCad();
      try {
        const { helper } = await own.cad.call<Prefetch>("prefetch_meshes", { start: true });
        expect(alive(helper as number)).toBe(true);
        if (ending === "stop") await own.cad.close();
        else own.cad.killWorkerForTest();
        expect(await gone(helper as number)).toBe(true);
      } finally {
        await own.close();
      }
    }
  });
});

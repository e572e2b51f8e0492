import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CadHarness, startCad } from "../../helpers/cad.js";

/**
 * The mesh helper (worker mesh_helper.py) also writes the STEP of the delivered parts while the
 * worker checks them. That file must be the worker's own: a STEP written in-process from the
 * same document holds the same DATA section byte for byte (the header's timestamp aside), and
 * any change to what is exported after the hand-off (a shape, the parts, their order) sends the
 * export back in-process.
 */

interface Status {
  helper: number | null;
  taken: number;
  /** STEP files the worker has taken from the helper so far. */
  steps: number;
  queued: string[];
}

let h: CadHarness;

/** The file without its header's timestamp, the one thing two exports of one design differ in. */
const stepText = (file: string): string =>
  readFileSync(path.join(h.outDir, file), "utf8").replace(/^(FILE_NAME\('[^']*',)'[^']*'/m, "$1'T'");

async function exportStep(file: string, objects: string[]): Promise<void> {
  await h.tool("export", { format: "step", objects, filename: file });
}

const status = (args: Record<string, unknown>): Promise<Status> => h.cad.call<Status>("prefetch_meshes", args);

/** A plate with two holes (a Part::Cut chain) and a placed, rotated lug: two parts. */
async function buildParts(width = 40): Promise<void> {
  await h.cad.reset();
  await h.tool("set_parameter", { name: "w", value: width });
  await h.tool("create_box", { name: "plate", length: 60, width: "w", height: 8 });
  await h.tool("create_cylinder", { name: "hole1", radius: 4, height: 8, position: [15, 20, 0] });
  await h.tool("create_cylinder", { name: "hole2", radius: 6, height: 8, position: [42, 20, 0] });
  await h.tool("boolean", { name: "part", op: "cut", base: "plate", tools: ["hole1", "hole2"] });
  await h.tool("create_box", { name: "lug", length: 10, width: 12, height: 5, position: [80, 0, 0] });
  await h.tool("transform", { object: "lug", rotate: { axis: "Z", angle: 30 } });
}

// A worker of this file's own: a multi-part STEP numbers its assembly links from a counter that
// lives in the process (the fork inherits it), so the helper's file and the worker's own match
// byte for byte only when neither process has exported an assembly since the fork, as in a
// build. The first test compares them before any other test exports one.
beforeAll(async () => {
  h = await startCad();
});
afterAll(() => h.close());

describe.skipIf(process.platform === "win32")("the mesh helper's STEP", () => {
  it("is the worker's own STEP, for one part and for several, and is taken once", async () => {
    await buildParts();
    const started = await status({ start: true });
    expect(started.helper).toBeGreaterThan(0);
    for (const [file, names] of [
      ["one", ["part"]],
      ["two", ["part", "lug"]],
    ] as const) {
      const queued = await status({ names: [...names], step: true, mesh: false });
      // mesh: false hands the parts over for the STEP alone.
      expect(queued.queued).toEqual([]);
      await exportStep(`${file}-helper.step`, [...names]);
      expect((await status({ start: true })).steps).toBe(queued.steps + 1);
      await exportStep(`${file}-worker.step`, [...names]);
      expect((await status({ start: true })).steps).toBe(queued.steps + 1);
      expect(stepText(`${file}-helper.step`)).toBe(stepText(`${file}-worker.step`));
    }
    expect(stepText("two-helper.step")).toContain("'lug'");
  });

  it("is not used for other parts, another order, or a shape changed after the hand-off", async () => {
    await buildParts();
    const before = await status({ names: ["part", "lug"], step: true, mesh: false });
    await exportStep("reordered.step", ["lug", "part"]);
    await exportStep("reordered-again.step", ["lug", "part"]);
    expect((await status({ start: true })).steps).toBe(before.steps);

    await status({ names: ["part"], step: true });
    await h.tool("set_parameter", { name: "w", value: 70 });
    await exportStep("changed.step", ["part"]);
    expect((await status({ start: true })).steps).toBe(before.steps);
    await buildParts(70);
    await exportStep("changed-reference.step", ["part"]);
    expect(stepText("changed.step")).toBe(stepText("changed-reference.step"));
  });

  it("a helper killed mid-way is not missed: the worker writes the STEP itself", async () => {
    await buildParts();
    await exportStep("reference.step", ["part"]);
    await buildParts();
    const { helper, steps } = await status({ names: ["part"], step: true });
    process.kill(helper as number, "SIGKILL");
    await exportStep("after-kill.step", ["part"]);
    expect((await status({ start: true })).steps).toBe(steps);
    expect(stepText("after-kill.step")).toBe(stepText("reference.step"));
  });

  it("a helper's file gone before the export is not missed: the worker writes the STEP itself", async () => {
    await buildParts();
    await exportStep("reference-2.step", ["part"]);
    await buildParts();
    const { helper } = await status({ names: ["part"], step: true, mesh: false });
    // The helper writes into the worker's private TMPDIR, which its environment names.
    const env = readFileSync(`/proc/${helper}/environ`, "utf8").split("\0");
    const tmp = env.find((e) => e.startsWith("TMPDIR="))!.slice("TMPDIR=".length);
    let file: string | undefined;
    for (let i = 0; i < 200 && !file; i++) {
      file = readdirSync(tmp)
        .filter((d) => d.startsWith("meshes-"))
        .flatMap((d) => readdirSync(path.join(tmp, d)).map((f) => path.join(tmp, d, f)))
        .find((f) => f.endsWith(".step"));
      if (!file) await new Promise((r) => setTimeout(r, 25));
    }
    expect(file).toBeDefined();
    rmSync(file!);
    await exportStep("after-loss.step", ["part"]);
    expect(stepText("after-loss.step")).toBe(stepText("reference-2.step"));
  });

  it("rejects a step or mesh flag that is not a boolean", async () => {
    await expect(h.cad.call("prefetch_meshes", { names: [], step: "yes" })).rejects.toThrow(
      /step must be true or false/,
    );
    await expect(h.cad.call("prefetch_meshes", { names: [], mesh: 0 })).rejects.toThrow(/mesh must be true or false/);
  });
});

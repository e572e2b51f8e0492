import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../../src/agent/report.js";
import { parseDesignRecord } from "../../../src/record/design-record.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";
import { buildCli, examplesDir, readStep, type CliHarness } from "../../helpers/cli-harness.js";

/**
 * The example records of the new tool families, built by `cadagent build` (spring, gear, name
 * plate), and a drawing of the L-bracket example. Known answers as in the tool tests: the
 * spring's Pappus volume (h/p)·2πR·πa², the gear's outside Ø (z+2)·m (also after
 * `--set teeth=30`), the plate's engraving under 80 × 25 × 4 with its bbox unchanged.
 */

let cli: CliHarness;
beforeAll(() => {
  cli = buildCli();
});
afterAll(() => cli.close());

async function build(name: string, extra: string[] = []): Promise<RunReport> {
  const out = path.join(cli.tmp, `${name}-${extra.join("_").replace(/[^a-z0-9]/gi, "")}`);
  const r = await cli.run(["build", path.join(examplesDir, `${name}.cad.json`), "-o", out, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as RunReport;
  expect(report.status).toBe("success");
  expect(report.parts).toHaveLength(1);
  if (report.files.step) {
    const step = await readStep(path.join(out, report.files.step));
    expect(step.valid).toBe(true);
    expect(near(step.volume, report.parts[0]?.volume ?? 0, 1e-6)).toBe(true);
  }
  return report;
}

describe("example records of the new families", () => {
  it("spring: Pappus volume 6·2π·10·π·1²", async () => {
    const r = await build("spring", ["--formats", "step,3mf"]);
    expect(near(r.parts[0]?.volume ?? 0, 6 * 2 * Math.PI * 10 * Math.PI, 1e-5)).toBe(true);
    expect(r.files["3mf"]).toBe("model.3mf");
  });

  it("spur gear: outside Ø (z+2)·m, and --set teeth=30 rebuilds it", async () => {
    const r = await build("spur-gear", ["--formats", "step"]);
    expect(r.parts[0]?.bbox.max[0]).toBeCloseTo(22, 6);
    const r30 = await build("spur-gear", ["--formats", "step", "--set", "teeth=30"]);
    expect(r30.parts[0]?.bbox.max[0]).toBeCloseTo(32, 6);
    expect(r30.parameters.teeth?.value).toBe(30);
  });

  it("name plate: engraving removes material inside an unchanged 80 × 25 × 4 bbox", async () => {
    const r = await build("name-plate", ["--formats", "step"]);
    const p = r.parts[0];
    expect(p?.volume).toBeLessThan(8000 - 50);
    expect(p?.volume).toBeGreaterThan(8000 - 400);
    [80, 25, 4].forEach((v, i) => expect((p?.bbox.max[i] ?? 0) - (p?.bbox.min[i] ?? 0)).toBeCloseTo(v, 9));
  });
});

/** Independent M8 bolt volume: hex head + plain shank + core at the minor Ø + the ISO tooth (Pappus). */
function boltVolume(shank: number, threadLength: number): number {
  const P = 1.25;
  const rMin = 4 - (1.082532 * P) / 2;
  const depth = 4 - rMin;
  const b1 = P / 8;
  const b0 = b1 + 2 * depth * Math.tan(Math.PI / 6);
  const area = 0.5 * (b0 + b1) * depth;
  const rc = rMin + (depth * (b0 + 2 * b1)) / (3 * (b0 + b1));
  const head = ((3 * Math.sqrt(3)) / 2) * 7.5 * 7.5 * 5.3;
  return (
    head +
    Math.PI * 16 * (shank - threadLength) +
    Math.PI * rMin * rMin * threadLength +
    (threadLength / P) * area * 2 * Math.PI * rc
  );
}

describe("the M8 bolt example (family threads)", () => {
  it("builds with the modelled thread's exact volume, and --set shank=30 rebuilds it", async () => {
    const t0 = Date.now();
    const r = await build("m8-bolt", ["--formats", "step,stl"]);
    console.log(
      `m8-bolt build (step+stl): ${Date.now() - t0} ms, volume ${r.parts[0]?.volume} vs ${boltVolume(25, 20)}`,
    );
    expect(near(r.parts[0]?.volume ?? 0, boltVolume(25, 20), 1e-5)).toBe(true);
    expect((r.parts[0]?.bbox.max[2] ?? 0) - (r.parts[0]?.bbox.min[2] ?? 0)).toBeCloseTo(30.3, 6);
    const r30 = await build("m8-bolt", ["--formats", "step", "--set", "shank=30"]);
    expect(near(r30.parts[0]?.volume ?? 0, boltVolume(30, 20), 1e-5)).toBe(true);
  });
});

describe("a drawing of the L-bracket example", () => {
  let h: CadHarness;
  beforeAll(async () => {
    h = await startCad();
  });
  afterAll(async () => {
    await h.close();
  });

  it("replays the record, then draws it: dimension texts are the part's bbox sizes", async () => {
    const rec = parseDesignRecord(readFileSync(path.join(examplesDir, "l-bracket.cad.json"), "utf8"), "l-bracket");
    for (const s of rec.steps) await h.tool(s.tool, s.input);
    const m = await h.tool("measure", { object: rec.final?.parts[0] ?? "" });
    const [dx, dy, dz] = m.size as [number, number, number];
    const r = await h.tool("drawing", { format: "svg", filename: "l-bracket.svg" });
    expect(r.dimensions).toEqual({ front: [dx, dz], top: [dx, dy], right: [dy, dz] });
    const svg = readFileSync(path.join(h.outDir, "l-bracket.svg"), "utf8");
    expect(svg.match(/<g class="view"/g)).toHaveLength(4);
    const dims = [...svg.matchAll(/<text class="dimension"[^>]*>([^<]*)</g)].map((x) => Number(x[1]));
    expect(dims.sort((a, b) => a - b)).toEqual([dx, dx, dy, dy, dz, dz].sort((a, b) => a - b));
  });
});

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDesignRecord } from "../../../src/record/design-record.js";
import type { RunReport } from "../../../src/agent/report.js";
import { near } from "../../helpers/cad.js";
import { decodePng, pixelBbox } from "../../helpers/decode-png.js";
import { buildCli, examplesDir, readStep, tempLeftovers, type CliHarness } from "../../helpers/cli-harness.js";
import { bracketVolume, bushingVolume, plateVolume } from "../../helpers/volumes.js";

const expected: Record<string, number> = {
  "plate-with-holes": plateVolume(100),
  "l-bracket": bracketVolume(),
  "flanged-bushing": bushingVolume(),
};

let cli: CliHarness;
beforeAll(() => {
  cli = buildCli();
});
afterAll(() => cli.close());

/**
 * Each example at three values a user would try (TOOLS.md: records survive plausible overrides),
 * against the hand-computed volume, as one valid solid.
 */
const overrides: Array<[string, string, number[], (v: number) => number]> = [
  ["plate-with-holes", "length", [60, 100, 150], (v) => plateVolume(v)],
  ["l-bracket", "thickness", [3, 5, 8], (v) => bracketVolume(v)],
  ["flanged-bushing", "bolt_count", [3, 4, 8], (v) => bushingVolume(v)],
];

describe("examples survive plausible overrides", () => {
  it.each(
    overrides.flatMap(([name, param, values, volume]) => values.map((v) => [name, param, v, volume(v)] as const)),
  )("%s with %s=%d builds to the hand-computed volume", async (name, param, value, volume) => {
    const out = path.join(cli.tmp, `${name}-${param}-${value}`);
    const r = await cli.run([
      "build",
      path.join(examplesDir, `${name}.cad.json`),
      "--set",
      `${param}=${value}`,
      "-o",
      out,
      "--formats",
      "step",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.parts[0]?.solids).toBe(1);
    expect(near(report.parts[0]?.volume ?? 0, volume, 1e-6)).toBe(true);
  });
});

describe("cadagent build examples/", () => {
  for (const [name, volume] of Object.entries(expected)) {
    it(`${name} builds to the hand-computed volume`, async () => {
      const out = path.join(cli.tmp, name);
      const r = await cli.run(["build", path.join(examplesDir, `${name}.cad.json`), "-o", out]);
      expect(r.code, r.stderr).toBe(0);
      for (const f of [
        "design.cad.json",
        "model.step",
        "model.stl",
        "model.FCStd",
        "preview.png",
        "report.json",
        "transcript.jsonl",
      ]) {
        expect(existsSync(path.join(out, f)), f).toBe(true);
      }
      expect(tempLeftovers(out)).toEqual([]);

      const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as RunReport;
      expect(report).toMatchObject({ status: "success", turns: 0, usage: null, exitCode: 0, error: null });
      expect(report.files).toEqual({
        step: "model.step",
        stl: "model.stl",
        fcstd: "model.FCStd",
        preview: "preview.png",
      });
      // The preview shows the part: an 800×600 picture whose shaded (bluish) pixels cover a good share.
      const png = decodePng(readFileSync(path.join(out, "preview.png")));
      expect([png.width, png.height]).toEqual([800, 600]);
      const part = pixelBbox(png, (r, g, b) => b > r + 20 && b > 80);
      expect(part?.count ?? 0).toBeGreaterThan(800 * 600 * 0.1);
      expect(report.parts).toHaveLength(1);
      expect(near(report.parts[0]?.volume ?? 0, volume, 1e-6)).toBe(true);

      const step = await readStep(path.join(out, "model.step"));
      expect(step.valid).toBe(true);
      expect(step.solids).toBe(1);
      expect(step.volume).toBeCloseTo(volume, 3);

      // The output record is itself buildable and equals the source (no overrides).
      const source = parseDesignRecord(readFileSync(path.join(examplesDir, `${name}.cad.json`), "utf8"), name);
      expect(parseDesignRecord(readFileSync(path.join(out, "design.cad.json"), "utf8"), "out")).toEqual(source);
      const events = readFileSync(path.join(out, "transcript.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string });
      expect(events.filter((e) => e.type === "step")).toHaveLength(source.steps.length);
      expect(events.at(-1)?.type).toBe("build-done");
    });
  }

  it("--views adds views.png, the sheet of top, iso, front and right views", async () => {
    const out = path.join(cli.tmp, "views");
    const r = await cli.run([
      "build",
      path.join(examplesDir, "flanged-bushing.cad.json"),
      "-o",
      out,
      "--views",
      "--formats",
      "step",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as RunReport;
    expect(report.files).toEqual({ step: "model.step", preview: "preview.png", views: "views.png" });
    const sheet = decodePng(readFileSync(path.join(out, "views.png")));
    expect([sheet.width, sheet.height]).toEqual([1200, 900]);
    // Each quarter holds a view of the part.
    for (const [x, y] of [
      [0, 0],
      [600, 0],
      [0, 450],
      [600, 450],
    ] as const) {
      const inQuarter = (() => {
        let n = 0;
        for (let py = y; py < y + 450; py++)
          for (let px = x; px < x + 600; px++) {
            const i = (py * sheet.width + px) * sheet.channels;
            const [red, g, b] = [sheet.data[i] ?? 0, sheet.data[i + 1] ?? 0, sheet.data[i + 2] ?? 0];
            if (b > red + 20 && b > 80 && g < 250) n++;
          }
        return n;
      })();
      expect(inQuarter, `view at ${x},${y}`).toBeGreaterThan(600 * 450 * 0.05);
    }
  });

  it("--json prints report.json on stdout and keeps progress off it", async () => {
    const out = path.join(cli.tmp, "json");
    const r = await cli.run([
      "build",
      path.join(examplesDir, "plate-with-holes.cad.json"),
      "-o",
      out,
      "--json",
      "--formats",
      "step",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as RunReport;
    expect(printed).toEqual(JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")));
    expect(printed.files).toEqual({ step: "model.step", preview: "preview.png" });
    expect(existsSync(path.join(out, "model.stl"))).toBe(false);
  });

  it("defaults the output folder to ./cadagent-out/<record>-<yyyymmdd-hhmmss>", async () => {
    const r = await cli.run([
      "build",
      path.join(examplesDir, "plate-with-holes.cad.json"),
      "--json",
      "--formats",
      "step",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as RunReport).status).toBe("success");
    const dirs = readdirSync(path.join(cli.tmp, "cadagent-out"));
    expect(dirs).toHaveLength(1);
    expect(dirs[0]).toMatch(/^plate-with-holes-\d{8}-\d{6}$/);
  });
});

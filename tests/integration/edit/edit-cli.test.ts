import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freecadCmd, near } from "../../helpers/cad.js";
import { toolReply, type ScriptTurn, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, readRecord, readReport, type AgentCli } from "../../helpers/agent-cli.js";
import { PROVIDER_CASES, sentImages, sentUserText } from "../../helpers/design-script.js";

/**
 * `cadagent edit` end to end: the compiled CLI, a scripted OpenAI wire server, real FreeCAD.
 * The parent is a plate built with `cadagent build` from a hand-written record; a STEP that
 * cadagent never wrote comes from a small freecadcmd script.
 */

const KEY = "sk-edit-FAKE-KEY-0123456789abcdef";
let cli: AgentCli;
let server: WireServer | undefined;
const openai = PROVIDER_CASES.find((p) => p.id === "openai");

const BRIEF = "a 40 x 30 plate, 10 mm thick, with a 10 mm hole in the middle";
const PARENT = {
  format: "cadagent.design/1",
  brief: BRIEF,
  createdWith: { cadagent: "test", provider: null, model: null, freecad: "" },
  parameters: {},
  steps: [
    { tool: "set_parameter", input: { name: "width", value: 40, description: "plate length along x" } },
    { tool: "set_parameter", input: { name: "depth", value: 30 } },
    { tool: "set_parameter", input: { name: "thickness", value: 10, description: "plate thickness" } },
    { tool: "set_parameter", input: { name: "hole_d", value: 10 } },
    { tool: "create_box", input: { name: "plate", length: "width", width: "depth", height: "thickness" } },
    {
      tool: "create_cylinder",
      input: { name: "hole", radius: "hole_d/2", height: "thickness + 2", position: ["width/2", "depth/2", -1] },
    },
    { tool: "boolean", input: { name: "part", op: "cut", base: "plate", tools: ["hole"] } },
  ],
  final: { parts: ["part"], summary: "plate" },
};
// Hand-computed: (40·30 − π·5²) · thickness.
const plateVolume = (t: number): number => (40 * 30 - Math.PI * 25) * t;

let parentDir: string;

beforeAll(async () => {
  cli = buildAgentCli();
  const src = path.join(cli.tmp, "parent.cad.json");
  writeFileSync(src, JSON.stringify(PARENT, null, 2));
  parentDir = cli.outDir("parent");
  const r = await cli.run(["build", src, "-o", parentDir, "--formats", "step"]);
  if (r.code !== 0) throw new Error(`parent build failed: ${r.stderr}`);
});
afterAll(() => cli.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function edit(args: string[], script: ScriptTurn[]) {
  if (!openai) throw new Error("openai case missing");
  server = await openai.start({ script, apiKey: KEY });
  const out = cli.outDir("edit");
  const env = agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl });
  const r = await cli.run(["edit", ...args, "-p", "openai", "-o", out, "--no-review", "--formats", "step"], { env });
  return { r, out, requests: server.requests };
}

const thicker = (): ScriptTurn[] => [
  toolReply([["set_parameter", { name: "thickness", value: 15 }]], { text: "Changing the thickness parameter." }),
  toolReply([["finish", { parts: ["part"], summary: "plate, now 15 mm thick" }]]),
];

describe("cadagent edit", () => {
  it("a set_parameter edit: the request shows the parent, the volume changes by the hand-computed amount, the diff is right, the child rebuilds alone", async () => {
    const { r, out, requests } = await edit([parentDir, "make it 15 mm thick"], thicker());
    expect(r.code, r.stderr).toBe(0);

    // The first request carries the parent's brief, parameters, steps, figures and a picture, then the instruction.
    const first = sentUserText("openai-responses", requests[0]?.body);
    expect(first).toContain(BRIEF);
    expect(first).toContain("- thickness = 10 mm (plate thickness)");
    expect(first).toContain('5. create_box {"name":"plate","length":"width","width":"depth","height":"thickness"}');
    expect(first).toContain(`"volume": ${Math.round(plateVolume(10) * 1e6) / 1e6}`);
    expect(first).toContain("make it 15 mm thick");
    expect(sentImages("openai-responses", requests[0]?.body)).toHaveLength(1);
    const system = JSON.stringify(requests[0]?.body);
    expect(system).toContain("prefer `set_parameter` on an existing name");

    const report = readReport(out);
    const after = report.parts[0]?.volume ?? 0;
    expect(near(after, plateVolume(15), 1e-6)).toBe(true);
    expect(near(after - plateVolume(10), (40 * 30 - Math.PI * 25) * 5, 1e-6)).toBe(true);

    const parentRecord = path.join(parentDir, "design.cad.json");
    const sha = createHash("sha256").update(readFileSync(parentRecord)).digest("hex");
    expect(report.parent).toEqual({ record: parentRecord, sha256: sha });
    const diff = report.diff as Record<string, unknown>;
    expect(diff.parameters).toEqual([{ name: "thickness", before: 10, after: 15 }]);
    expect(diff.stepsAdded).toEqual([{ step: 8, tool: "set_parameter", input: { name: "thickness", value: 15 } }]);
    expect(diff.stepsRemoved).toEqual([]);
    const volume = diff.volume as { before: number; after: number };
    expect(near(volume.before, plateVolume(10), 1e-6)).toBe(true);
    expect(volume.after).toBe(after);
    expect(diff.bbox).toEqual({
      before: { min: [0, 0, 0], max: [40, 30, 10] },
      after: { min: [0, 0, 0], max: [40, 30, 15] },
    });

    const record = readRecord(out) as ReturnType<typeof readRecord> & { parent?: unknown; brief: string };
    expect(record.parent).toEqual({ record: parentRecord, sha256: sha });
    expect(record.steps).toHaveLength(8);
    expect(record.brief).toBe(`${BRIEF}\n\nEdit: make it 15 mm thick`);

    // The child record alone (copied away from its parent) rebuilds to the same volume.
    const alone = path.join(cli.tmp, "alone");
    mkdirSync(alone, { recursive: true });
    copyFileSync(path.join(out, "design.cad.json"), path.join(alone, "child.cad.json"));
    const rebuilt = cli.outDir("rebuilt");
    const b = await cli.run(["build", path.join(alone, "child.cad.json"), "-o", rebuilt, "--formats", "step"]);
    expect(b.code, b.stderr).toBe(0);
    expect(readReport(rebuilt).parts[0]?.volume).toBeCloseTo(after, 6);
  });

  it("edits a STEP that cadagent did not write: imported, cut, delivered", async () => {
    const step = path.join(cli.tmp, "vendor-cube.step");
    execFileSync(freecadCmd(), ["-c", `import Part; Part.makeBox(20, 20, 20).exportStep(${JSON.stringify(step)})`]);
    const { r, out, requests } = await edit(
      [step, "drill a 5 mm hole through the middle, top to bottom"],
      [
        toolReply([
          ["create_cylinder", { name: "drill", radius: 2.5, height: 22, position: [10, 10, -1] }],
          ["boolean", { name: "drilled", op: "cut", base: "imported", tools: ["drill"] }],
        ]),
        toolReply([["finish", { parts: ["drilled"], summary: "cube with a hole" }]]),
      ],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(sentUserText("openai-responses", requests[0]?.body)).toContain('1. import_shape {"name":"imported"');
    const report = readReport(out);
    expect(near(report.parts[0]?.volume ?? 0, 8000 - Math.PI * 2.5 * 2.5 * 20, 1e-6)).toBe(true);
    const diff = report.diff as { volume: { before: number } };
    expect(near(diff.volume.before, 8000, 1e-6)).toBe(true);
    expect(readRecord(out).steps[0]).toEqual({ tool: "import_shape", input: { name: "imported", file: step } });
  });

  describe("bad input", () => {
    it("a folder without a record: exit 2, nothing sent", async () => {
      const empty = path.join(cli.tmp, "empty-run");
      mkdirSync(empty, { recursive: true });
      const { r, requests } = await edit([empty, "thicker"], []);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("the folder has no design.cad.json");
      expect(r.stderr).not.toContain("    at ");
      expect(requests).toHaveLength(0);
    });

    it("a record whose replay fails: exit 2 naming the step, nothing sent", async () => {
      const bad = structuredClone(PARENT);
      bad.steps.push({ tool: "fillet", input: { name: "round", object: "part", edges: "|Z", radius: 50 } } as never);
      const file = path.join(cli.tmp, "bad.cad.json");
      writeFileSync(file, JSON.stringify(bad));
      const { r, requests } = await edit([file, "thicker"], []);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/does not rebuild: step 8 \(fillet\)/);
      expect(requests).toHaveLength(0);
    });

    it("a STEP that is not a solid: exit 2 saying so", async () => {
      const face = path.join(cli.tmp, "face.step");
      execFileSync(freecadCmd(), ["-c", `import Part; Part.makePlane(10, 10).exportStep(${JSON.stringify(face)})`]);
      const { r, requests } = await edit([face, "thicker"], []);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("holds no solid");
      expect(requests).toHaveLength(0);
    });

    it("an instruction from an empty stdin: exit 2", async () => {
      const { r, requests } = await edit([parentDir, "-f", "-"], []);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("the instruction from stdin is empty");
      expect(requests).toHaveLength(0);
    });
  });
});

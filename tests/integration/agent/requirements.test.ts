import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toolReply, type ScriptTurn, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, readRecord, readReport, type AgentCli } from "../../helpers/agent-cli.js";
import { PROVIDER_CASES } from "../../helpers/design-script.js";

/**
 * Requirements end to end, through the compiled CLI and a scripted OpenAI wire server on real
 * FreeCAD: the model declares four Ø6 holes but cuts three. The review turn shows the table,
 * the terminal and report.json name the failure, and --strict turns it into exit 1.
 */

const KEY = "sk-req-FAKE-KEY-0123456789abcdef";
let cli: AgentCli;
let server: WireServer | undefined;
beforeAll(() => {
  cli = buildAgentCli();
});
afterAll(() => cli.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const openai = PROVIDER_CASES.find((p) => p.id === "openai");
const BRIEF = "a 100 x 60 x 5 mm plate with four 6 mm holes 10 mm from the corners";

function script(): ScriptTurn[] {
  const holes: Array<[number, number]> = [
    [10, 10],
    [90, 10],
    [10, 50],
  ];
  return [
    toolReply([
      [
        "declare_requirements",
        {
          requirements: [
            { id: "length", kind: "size", axis: "x", value: 100 },
            { id: "thickness", kind: "size", axis: "z", value: 5 },
            { id: "mounting", kind: "holes", diameter: 6, count: 4 },
          ],
        },
      ],
      ["create_box", { name: "blank", length: 100, width: 60, height: 5 }],
      ...holes.map(([x, y], i): [string, Record<string, unknown>] => [
        "create_cylinder",
        { name: `h${i}`, radius: 3, height: 7, position: [x, y, -1] },
      ]),
      ["boolean", { name: "plate", op: "cut", base: "blank", tools: ["h0", "h1", "h2"] }],
    ]),
    toolReply([
      ["measure", { object: "plate", material: "steel" }],
      ["finish", { parts: ["plate"], summary: "plate with holes" }],
    ]),
    toolReply([["finish", { parts: ["plate"], summary: "plate with holes (checked)" }]]),
  ];
}

async function design(args: string[]) {
  if (!openai) throw new Error("openai case missing");
  server = await openai.start({ script: script(), apiKey: KEY });
  const out = cli.outDir("req");
  const env = agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl });
  const r = await cli.run([BRIEF, "-p", "openai", "-o", out, "--formats", "step", ...args], { env });
  return { r, out, requests: server.requests };
}

describe("requirements declared by the model", () => {
  it("three holes built for four declared: the review shows the table, --strict exits 1", async () => {
    const { r, out, requests } = await design(["--strict"]);
    expect(r.code, r.stderr).toBe(1);
    // The review turn (the request after the first finish) carries the measured table.
    const review = JSON.stringify(requests[2]?.body);
    expect(review).toContain("| id | expected | measured | pass |");
    expect(review).toContain("| mounting | holes Ø6 × 4 | 3 (holes: Ø6×3) | FAIL |");
    expect(review).toContain("| length | size x = 100 mm | 100 | pass |");
    const report = readReport(out);
    expect(report.requirements).toEqual([
      { id: "length", kind: "size", expected: 100, measured: 100, pass: true, axis: "x" },
      { id: "thickness", kind: "size", expected: 5, measured: 5, pass: true, axis: "z" },
      {
        id: "mounting",
        kind: "holes",
        expected: 4,
        measured: 3,
        pass: false,
        diameter: 6,
        detail: "holes: Ø6×3",
      },
    ]);
    expect(report.status).toBe("failed");
    expect(report.error).toContain("mounting");
    expect(r.stderr).toContain("requirement FAILED: mounting: holes Ø6 × 4, measured 3");
    // The declaration is a step: a rebuild measures the same requirements.
    expect(readRecord(out).steps[0]?.tool).toBe("declare_requirements");
  });

  it("without --strict the part is delivered (exit 0) and the failure is still printed", async () => {
    const { r, out } = await design([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("requirements: 2/3 pass");
    expect(r.stderr).toContain("requirement FAILED: mounting");
    expect(readReport(out).status).toBe("success");
  });

  it("the material the model measured with gives each part's mass in report.json, and a rebuild keeps it", async () => {
    const { r, out } = await design([]);
    expect(r.code, r.stderr).toBe(0);
    const volume = 100 * 60 * 5 - 3 * Math.PI * 9 * 5;
    const part = readReport(out).parts[0];
    expect(part?.material).toBe("steel");
    expect(part?.mass_g).toBeCloseTo((volume * 7.85) / 1000, 4);
    expect(r.stderr).toMatch(/part plate: .*, 232\.17 g \(steel\)/);
    expect(readRecord(out).final).toMatchObject({ parts: ["plate"], material: "steel" });
    // build: the record's material, or --material (a name or g/cm³) instead.
    const env = agentEnv(cli.tmp, {});
    const rebuilt = cli.outDir("req-build");
    const b = await cli.run(["build", `${out}/design.cad.json`, "-o", rebuilt, "--formats", "step"], { env });
    expect(b.code, b.stderr).toBe(0);
    expect(readReport(rebuilt).parts[0]?.mass_g).toBeCloseTo((volume * 7.85) / 1000, 4);
    const pla = cli.outDir("req-pla");
    const p = await cli.run(["build", `${out}/design.cad.json`, "-o", pla, "--formats", "step", "--material", "1.24"], {
      env,
    });
    expect(p.code, p.stderr).toBe(0);
    expect(readReport(pla).parts[0]).toMatchObject({ density: 1.24 });
    expect(readReport(pla).parts[0]?.mass_g).toBeCloseTo((volume * 1.24) / 1000, 4);
    const bad = await cli.run(["build", `${out}/design.cad.json`, "-o", pla, "--material", "wood"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("not a known material");
  });
});

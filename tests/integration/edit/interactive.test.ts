import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { near } from "../../helpers/cad.js";
import { toolReply, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, readRecord, readReport, type AgentCli } from "../../helpers/agent-cli.js";
import { PROVIDER_CASES } from "../../helpers/design-script.js";
import { runInPty } from "../../helpers/pty-run.js";

/**
 * `-i` under a pseudo-terminal: an edit, two answers at `refine> `, then an empty line. Each
 * refinement is an edit of the folder written just before it.
 */

const KEY = "sk-pty-FAKE-KEY-0123456789abcdef";
let cli: AgentCli;
let server: WireServer;
const plateVolume = (t: number): number => 40 * 30 * t;

beforeAll(async () => {
  cli = buildAgentCli();
  const openai = PROVIDER_CASES.find((p) => p.id === "openai");
  if (!openai) throw new Error("openai case missing");
  const thickness = (t: number) => [
    toolReply([["set_parameter", { name: "thickness", value: t }]]),
    toolReply([["finish", { parts: ["plate"], summary: `plate ${t} mm` }]]),
  ];
  server = await openai.start({ script: [...thickness(12), ...thickness(14), ...thickness(16)], apiKey: KEY });
});
afterAll(async () => {
  await server.close();
  cli.close();
});

describe("cadagent edit -i", () => {
  it("two refinements then an empty line: three chained folders, each the parent of the next", async () => {
    const record = {
      format: "cadagent.design/1",
      brief: "a 40 x 30 plate",
      createdWith: { cadagent: "test", provider: null, model: null, freecad: "" },
      parameters: {},
      steps: [
        { tool: "set_parameter", input: { name: "thickness", value: 10 } },
        { tool: "create_box", input: { name: "plate", length: 40, width: 30, height: "thickness" } },
      ],
      final: { parts: ["plate"], summary: "plate" },
    };
    const file = path.join(cli.tmp, "plate.cad.json");
    writeFileSync(file, JSON.stringify(record));
    const out = path.join(cli.tmp, "out", "plate");
    const r = await runInPty({
      argv: [process.execPath, inject("cliMain"), "edit", file, "make it 12 mm thick", "-i"].concat([
        "-p",
        "openai",
        "-o",
        out,
        "--no-review",
        "--formats",
        "step",
      ]),
      env: agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl, TERM: "dumb" }),
      cwd: cli.tmp,
      prompt: "refine> ",
      answers: ["make it 14 mm thick", "make it 16 mm thick", ""],
    });
    expect(r.code, r.output).toBe(0);
    expect(r.output.split("refine> ").length - 1).toBe(3);
    expect(server.requests).toHaveLength(6);
    const folders = [out, `${out}-r2`, `${out}-r3`];
    folders.forEach((dir, i) => {
      const t = 12 + 2 * i;
      expect(near(readReport(dir).parts[0]?.volume ?? 0, plateVolume(t), 1e-9)).toBe(true);
    });
    const parentOf = (dir: string) => (readRecord(dir) as { parent?: { record: string } }).parent?.record;
    expect(parentOf(out)).toBe(file);
    expect(parentOf(`${out}-r2`)).toBe(path.join(out, "design.cad.json"));
    expect(parentOf(`${out}-r3`)).toBe(path.join(`${out}-r2`, "design.cad.json"));
    // Each edit replays alone: the last record holds every thickness change in order.
    const steps = readRecord(`${out}-r3`)
      .steps.filter((s) => s.tool === "set_parameter")
      .map((s) => s.input.value);
    expect(steps).toEqual([10, 12, 14, 16]);
  });

  it("off a terminal, -i is a usage error", async () => {
    const r = await cli.run(["edit", path.join(cli.tmp, "plate.cad.json"), "thicker", "-i", "-p", "openai"], {
      env: agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("-i/--interactive needs a terminal");
  });
});

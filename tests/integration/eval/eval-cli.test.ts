import { turnOf } from "../../helpers/batch-script.js";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvalResult } from "../../../src/eval/run-eval.js";
import {
  httpError,
  startOpenAiResponsesServer,
  toolReply,
  type RecordedRequest,
  type ReplyTurn,
  type WireServer,
} from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, filesContaining, type AgentCli } from "../../helpers/agent-cli.js";

/**
 * `cadagent eval examples/eval --repeat 2` end to end: the compiled CLI, real FreeCAD, and a
 * local OpenAI-wire server whose scripted "model" builds each case's part from the brief it is
 * sent. The hex prism is built 12 mm tall instead of 10 on its first attempt (right on the
 * second), so its metrics are known by hand; every other part is built exactly.
 */

const KEY = "sk-eval-FAKE-KEY-0123456789abcdefXYZ";
const suite = path.resolve(import.meta.dirname, "..", "..", "..", "examples", "eval");
const prompt = (c: string): string => readFileSync(path.join(suite, c, "prompt.txt"), "utf8").trim();

type Call = [string, unknown];
const cyl = (name: string, radius: number, height: number, z = 0, x = 0, y = 0): Call => [
  "create_cylinder",
  { name, radius, height, position: [x, y, z] },
];
const bool = (name: string, op: string, base: string, tools: string[]): Call => ["boolean", { name, op, base, tools }];

function builds(hexHeight: number): Record<string, Call[][]> {
  const R = 20 / Math.sqrt(3);
  return {
    "plate-holes": [
      [
        [
          "declare_requirements",
          {
            requirements: [
              { id: "holes", kind: "holes", diameter: 6, count: 4 },
              { id: "length", kind: "size", axis: "x", value: 60 },
            ],
          },
        ],
        ["create_box", { name: "plate", length: 60, width: 40, height: 5 }],
        cyl("h1", 3, 7, -1, 8, 8),
        cyl("h2", 3, 7, -1, 52, 8),
        cyl("h3", 3, 7, -1, 8, 32),
        cyl("h4", 3, 7, -1, 52, 32),
      ],
      [bool("part", "cut", "plate", ["h1", "h2", "h3", "h4"])],
    ],
    "stepped-shaft": [[cyl("big", 10, 30), cyl("small", 6, 40, 30)], [bool("part", "union", "big", ["small"])]],
    "flanged-bushing": [
      [cyl("flange", 20, 5), cyl("body", 12, 25), cyl("bore", 6, 27, -1)],
      [bool("outer", "union", "flange", ["body"])],
      [bool("part", "cut", "outer", ["bore"])],
    ],
    "l-bracket": [
      [
        ["create_box", { name: "foot", length: 50, width: 40, height: 5 }],
        ["create_box", { name: "wall", length: 5, width: 40, height: 50 }],
      ],
      [bool("part", "union", "foot", ["wall"])],
    ],
    "hex-prism": [[["create_prism", { name: "part", sides: 6, circumradius: R, height: hexHeight }]]],
  };
}

type Msg = { role?: string; content?: unknown };
const attempts = new Map<string, number>();

function script(req: RecordedRequest): ReplyTurn {
  // OpenAI speaks the Responses API: the conversation is `input`.
  const messages = (req.body as { input?: Msg[] }).input ?? [];
  const user = messages.find((m) => m.role === "user");
  const text = typeof user?.content === "string" ? user.content : JSON.stringify(user?.content ?? "");
  const name = ["plate-holes", "stepped-shaft", "flanged-bushing", "l-bracket", "hex-prism"].find((c) =>
    text.includes(prompt(c)),
  );
  if (!name) throw new Error(`no case matches the brief: ${text.slice(0, 200)}`);
  const turn = turnOf(req);
  if (turn === 0) attempts.set(name, (attempts.get(name) ?? 0) + 1);
  const steps = builds(name === "hex-prism" && attempts.get(name) === 1 ? 12 : 10)[name] ?? [];
  if (turn < steps.length) return toolReply(steps[turn] ?? [], { usage: { input: 1000, output: 100 } });
  return toolReply([["finish", { parts: ["part"], summary: name }]], { usage: { input: 1000, output: 50 } });
}

let cli: AgentCli;
let server: WireServer;
/** The first test's eval folder, scored again by the --from test. */
let evalOut: string | undefined;
beforeAll(async () => {
  cli = buildAgentCli();
  server = await startOpenAiResponsesServer({ script, apiKey: KEY });
});
afterAll(async () => {
  await server?.close();
  cli?.close();
});

describe("cadagent eval", () => {
  it("runs every case twice, measures each part against its references, and writes eval.json and a self-contained eval.html", async () => {
    const out = cli.outDir("eval");
    evalOut = out;
    const env = agentEnv(cli.tmp, { OPENAI_API_KEY: KEY });
    const r = await cli.run(
      [
        "eval",
        suite,
        "--no-review",
        "-p",
        "openai",
        "--base-url",
        server.baseUrl,
        "--repeat",
        "2",
        "-o",
        out,
        "--json",
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/^\[\d+\/10\] /gm)).toHaveLength(10);
    expect(r.stderr).toMatch(/\[1\/10\] flanged-bushing #1 {2}PASS/);
    expect(r.stderr).toMatch(/hex-prism #1 {2}FAIL {2}vol \+20\.00 %/);
    const result = JSON.parse(readFileSync(path.join(out, "eval.json"), "utf8")) as EvalResult;
    expect(JSON.parse(r.stdout)).toEqual(result);

    const s = result.summary;
    expect(s.funnel).toEqual({ runs: 10, finished: 10, shapeExists: 10, validSolid: 10, stepReimports: 10 });
    expect(s.passes).toBe(9);
    expect(s.passAt1.value).toBeCloseTo(0.9, 12);
    // Wilson 9/10: centre (0.9 + 0.19208)/1.38416 = 0.78895, half 1.96·√(0.009 + 0.009604)/1.38416 = 0.19316.
    expect(s.passAt1.wilson95.low).toBeCloseTo(0.78895 - 0.19316, 3);
    expect(s.passAt1.wilson95.high).toBeCloseTo(0.78895 + 0.19316, 3);
    // Hex: 1 of 2 → pass@1 ½, pass@2 1; the others 1 and 1: means (4 + ½)/5 and 1.
    expect(s.passAtK["1"]).toBeCloseTo(0.9, 12);
    expect(s.passAtK["2"]).toBeCloseTo(1, 12);
    expect(s.tokens.input).toBeGreaterThanOrEqual(10 * 2000);

    const run = (c: string, rep: number) => {
      const found = result.runs.find((x) => x.case === c && x.repeat === rep);
      if (!found) throw new Error(`no run ${c} #${rep}`);
      return found;
    };
    // The wrong hex: 12 tall instead of 10 → z off by 2 mm, volume +20 %, and the Chamfer distance
    // with centres aligned (caps 1 mm apart) is, by hand, with perimeter P = 6R and hexagon area
    // A = 5P (apothem 10): candidate→reference (P·1 + 2A·1)/(12P + 2A) = ½; reference→candidate: the
    // caps lie inside, min(1, in-plane distance to the edges) integrates to A·(10³ − 9³)/(3·10²),
    // so 2A·(271/300)/(10P + 2A) = 271/600; mean (½ + 271/600)/2.
    const bad = run("hex-prism", 1);
    expect(bad.pass).toBe(false);
    expect(bad.volumeErrorPct).toBeCloseTo(20, 3);
    expect(bad.bboxErrorMm?.[0]).toBeCloseTo(0, 3);
    expect(bad.bboxErrorMm?.[1]).toBeCloseTo(0, 3);
    expect(bad.bboxErrorMm?.[2]).toBeCloseTo(2, 3);
    expect(bad.failures.join(";")).toMatch(/volume error 20\.00 % > 5 %.*bbox z error 2\.000 mm > 0\.500 mm/);
    expect(Math.abs((bad.chamfer?.mean ?? 0) - (0.5 + 271 / 600) / 2)).toBeLessThan(0.02);
    const good = run("hex-prism", 2);
    expect(good.pass).toBe(true);
    expect(good.chamfer?.mean).toBeLessThan(0.01);
    expect(run("l-bracket", 1).chamfer?.mean).toBeLessThan(0.01);

    // Exact builds match the hand-computed volumes in expected.json.
    expect(run("plate-holes", 1).volume).toBeCloseTo(12000 - 180 * Math.PI, 3);
    expect(run("flanged-bushing", 2).volume).toBeCloseTo(3980 * Math.PI, 3);
    expect(run("stepped-shaft", 1).stepVolume).toBeCloseTo(4440 * Math.PI, 2);
    expect(run("stepped-shaft", 1).chamfer).toBeNull(); // no reference STL for that case
    expect(result.cases.find((c) => c.case === "hex-prism")).toMatchObject({
      runs: 2,
      passes: 1,
      passAtK: { "1": 0.5, "2": 1 },
    });
    expect(existsSync(path.join(out, "l-bracket", "2", "model.step"))).toBe(true);
    // Requirement pass rate per case: only plate-holes declared any (both met in both runs).
    expect(result.cases.find((c) => c.case === "plate-holes")?.requirementPassRate).toBe(1);
    expect(run("plate-holes", 2).requirements).toEqual({ passed: 2, total: 2 });
    expect(result.cases.find((c) => c.case === "hex-prism")?.requirementPassRate).toBeNull();

    const html = readFileSync(path.join(out, "eval.html"), "utf8");
    expect(html).toContain("pass@1 90.0 %");
    expect(html).toContain("hex-prism");
    // Self-contained: no external fetches of any kind.
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(filesContaining(out, KEY)).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  }, 300_000);

  it("eval --from scores the same folder again without a provider: the same numbers", async () => {
    if (!evalOut) throw new Error("the first test did not run");
    const original = JSON.parse(readFileSync(path.join(evalOut, "eval.json"), "utf8")) as EvalResult;
    const rescored = cli.outDir("eval-from");
    // No key and no base URL: --from must not need a provider.
    const r = await cli.run(["eval", suite, "--from", evalOut, "-o", rescored, "--json"], { env: agentEnv(cli.tmp) });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(path.join(rescored, "eval.json"), "utf8")) as EvalResult;
    expect(JSON.parse(r.stdout)).toEqual(result);
    const comparable = (e: EvalResult) => ({
      summary: e.summary,
      cases: e.cases,
      runs: e.runs.map((x) => ({ ...x, timing: { ...x.timing, metricsMs: 0 } })),
      thresholds: e.thresholds,
    });
    expect(comparable(result)).toEqual(comparable(original));
    expect(result.meta).toEqual({ from: evalOut });
  });

  it("eval --from a folder with no runs of the suite is a usage error", async () => {
    const empty = cli.outDir("eval-empty");
    mkdirSync(empty, { recursive: true });
    const r = await cli.run(["eval", suite, "--from", empty], { env: agentEnv(cli.tmp) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no runs found; expected <folder>/<case>/<k>/report.json");
  });

  it("a folder without case subfolders is a usage error (exit 2) before any request", async () => {
    const requestsBefore = server.requests.filter((q) => q.path.endsWith("/chat/completions")).length;
    const r = await cli.run(["eval", path.join(suite, "hex-prism"), "-p", "openai", "--base-url", server.baseUrl], {
      env: agentEnv(cli.tmp, { OPENAI_API_KEY: KEY }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no cases");
    expect(server.requests.filter((q) => q.path.endsWith("/chat/completions"))).toHaveLength(requestsBefore);
  });

  it("exits 3 when provider errors end every run, still writing eval.json with an empty funnel", async () => {
    const refusing = await startOpenAiResponsesServer({
      script: () => httpError(401, { message: "bad key" }),
      apiKey: KEY,
    });
    try {
      const out = cli.outDir("eval-401");
      const r = await cli.run(
        [
          "eval",
          suite,
          "--no-review",
          "-p",
          "openai",
          "--base-url",
          refusing.baseUrl,
          "--cases",
          "hex-prism,l-bracket",
          "-o",
          out,
        ],
        { env: agentEnv(cli.tmp, { OPENAI_API_KEY: KEY }) },
      );
      expect(r.code, r.stderr).toBe(3);
      const result = JSON.parse(readFileSync(path.join(out, "eval.json"), "utf8")) as EvalResult;
      expect(result.summary.funnel).toEqual({ runs: 2, finished: 0, shapeExists: 0, validSolid: 0, stepReimports: 0 });
      expect(result.runs.map((x) => x.exitCode)).toEqual([3, 3]);
      expect(result.summary.passAt1.value).toBe(0);
    } finally {
      await refusing.close();
    }
  });
});

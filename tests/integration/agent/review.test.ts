import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { near } from "../../helpers/cad.js";
import { startOpenAiServer, textReply, toolReply, type ScriptTurn, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, readRecord, readReport, type AgentCli } from "../../helpers/agent-cli.js";
import {
  boxAndToolTurn,
  confirmTurn,
  cutTurn,
  finishTurn,
  parametersTurn,
  PLATE_VOLUME,
  PROVIDER_CASES,
  sentImages,
  sentResults,
  sentUserText,
} from "../../helpers/design-script.js";

/**
 * The self-check at the first finish (review.ts): what the model may do with it — fix the
 * design, answer in words, or get no review when no turn is left — and how a text-only model
 * is shown the figures without a picture.
 */

const KEY = "sk-review-FAKE-KEY-0123456789abcdef";
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

async function design(script: ScriptTurn[], args: string[] = []) {
  if (!openai) throw new Error("openai case missing");
  server = await openai.start({ script, apiKey: KEY });
  const out = cli.outDir("review");
  const env = agentEnv(cli.tmp, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl });
  const r = await cli.run(["a 40 x 30 x 10 plate with two 10 mm holes", "-p", "openai", "-o", out, ...args], { env });
  return { r, out, requests: server.requests };
}

const base = (): ScriptTurn[] => [parametersTurn(), boxAndToolTurn(), cutTurn(), finishTurn()];

describe("self-check before delivery", () => {
  it("the model fixes what the review shows (a missing second hole), then finishes: outcome revised", async () => {
    const fix = toolReply([
      ["create_cylinder", { name: "hole2", radius: 2, height: 12, position: [5, 5, -1] }],
      ["boolean", { name: "part2", op: "cut", base: "part", tools: ["hole2"] }],
    ]);
    const { r, out, requests } = await design([
      ...base(),
      fix,
      toolReply([["finish", { parts: ["part2"], summary: "plate with two holes" }]]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("review: check_design ok, picture sent");
    expect(requests).toHaveLength(6);
    const report = readReport(out);
    expect(report.review).toEqual({
      outcome: "revised",
      turn: 4,
      ok: true,
      warnings: [],
      image: true,
      changes: 2,
      error: null,
    });
    // The part that was delivered is the revised one: plate − Ø10 hole − Ø4 hole, all through 10 mm.
    expect(report.parts.map((p) => p.name)).toEqual(["part2"]);
    expect(near(report.parts[0]?.volume ?? 0, PLATE_VOLUME - Math.PI * 2 * 2 * 10, 1e-6)).toBe(true);
    const record = readRecord(out);
    expect(record.final).toEqual({ parts: ["part2"], summary: "plate with two holes" });
    expect(record.steps.map((s) => s.tool).slice(-2)).toEqual(["create_cylinder", "boolean"]);
  });

  it("an answer in words to the review keeps the first finish: outcome accepted, exit 0", async () => {
    const { r, out, requests } = await design([...base(), textReply("All dimensions match the brief.")]);
    expect(r.code, r.stderr).toBe(0);
    expect(requests).toHaveLength(5);
    const report = readReport(out);
    expect(report.review).toMatchObject({ outcome: "accepted", turn: 4, changes: 0, error: null });
    expect(report.parts.map((p) => p.name)).toEqual(["part"]);
    expect(readRecord(out).final?.parts).toEqual(["part"]);
  });

  it("tool calls after the finish in the same turn are not run; each gets an error result", async () => {
    const finishAndMore = toolReply([
      ["finish", { parts: ["part"], summary: "plate" }],
      ["create_box", { name: "stray", length: 1, width: 1, height: 1 }],
    ]);
    const { r, out, requests } = await design([
      parametersTurn(),
      boxAndToolTurn(),
      cutTurn(),
      finishAndMore,
      confirmTurn(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const results = sentResults("openai-responses", requests[4]?.body);
    expect(results).toHaveLength(2);
    expect(results[0]?.isError).toBe(false);
    expect(results[1]).toMatchObject({ isError: true });
    expect(results[1]?.text).toContain("not run: 'create_box' came after finish");
    const steps = readRecord(out).steps;
    expect(steps.filter((s) => s.tool === "create_box").map((s) => (s.input as { name?: string }).name)).toEqual([
      "plate",
    ]);
    expect(readReport(out).parts.map((p) => p.name)).toEqual(["part"]);
  });

  it("a finish on the last allowed turn is delivered without a review", async () => {
    const { r, out, requests } = await design(base(), ["--max-turns", "4"]);
    expect(r.code, r.stderr).toBe(0);
    expect(requests).toHaveLength(4);
    expect(readReport(out).review).toMatchObject({ outcome: "no-turn-left", turn: null });
  });

  it("--no-review delivers at the first finish", async () => {
    const { r, out, requests } = await design(base(), ["--no-review"]);
    expect(r.code, r.stderr).toBe(0);
    expect(requests).toHaveLength(4);
    expect(readReport(out).review).toMatchObject({ outcome: "off" });
  });
});

describe("text-only models (providers' vision: false)", () => {
  it("get the review figures and a note instead of pictures, from the review and from render_view", async () => {
    // Ollama speaks Chat Completions and takes no key; its catalog marks its models text-only.
    server = await startOpenAiServer({
      script: [
        parametersTurn(),
        boxAndToolTurn(),
        cutTurn(),
        toolReply([["render_view", { view: "top" }]]),
        finishTurn(),
        confirmTurn(),
      ],
    });
    const out = cli.outDir("ollama");
    const env = agentEnv(cli.tmp, { OLLAMA_BASE_URL: server.baseUrl });
    const r = await cli.run(["a plate with a hole", "-p", "ollama", "-o", out], { env });
    expect(r.code, r.stderr).toBe(0);
    const requests = server.requests;
    expect(requests).toHaveLength(6);
    // After render_view: the result's figures, the note, and no image anywhere in the request.
    const afterRender = sentResults("openai-chat", requests[4]?.body);
    expect(afterRender[0]?.text).toContain('"view":"top"');
    expect(afterRender[0]?.text).toContain("1 image omitted: this model takes text only");
    expect(JSON.stringify(requests.map((q) => q.body))).not.toContain("image_url");
    expect(sentImages("openai-chat", requests[4]?.body)).toEqual([]);
    // The review still shows the figures.
    const review = sentResults("openai-chat", requests[5]?.body);
    expect(review[0]?.text).toContain("check_design");
    expect(review[0]?.text).not.toContain("an iso view of them");
    expect(sentUserText("openai-chat", requests[5]?.body)).not.toContain("image omitted");
    expect(readReport(out).review).toMatchObject({ outcome: "confirmed", image: false });
  });
});

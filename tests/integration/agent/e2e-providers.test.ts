import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findProvider } from "../../../src/llm/providers.js";
import { near } from "../../helpers/cad.js";
import type { WireServer } from "../../helpers/wire/index.js";
import { readStep } from "../../helpers/cli-harness.js";
import {
  agentEnv,
  buildAgentCli,
  filesContaining,
  parseEvents,
  readRecord,
  readReport,
  readTranscript,
  type AgentCli,
} from "../../helpers/agent-cli.js";
import {
  confirmTurn,
  PLATE_VOLUME,
  PROVIDER_CASES,
  plateScript,
  pngSize,
  sentImages,
  sentResults,
} from "../../helpers/design-script.js";

/**
 * End to end, per provider: the compiled CLI talks to a local server speaking that provider's
 * real wire format (SSE), the scripted model builds a plate with a hole in FreeCAD over four
 * turns, the CLI feeds each tool result back, gives the model the self-check (figures and a
 * picture in the protocol's image form) at its finish, the model confirms, and the STEP it
 * exports has the hand-computed volume when re-imported in a fresh freecadcmd.
 */

const KEY = "sk-e2e-FAKE-KEY-0123456789abcdefXYZ";
let cli: AgentCli;

beforeAll(() => {
  cli = buildAgentCli();
});
afterAll(() => cli.close());

describe.each(PROVIDER_CASES)("$id", (pc) => {
  let server: WireServer;
  afterAll(async () => server?.close());

  it("builds the part from streamed tool calls, feeds results back, and exports a STEP with the right volume", async () => {
    server = await pc.start({ script: [...plateScript(), confirmTurn()], apiKey: KEY });
    const out = cli.outDir(pc.id);
    // Half the cases point at the server through --base-url, half through the provider's variable.
    const viaFlag = pc.id === "openai" || pc.id === "openrouter";
    const env = agentEnv(cli.tmp, { [pc.keyVar]: KEY, ...(viaFlag ? {} : { [pc.baseUrlVar]: server.baseUrl }) });
    const args = [
      "A 40 x 30 x 10 mm plate with a 10 mm hole in the middle",
      "-p",
      pc.id,
      "-o",
      out,
      "--events",
      ...(viaFlag ? ["--base-url", server.baseUrl] : []),
    ];
    const r = await cli.run(args, { env });
    expect(r.stderr).toContain("→ create_box plate");
    expect(r.code, r.stderr).toBe(0);

    // Five requests to the provider's current default model (retired ids get a 404 from the
    // server), each after the previous turn's tools ran; the key went in the protocol's header.
    expect(server.requests).toHaveLength(5);
    expect(new Set(server.requests.map((q) => q.model))).toEqual(new Set([findProvider(pc.id)?.defaultModel]));
    const second = sentResults(pc.protocol, server.requests[1]?.body);
    expect(second).toHaveLength(4);
    expect(second.every((s) => !s.isError)).toBe(true);
    expect(second.map((s) => JSON.parse(s.text) as { value: number }).map((v) => v.value)).toEqual([40, 30, 10, 10]);
    const third = sentResults(pc.protocol, server.requests[2]?.body);
    expect(third).toHaveLength(2);
    expect(JSON.parse(third[0]?.text ?? "{}")).toMatchObject({ name: "plate", volume: 12000, valid: true });
    const fourth = sentResults(pc.protocol, server.requests[3]?.body);
    const cut = JSON.parse(fourth[0]?.text ?? "{}") as { volume: number; solids: number };
    expect(near(cut.volume, PLATE_VOLUME, 1e-6)).toBe(true);
    expect(cut.solids).toBe(1);
    expect(sentImages(pc.protocol, server.requests[3]?.body)).toEqual([]);

    // The self-check: the finish result carries check_design, the part's figures and an iso picture.
    const review = sentResults(pc.protocol, server.requests[4]?.body);
    expect(review).toHaveLength(1);
    expect(review[0]?.isError).toBe(false);
    expect(review[0]?.text).toContain("review it once against the brief");
    const figures = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(review[0]?.text ?? "")?.[1] ?? "{}") as {
      check_design: { ok: boolean };
      parts: { name: string; volume: number; size: number[] }[];
    };
    expect(figures.check_design.ok).toBe(true);
    expect(figures.parts.map((p) => p.name)).toEqual(["part"]);
    expect(near(figures.parts[0]?.volume ?? 0, PLATE_VOLUME, 1e-6)).toBe(true);
    expect(figures.parts[0]?.size).toEqual([40, 30, 10]);
    const images = sentImages(pc.protocol, server.requests[4]?.body);
    expect(images).toHaveLength(1);
    expect(images[0]?.mediaType).toBe("image/png");
    expect(pngSize(images[0]?.data ?? "")).toEqual({ width: 800, height: 600 });

    // report.json, design record and files.
    const report = readReport(out);
    expect(report).toMatchObject({
      status: "success",
      exitCode: 0,
      provider: pc.id,
      turns: 5,
      toolCalls: 9,
      toolErrors: 0,
      stopReason: "finished",
    });
    expect(report.review).toEqual({
      outcome: "confirmed",
      turn: 4,
      ok: true,
      warnings: [],
      image: true,
      changes: 0,
      error: null,
    });
    expect(report.parts).toHaveLength(1);
    expect(near(report.parts[0]?.volume ?? 0, PLATE_VOLUME, 1e-6)).toBe(true);
    expect(report.parameters).toMatchObject({
      width: { value: 40 },
      depth: { value: 30 },
      thickness: { value: 10 },
      hole_d: { value: 10 },
    });
    expect(report.files).toEqual({
      step: "model.step",
      stl: "model.stl",
      fcstd: "model.FCStd",
      preview: "preview.png",
    });
    expect(report.usage).toMatchObject({
      inputTokens: 2000 + 2600 + 3000 + 3300 + 5200,
      outputTokens: 120 + 90 + 40 + 60 + 30,
    });
    // Every provider here has prices for its default model.
    expect(report.usage?.costUsd).toBeGreaterThan(0);
    for (const f of Object.values(report.files)) expect(existsSync(path.join(out, f))).toBe(true);
    const record = readRecord(out);
    expect(record.steps.map((s) => s.tool)).toEqual([
      "set_parameter",
      "set_parameter",
      "set_parameter",
      "set_parameter",
      "create_box",
      "create_cylinder",
      "boolean",
    ]);
    expect(record.final).toEqual({
      parts: ["part"],
      summary: "40 x 30 x 10 mm plate with a 10 mm through hole (checked)",
    });
    expect(record.createdWith).toMatchObject({ provider: pc.id });
    expect(record.createdWith.freecad).not.toBe("");

    // The STEP, re-imported by a FreeCAD that shares nothing with the worker that wrote it.
    const step = await readStep(path.join(out, "model.step"));
    expect(step.solids).toBe(1);
    expect(step.valid).toBe(true);
    expect(near(step.volume, PLATE_VOLUME, 1e-4)).toBe(true);

    // --events is NDJSON on stdout; the transcript holds the same run.
    const events = parseEvents(r.stdout);
    expect(events[0]?.type).toBe("run-start");
    expect(events.at(-1)).toMatchObject({ type: "finish", status: "success", exitCode: 0 });
    expect(events.filter((e) => e.type === "tool-result")).toHaveLength(9);
    expect(events.filter((e) => e.type === "review")).toHaveLength(1);
    const transcript = readTranscript(out);
    expect(transcript.filter((e) => e.type === "tool-result")).toHaveLength(9);
    expect(transcript.filter((e) => e.type === "review")).toHaveLength(1);
    expect(transcript.some((e) => e.type === "text-delta")).toBe(false);

    // The key is nowhere: not in stdout/stderr, not in any output file.
    expect(r.stdout).not.toContain(KEY);
    expect(r.stderr).not.toContain(KEY);
    expect(filesContaining(out, KEY)).toEqual([]);
    expect(readdirSync(out).sort()).toEqual([
      "design.cad.json",
      "model.FCStd",
      "model.step",
      "model.stl",
      "preview.png",
      "report.json",
      "transcript.jsonl",
    ]);
  });

  it("an unknown model ends with exit 3 naming the model and one the provider serves", async () => {
    await server?.close();
    // A real API answers 404 for any id it does not serve.
    server = await pc.start({ script: [], apiKey: KEY, models: [findProvider(pc.id)?.defaultModel ?? ""] });
    const out = cli.outDir(`${pc.id}-unknown`);
    const env = agentEnv(cli.tmp, { [pc.keyVar]: KEY, [pc.baseUrlVar]: server.baseUrl });
    const r = await cli.run(["a 20 mm cube", "-p", pc.id, "-m", "no-such-model-9", "-o", out, "--no-review"], { env });
    expect(r.code, r.stderr).toBe(3);
    const served = findProvider(pc.id)?.defaultModel ?? "";
    expect(r.stderr).toContain("model 'no-such-model-9' is not served");
    expect(r.stderr).toContain(`--model ${served}`);
    expect(readReport(out)).toMatchObject({ status: "error", exitCode: 3, stopReason: "provider-error" });
  });

  it("a key without access to the model ends with exit 3 and the provider's reason", async () => {
    await server?.close();
    const model = findProvider(pc.id)?.defaultModel ?? "";
    server = await pc.start({ script: [], apiKey: KEY, deniedModels: [model] });
    const out = cli.outDir(`${pc.id}-denied`);
    const env = agentEnv(cli.tmp, { [pc.keyVar]: KEY, [pc.baseUrlVar]: server.baseUrl });
    const r = await cli.run(["a 20 mm cube", "-p", pc.id, "-o", out, "--no-review"], { env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`for model '${model}'`);
    expect(r.stderr).toMatch(/permission|access|not allowed/i);
    expect(r.stderr).not.toContain(KEY);
  });
});

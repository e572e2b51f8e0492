import { existsSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stall, textReply, toolReply, type Script, type WireServer } from "../../helpers/wire/index.js";
import {
  agentEnv,
  buildAgentCli,
  parseEvents,
  readRecord,
  readReport,
  readTranscript,
  type AgentCli,
  type AgentRunOptions,
} from "../../helpers/agent-cli.js";
import {
  boxAndToolTurn,
  parametersTurn,
  plateScript,
  PROVIDER_CASES,
  sentUserText,
  type ProviderCase,
} from "../../helpers/design-script.js";

/**
 * How runs end when they do not end well: turn limit, budget, a model in a loop or giving up,
 * Ctrl-C, the deadline, no FreeCAD, no key, conflicting flags. Every one of them leaves the
 * design record, transcript and report behind, with the exit code of CLI.md.
 */

const KEY = "sk-limits-FAKE-KEY-0123456789abcdef";
const FINISH_NOW = "This is your last turn";
const CONTINUE = "You have not called `finish` yet";
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

const anthropic = PROVIDER_CASES.find((p) => p.id === "anthropic") as ProviderCase;

async function design(
  script: Script,
  args: string[] = [],
  opts: { extraEnv?: NodeJS.ProcessEnv; run?: AgentRunOptions; pc?: ProviderCase } = {},
) {
  const pc = opts.pc ?? anthropic;
  server = await pc.start({ script });
  const out = cli.outDir("limits");
  const env = agentEnv(cli.tmp, { [pc.keyVar]: KEY, [pc.baseUrlVar]: server.baseUrl, ...opts.extraEnv });
  // The self-check turn is tested in review.test.ts; these scripts end at the first finish.
  const r = await cli.run(["a plate with a hole", "-p", pc.id, "-o", out, "--no-review", ...args], {
    ...opts.run,
    env,
  });
  expect(r.stdout + r.stderr).not.toContain(KEY);
  return { r, out, server, pc };
}

describe("limits", () => {
  it("max turns: the last turn asks the model to finish; then exit 1 with the record saved (--json prints the report)", async () => {
    const { r, out, server: s } = await design([parametersTurn(), boxAndToolTurn()], ["--max-turns", "2", "--json"]);
    expect(r.code).toBe(1);
    expect(s.requests).toHaveLength(2);
    expect(sentUserText("anthropic", s.requests[0]?.body)).not.toContain(FINISH_NOW);
    expect(sentUserText("anthropic", s.requests[1]?.body)).toContain(FINISH_NOW);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ status: "failed", exitCode: 1, stopReason: "max-turns", turns: 2, toolCalls: 6 });
    expect(report).toEqual(readReport(out));
    expect(String(report.error)).toContain("--max-turns");
    expect(readRecord(out).steps).toHaveLength(6);
    // What exists so far is in the report: the plate and the (not yet used) hole tool.
    expect(
      readReport(out)
        .parts.map((p) => p.name)
        .sort(),
    ).toEqual(["hole", "plate"]);
    expect(r.stderr).toContain("(last turn: asking the model to finish)");
  });

  it("budget: the turn that would exceed it is never sent; the one before is the finish-now turn", async () => {
    // 100k input tokens at Sonnet 5.5's $2/M: $0.20 a turn. Budget $0.45: turn 2 is the last that fits.
    const big = { usage: { input: 100_000, output: 100 } };
    const {
      r,
      out,
      server: s,
    } = await design(
      [
        toolReply([["set_parameter", { name: "w", value: 4 }]], big),
        toolReply([["set_parameter", { name: "d", value: 3 }]], big),
        parametersTurn(),
      ],
      ["--budget", "0.45"],
    );
    expect(r.code, r.stderr).toBe(1);
    expect(s.requests).toHaveLength(2);
    expect(sentUserText("anthropic", s.requests[1]?.body)).toContain(FINISH_NOW);
    const report = readReport(out);
    expect(report).toMatchObject({ status: "failed", stopReason: "budget", turns: 2 });
    expect(report.usage?.costUsd).toBeLessThanOrEqual(0.45);
    // Two turns of 100k input tokens at $2/M and 100 output tokens at $10/M.
    expect(report.usage?.costUsd).toBeCloseTo(2 * (0.2 + 100 * 10e-6), 6);
    expect(readRecord(out).steps).toHaveLength(2);
  });

  it("a budget on a model without prices is refused up front (exit 2)", async () => {
    const { r, out } = await design([parametersTurn()], ["--budget", "1", "-m", "claude-unpriced-model"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--budget needs the price of anthropic/claude-unpriced-model");
    expect(existsSync(out)).toBe(false);
  });

  it("three identical calls in a row stop the run (exit 1)", async () => {
    const same = () => toolReply([["create_box", { name: "b", length: 1, width: 1, height: 1 }]]);
    const { r, out, server: s } = await design([same(), same(), same(), same()]);
    expect(r.code).toBe(1);
    expect(s.requests).toHaveLength(3);
    const report = readReport(out);
    expect(report).toMatchObject({ status: "failed", stopReason: "repeated-calls", toolCalls: 2 });
    // The first call made the box; the second failed (name taken); the third never ran.
    expect(readRecord(out).steps).toHaveLength(1);
  });

  it("`design` subcommand: a model that stops without finish is nudged once, then the run fails (exit 1)", async () => {
    server = await anthropic.start({
      script: [textReply("I would need more details."), textReply("Still no part, sorry.")],
    });
    const out = cli.outDir("gave-up");
    const env = agentEnv(cli.tmp, { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.baseUrl });
    const r = await cli.run(["design", "a bracket", "-o", out, "-m", "claude-unpriced-model"], { env });
    expect(r.code).toBe(1);
    // No price for this model: the cost is unknown (null), never a guess.
    expect(readReport(out).usage?.costUsd).toBeNull();
    expect(readReport(out).model).toBe("claude-unpriced-model");
    expect(r.stderr).toContain("cost unknown");
    expect(server.requests).toHaveLength(2);
    expect(sentUserText("anthropic", server.requests[1]?.body)).toContain(CONTINUE);
    expect(readReport(out)).toMatchObject({
      status: "failed",
      stopReason: "gave-up",
      summary: "Still no part, sorry.",
      provider: "anthropic",
    });
  });
});

describe("interruptions", () => {
  it("Ctrl-C: the run stops, saves record, transcript and report as interrupted, exit 130", async () => {
    let pid = -1;
    let resolveSecond: () => void = () => undefined;
    const secondRequest = new Promise<void>((r) => (resolveSecond = r));
    const script: Script = (_req, i) => {
      if (i === 0) return parametersTurn();
      resolveSecond();
      return stall("Thinking about the");
    };
    const pending = design(script, [], { run: { onSpawn: (p) => (pid = p) } });
    await secondRequest;
    process.kill(pid, "SIGINT");
    const { r, out } = await pending;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupting");
    expect(readReport(out)).toMatchObject({
      status: "interrupted",
      exitCode: 130,
      stopReason: "interrupted",
      turns: 2,
      toolCalls: 4,
    });
    expect(readRecord(out).steps).toHaveLength(4);
    expect(readTranscript(out).at(-1)).toMatchObject({ type: "finish", status: "interrupted" });
  });

  it("a second Ctrl-C exits at once with 130", async () => {
    let pid = -1;
    let resolveFirst: () => void = () => undefined;
    const firstRequest = new Promise<void>((r) => (resolveFirst = r));
    const pending = design(
      () => {
        resolveFirst();
        return stall();
      },
      [],
      { run: { onSpawn: (p) => (pid = p) } },
    );
    await firstRequest;
    process.kill(pid, "SIGINT");
    // Apart, so the kernel does not merge them into one pending signal.
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, "SIGINT");
    } catch (e) {
      // On a quiet machine the first Ctrl-C may already have saved everything and exited.
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
    const { r, out } = await pending;
    if (r.signal === "SIGINT") {
      // The second signal landed while the process was already leaving, after saving and after
      // Node had closed its signal watchers (the kernel's default action then applies; a shell
      // shows 130 either way). Only acceptable when the first Ctrl-C had saved everything.
      expect(readReport(out)).toMatchObject({ status: "interrupted", exitCode: 130 });
    } else {
      expect(r.code, `signal ${r.signal}`).toBe(130);
    }
  });

  it("--timeout: the deadline stops a stalled request; exit 1 with what exists saved", async () => {
    // Long enough for FreeCAD to start and run the first turn's four calls on a heavily loaded
    // machine (25 s was not, with two suites and stress-ng sharing 2 cores).
    const { r, out } = await design([parametersTurn(), stall()], ["--timeout", "70"]);
    expect(r.code).toBe(1);
    // "Does not hang" only (the stalled request would otherwise wait for the 180 s idle timeout).
    expect(r.ms).toBeLessThan(170_000);
    expect(readReport(out)).toMatchObject({ status: "failed", stopReason: "deadline", toolCalls: 4 });
    expect(readReport(out).error).toContain("deadline");
    expect(readRecord(out).steps).toHaveLength(4);
  });
});

describe("configuration errors", () => {
  it("FreeCAD that cannot start ends the run at once with exit 4, without waiting for the model", async () => {
    const slow = toolReply([["create_box", { length: 1, width: 1, height: 1 }]], { delayMs: 300_000 });
    const { r, out } = await design([slow], [], { extraEnv: { FREECAD_CMD: "/nonexistent/freecadcmd" } });
    expect(r.code).toBe(4);
    // "Does not wait for the model" only: its answer is 5 minutes away.
    expect(r.ms).toBeLessThan(120_000);
    expect(r.stderr).toMatch(/FreeCAD unavailable/);
    expect(readReport(out)).toMatchObject({ status: "error", exitCode: 4, stopReason: "cad-unavailable" });
  });

  it.each([
    ["-p anthropic", ["-p", "anthropic"], ["ANTHROPIC_API_KEY", "cadagent keys set anthropic", "api_keys.json"]],
    ["-p gemini", ["-p", "gemini"], ["GEMINI_API_KEY or GOOGLE_API_KEY", "cadagent keys set gemini", "api_keys.json"]],
    [
      "no provider",
      [],
      [
        "no provider has an API key",
        "ANTHROPIC_API_KEY",
        "OPENAI_API_KEY",
        "cadagent keys set <provider>",
        "api_keys.json",
      ],
    ],
  ])("missing key (%s): exit 2 with how to provide one, nothing written", async (_label, args, needles) => {
    const out = cli.outDir("nokey");
    const r = await cli.run(["a cube", "-o", out, ...args], { env: agentEnv(cli.tmp) });
    expect(r.code).toBe(2);
    for (const n of needles) expect(r.stderr).toContain(n);
    expect(existsSync(out)).toBe(false);
  });

  it("--json and --events together are a usage error", async () => {
    const r = await cli.run(["a cube", "--json", "--events"], { env: agentEnv(cli.tmp, { ANTHROPIC_API_KEY: KEY }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--json and --events");
  });

  it("no brief prints the usage (exit 2); bad flag values name the flag", async () => {
    const none = await cli.run([], { env: agentEnv(cli.tmp) });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: cadagent");
    const bad = await cli.run(["a cube", "--max-turns", "zero"], {
      env: agentEnv(cli.tmp, { ANTHROPIC_API_KEY: KEY }),
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-turns");
    const url = await cli.run(["a cube", "--base-url", "ftp://x"], {
      env: agentEnv(cli.tmp, { ANTHROPIC_API_KEY: KEY }),
    });
    expect(url.code).toBe(2);
    expect(url.stderr).toContain("invalid --base-url");
  });

  it("a successful run with --events streams NDJSON whose last line is the finish event", async () => {
    const { r } = await design(plateScript(), ["--events"], { pc: PROVIDER_CASES.find((p) => p.id === "gemini") });
    expect(r.code).toBe(0);
    const events = parseEvents(r.stdout);
    expect(events.map((e) => e.type)).toContain("worker-ready");
    expect(events.filter((e) => e.type === "turn-start")).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: "finish", status: "success" });
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { near } from "../../helpers/cad.js";
import {
  httpError,
  resetMidStream,
  streamError,
  toolReply,
  type ScriptTurn,
  type WireServer,
} from "../../helpers/wire/index.js";
import {
  agentEnv,
  buildAgentCli,
  filesContaining,
  parseEvents,
  readRecord,
  readReport,
  type AgentCli,
} from "../../helpers/agent-cli.js";
import {
  boxAndToolTurn,
  cutTurn,
  finishTurn,
  parametersTurn,
  PLATE_VOLUME,
  PROVIDER_CASES,
  sentResults,
  type ProviderCase,
} from "../../helpers/design-script.js";

/**
 * What goes wrong on the wire: malformed tool calls become tool errors the model recovers from;
 * rate limits, server errors, overload and dropped streams are retried without running any tool
 * twice; auth and bad requests are not retried and end with exit 3.
 */

const KEY = "sk-faults-FAKE-KEY-abcdef0123456789";
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

const caseOf = (id: ProviderCase["id"]): ProviderCase => {
  const c = PROVIDER_CASES.find((p) => p.id === id);
  if (!c) throw new Error(id);
  return c;
};

async function design(pc: ProviderCase, script: ScriptTurn[], extraArgs: string[] = [], serverKey = KEY) {
  server = await pc.start({ script, apiKey: serverKey });
  const out = cli.outDir(pc.id);
  const env = agentEnv(cli.tmp, { [pc.keyVar]: KEY, [pc.baseUrlVar]: server.baseUrl });
  // The self-check turn is tested in review.test.ts; these scripts end at the first finish.
  const r = await cli.run(["a plate with a hole", "-p", pc.id, "-o", out, "--events", "--no-review", ...extraArgs], {
    env,
  });
  for (const text of [r.stdout, r.stderr]) expect(text).not.toContain(KEY);
  expect(filesContaining(out, KEY)).toEqual([]);
  return { r, out, server, events: parseEvents(r.stdout) };
}

describe("malformed tool calls", () => {
  it("openai: bad JSON arguments, an unknown tool and wrong types go back as tool errors with hints; the run recovers", async () => {
    const pc = caseOf("openai");
    const broken = toolReply([
      { name: "create_box", rawArguments: '{"length": 10, "width": ' },
      { name: "make_gear", args: { teeth: 20 } },
      { name: "create_box", args: { length: true, width: [1], height: 5 } },
    ]);
    const {
      r,
      out,
      server: s,
    } = await design(pc, [broken, parametersTurn(), boxAndToolTurn(), cutTurn(), finishTurn()]);
    expect(r.code, r.stderr).toBe(0);
    const errors = sentResults(pc.protocol, s.requests[1]?.body);
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e.isError)).toBe(true);
    expect(errors[0]?.text).toMatch(/not valid JSON.*"hint"/);
    expect(errors[1]?.text).toMatch(/unknown tool 'make_gear'.*available tools: .*create_box/);
    expect(errors[2]?.text).toMatch(
      /'length' for create_box must be a number or an expression string, got true.*"hint":"expected arguments: \{/,
    );
    const report = readReport(out);
    expect(report).toMatchObject({ status: "success", toolErrors: 3, toolCalls: 11 });
    expect(near(report.parts[0]?.volume ?? 0, PLATE_VOLUME)).toBe(true);
    // Failed calls are not design steps.
    expect(readRecord(out).steps).toHaveLength(7);
    expect(r.stderr).toContain("✗ make_gear: unknown tool 'make_gear'");
  });

  it.each(["anthropic", "gemini"] as const)(
    "%s: unknown tool and wrong types are tool errors; the run recovers",
    async (id) => {
      const pc = caseOf(id);
      const broken = toolReply([
        ["make_gear", { teeth: 20 }],
        ["create_cylinder", { radius: "wide", height: { mm: 3 } }],
      ]);
      const {
        r,
        out,
        server: s,
      } = await design(pc, [broken, parametersTurn(), boxAndToolTurn(), cutTurn(), finishTurn()]);
      expect(r.code, r.stderr).toBe(0);
      const errors = sentResults(pc.protocol, s.requests[1]?.body);
      expect(errors.map((e) => e.isError)).toEqual([true, true]);
      expect(errors[0]?.text).toContain("unknown tool 'make_gear'");
      expect(errors[1]?.text).toContain("'height' for create_cylinder must be a number or an expression string");
      expect(readReport(out)).toMatchObject({ status: "success", toolErrors: 2 });
    },
  );
});

describe("transient provider failures are retried without re-running tools", () => {
  const overload: Record<ProviderCase["id"], ScriptTurn[]> = {
    anthropic: [httpError(529), streamError({ errorType: "overloaded_error", partialText: "Cutting the" })],
    openai: [httpError(503)],
    gemini: [httpError(503)],
    openrouter: [httpError(502)],
  };

  it.each(["anthropic", "openai", "gemini"] as const)(
    "%s: 429 with retry-after, 500, reset mid-stream, overloaded",
    async (id) => {
      const pc = caseOf(id);
      const faults = overload[id];
      const script: ScriptTurn[] = [
        httpError(429, { retryAfter: "2" }),
        parametersTurn(),
        httpError(500),
        resetMidStream("Now the plate and the hole tool"),
        boxAndToolTurn(),
        ...faults,
        cutTurn(),
        finishTurn(),
      ];
      const { r, out, server: s, events } = await design(pc, script);
      expect(r.code, r.stderr).toBe(0);
      expect(s.requests).toHaveLength(script.length);

      // Each retry resent exactly the same request: nothing from a failed attempt leaked in.
      const retried = [0, 2, 3, 5, ...(faults.length > 1 ? [6] : [])];
      for (const i of retried) expect(s.requests[i + 1]?.rawBody, `request ${i + 1}`).toBe(s.requests[i]?.rawBody);

      const retries = events.filter((e) => e.type === "retry");
      expect(retries.map((e) => e.kind)).toEqual([
        "rate_limit",
        "server",
        "network",
        ...(id === "anthropic" ? ["overloaded", "overloaded"] : ["server"]),
      ]);
      // retry-after: 2 s, honoured (scaled 1000× down for the test).
      expect(retries[0]).toMatchObject({ retryAfterMs: 2000, status: 429 });
      expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(2);

      // No tool ran twice: 8 results in all, 7 steps, and each result was sent back exactly once.
      const report = readReport(out);
      expect(report).toMatchObject({
        status: "success",
        toolCalls: 8,
        toolErrors: 0,
        turns: 4,
        retries: retried.length,
      });
      expect(readRecord(out).steps.map((st) => st.tool)).toEqual([
        "set_parameter",
        "set_parameter",
        "set_parameter",
        "set_parameter",
        "create_box",
        "create_cylinder",
        "boolean",
      ]);
      expect(events.filter((e) => e.type === "tool-result")).toHaveLength(8);
      const last = s.requests.at(-1)?.body;
      const box = sentResults(pc.protocol, s.requests[s.requests.length - 2]?.body);
      expect(box.map((b) => (JSON.parse(b.text) as { name: string }).name)).toEqual(["plate", "hole"]);
      expect(sentResults(pc.protocol, last)).toHaveLength(1);
      expect(near(report.parts[0]?.volume ?? 0, PLATE_VOLUME)).toBe(true);
      expect(r.stderr).toMatch(/↻ rate_limit 429: .* retry 1\/5/);
    },
  );
});

describe("errors that are not retried", () => {
  it.each(["anthropic", "openai", "gemini", "openrouter"] as const)(
    "%s: a rejected key (401) ends with exit 3 and says how to fix it",
    async (id) => {
      const pc = caseOf(id);
      const { r, out, server: s } = await design(pc, [parametersTurn()], [], "sk-the-right-key-0123456789abcdef");
      expect(r.code).toBe(3);
      expect(s.requests).toHaveLength(1);
      expect(r.stderr).toMatch(/rejected the API key \(HTTP 401\)/);
      expect(r.stderr).toContain(pc.keyVar);
      expect(r.stderr).toContain(`cadagent keys set ${pc.id}`);
      expect(readReport(out)).toMatchObject({
        status: "error",
        exitCode: 3,
        stopReason: "provider-error",
        turns: 1,
        toolCalls: 0,
      });
    },
  );

  it("a bad request (400) is not retried: exit 3 after one request", async () => {
    const {
      r,
      out,
      server: s,
    } = await design(caseOf("openai"), [
      httpError(400, { message: "tools[3].parameters: invalid schema" }),
      parametersTurn(),
    ]);
    expect(r.code).toBe(3);
    expect(s.requests).toHaveLength(1);
    expect(r.stderr).toContain("refused the request (HTTP 400)");
    expect(readReport(out).error).toContain("invalid schema");
  });

  it("retries give up after the attempt limit with exit 3", async () => {
    const {
      r,
      server: s,
      events,
    } = await design(
      caseOf("anthropic"),
      Array.from({ length: 6 }, () => httpError(500)),
    );
    expect(r.code).toBe(3);
    expect(s.requests).toHaveLength(6);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(5);
    expect(r.stderr).toContain("kept failing after retries (HTTP 500)");
  });
});

import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentEnv, buildAgentCli, readReport, type AgentCli } from "../../helpers/agent-cli.js";

/**
 * Item 2: an unreachable endpoint used to cost a minute of retries and end in "Connection error.
 * (fetch failed)". Now connection refused on this machine and fetch's blocked ports fail at once
 * (exit 3) with the URL, the cause and the fix; a deadline hit while the provider is unreachable
 * is exit 3 too. Retry waits run at their real length here (no CADAGENT_RETRY_SCALE), so a
 * retried failure could not pass the "no minute of retries" bound by accident.
 */

const KEY = "sk-net-FAKE-KEY-0123456789abcdef";
let cli: AgentCli;

beforeAll(() => {
  cli = buildAgentCli();
});
afterAll(() => cli.close());

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const realRetries = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...agentEnv(cli.tmp, extra),
  CADAGENT_RETRY_SCALE: "1",
});

describe("unreachable endpoints fail fast and say why", () => {
  it("connection refused on 127.0.0.1: exit 3 at once (no retries), URL + ECONNREFUSED + fix, printed once, no protocol id", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const out = cli.outDir("refused");
    const r = await cli.run(["-p", "openai", "--base-url", url, "a 20 mm cube", "-o", out], {
      env: realRetries({ OPENAI_API_KEY: KEY }),
    });
    expect(r.code, r.stderr).toBe(3);
    // One attempt and no back-off: six attempts would wait 2+4+8+16+30 s. The bound is generous (a
    // loaded machine took 8.4 s, FreeCAD's start included; an idle one about 1.5 s): the point is
    // "no minute of retries", and retries: 0 below says it exactly.
    expect(r.ms).toBeLessThan(30_000);
    expect(r.stderr).not.toMatch(/retry \d/);
    expect(r.stderr).toContain(url);
    expect(r.stderr).toContain("ECONNREFUSED");
    expect(r.stderr).toContain("check --base-url or OPENAI_BASE_URL");
    expect(r.stderr.split("ECONNREFUSED")).toHaveLength(2); // printed once
    expect(r.stderr).not.toContain("openai-chat");
    expect(r.stderr).not.toContain("    at ");
    const report = readReport(out);
    expect(report).toMatchObject({ status: "error", exitCode: 3, retries: 0 });
    expect(report.error).toContain(url);
  });

  it("Ollama not started: the fix is `ollama serve`", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const r = await cli.run(["-p", "ollama", "a 20 mm cube", "-o", cli.outDir("ollama")], {
      env: realRetries({ OLLAMA_BASE_URL: url }),
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`cannot reach Ollama`);
    expect(r.stderr).toContain(url);
    expect(r.stderr).toContain("Is Ollama running? Start it with `ollama serve`");
  });

  it("a port fetch refuses (6000, X11): exit 3 at once naming the bad port", async () => {
    const url = "http://127.0.0.1:6000/v1";
    const r = await cli.run(["-p", "openai", "--base-url", url, "a 20 mm cube", "-o", cli.outDir("badport")], {
      env: realRetries({ OPENAI_API_KEY: KEY }),
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(url);
    expect(r.stderr).toContain("bad port");
    expect(r.stderr).not.toMatch(/retry \d/);
  });

  it("a deadline hit while retrying an endpoint that drops every connection is exit 3, not 1", async () => {
    // Reads each request and hangs up: a transient network error, retried (not a permanent one).
    const dropper = http.createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => dropper.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(dropper.address() as net.AddressInfo).port}/v1`;
    const out = cli.outDir("deadline");
    try {
      const r = await cli.run(["-p", "openai", "--base-url", url, "--timeout", "10", "a 20 mm cube", "-o", out], {
        // The first back-off (at least 90 s) outlasts the 10 s deadline, however slow the machine.
        env: {
          ...realRetries({ OPENAI_API_KEY: KEY }),
          CADAGENT_RETRY_BASE_MS: "120000",
          CADAGENT_RETRY_MAX_MS: "120000",
        },
      });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/↻ network: .* retry 1\/5 in/);
      const report = readReport(out);
      expect(report).toMatchObject({ status: "error", exitCode: 3, stopReason: "deadline" });
      expect(report.error).toMatch(/deadline \(10 s, --timeout\) while OpenAI was unreachable/);
      expect(report.error).not.toContain("openai-chat");
    } finally {
      await new Promise<void>((r) => dropper.close(() => r()));
    }
  });
});

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { near } from "../../helpers/cad.js";
import { startOpenAiResponsesServer, type WireServer } from "../../helpers/wire/index.js";
import { agentEnv, buildAgentCli, readReport, type AgentCli } from "../../helpers/agent-cli.js";
import { PLATE_VOLUME } from "../../helpers/design-script.js";
import {
  briefFor,
  perJobScript,
  platePlan,
  readSummary,
  requestsPerJob,
  turnOf,
  writeJobs,
  jobOf,
} from "../../helpers/batch-script.js";

/**
 * Killing and interrupting a batch, then --resume: a job counts as done only when its
 * report.json (written last, atomically) is there, so the resumed batch runs exactly the
 * missing jobs — each once — and leaves the finished ones untouched.
 */

const KEY = "sk-resume-FAKE-KEY-0123456789abcdefXYZ";
let cli: AgentCli;
let server: WireServer;

beforeAll(async () => {
  cli = buildAgentCli();
  const plans = Object.fromEntries(
    ["j1", "j2", "j3", "j4", "j5", "j6", "s1", "s2", "s3", "s4"].map((id) => [id, platePlan(250)]),
  );
  server = await startOpenAiResponsesServer({ apiKey: KEY, script: perJobScript(plans) });
});
afterAll(async () => {
  await server?.close();
  cli.close();
});

/** Children of a process (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const alive = (pid: number): boolean =>
  existsSync(`/proc/${pid}`) && !/^\S+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let left = pids;
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter((p) => {
      try {
        return alive(p);
      } catch {
        return false;
      }
    });
  }
  return left;
}

const finishServed = (id: string): number => server.requests.filter((q) => jobOf(q) === id && turnOf(q) === 3).length;

describe("--resume", () => {
  it("after SIGKILL mid-batch, runs only the jobs that had not completed, each exactly once", async () => {
    const ids = ["j1", "j2", "j3", "j4", "j5", "j6"];
    const jobsFile = writeJobs(
      path.join(cli.tmp, "kill"),
      ids.map((id) => ({ id, brief: briefFor(id) })),
    );
    const out = cli.outDir("kill");
    const env = agentEnv(cli.tmp, { OPENAI_API_KEY: KEY });
    const args = [
      "batch",
      jobsFile,
      "-o",
      out,
      "-p",
      "openai",
      "--base-url",
      server.baseUrl,
      "--concurrency",
      "2",
      "--no-review",
      "--formats",
      "step",
    ];

    let workers: number[] = [];
    let done = 0;
    const first = await cli.run(args, {
      env,
      onStderr: (chunk, pid) => {
        done += (chunk.match(/✓ j\d/g) ?? []).length;
        if (done >= 2 && workers.length === 0) {
          workers = childrenOf(pid);
          process.kill(pid, "SIGKILL");
        }
      },
    });
    expect(first.signal).toBe("SIGKILL");
    // The FreeCAD workers see their stdin close and exit: a killed batch leaks no processes.
    expect(workers.length).toBeGreaterThan(0);
    expect(await waitGone(workers, 10_000)).toEqual([]);

    // What the kill left: some folders complete, some half-built, none half-built with a report.
    const complete = new Map<string, number>();
    for (const id of ids) {
      const dir = path.join(out, id);
      if (!existsSync(path.join(dir, "report.json"))) continue;
      const rep = readReport(dir);
      expect(rep.status).toBe("success");
      expect(existsSync(path.join(dir, "model.step"))).toBe(true);
      complete.set(id, statSync(path.join(dir, "report.json")).mtimeMs);
    }
    expect(complete.size).toBeGreaterThanOrEqual(2);
    expect(complete.size).toBeLessThan(ids.length);
    expect(existsSync(path.join(out, "summary.json"))).toBe(false);
    const before = server.requests.length;

    const second = await cli.run([...args, "--resume"], { env });
    expect(second.code, second.stderr).toBe(0);
    const s = readSummary(out);
    expect(s.counts).toMatchObject({ total: 6, success: 6, failed: 0, resumed: complete.size });
    const during = requestsPerJob(server.requests.slice(before));
    for (const id of ids) {
      const j = s.jobs.find((x) => x.id === id);
      expect(j?.status).toBe("success");
      expect(near(j?.parts[0]?.volume ?? 0, PLATE_VOLUME, 1e-6)).toBe(true);
      if (complete.has(id)) {
        // Kept: not one request in the second run, its report untouched.
        expect(j?.resumed).toBe(true);
        expect(during.get(id)).toBeUndefined();
        expect(statSync(path.join(out, id, "report.json")).mtimeMs).toBe(complete.get(id));
        expect(finishServed(id)).toBe(1);
      } else {
        // Re-run from scratch, once: the four turns of one conversation.
        expect(j?.resumed).toBe(false);
        expect(during.get(id)).toBe(4);
      }
    }
    expect(second.stderr).toMatch(new RegExp(`${complete.size} already complete, kept`));
  });

  it("Ctrl-C stops the batch with exit 130, saves the running jobs and still writes summary.json and index.html; --resume finishes it", async () => {
    const ids = ["s1", "s2", "s3", "s4"];
    const jobsFile = writeJobs(
      path.join(cli.tmp, "sigint"),
      ids.map((id) => ({ id, brief: briefFor(id) })),
    );
    const out = cli.outDir("sigint");
    const env = agentEnv(cli.tmp, { OPENAI_API_KEY: KEY });
    const args = [
      "batch",
      jobsFile,
      "-o",
      out,
      "-p",
      "openai",
      "--base-url",
      server.baseUrl,
      "--concurrency",
      "2",
      "--no-review",
      "--formats",
      "step",
    ];
    let sent = false;
    const r = await cli.run(args, {
      env,
      onStderr: (chunk, pid) => {
        if (!sent && /start s2/.test(chunk + "")) {
          sent = true;
          // Mid-conversation: the first turns are answered after 250 ms each.
          setTimeout(() => process.kill(pid, "SIGINT"), 600);
        }
      },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain("interrupting:");
    const s = readSummary(out);
    expect(s.interrupted).toBe(true);
    expect(s.counts).toMatchObject({ total: 4, success: 0, interrupted: 2, notRun: 2 });
    for (const j of s.jobs) {
      if (j.status === "interrupted") {
        // What the run had is saved: its record, transcript and an `interrupted` report.
        expect(readReport(path.join(out, j.id)).status).toBe("interrupted");
        expect(existsSync(path.join(out, j.id, "design.cad.json"))).toBe(true);
        expect(existsSync(path.join(out, j.id, "transcript.jsonl"))).toBe(true);
      } else {
        expect(j.status).toBe("not-run");
        expect(existsSync(path.join(out, j.id))).toBe(false);
      }
    }
    const html = readFileSync(path.join(out, "index.html"), "utf8");
    expect(html).toContain("batch interrupted");
    expect(html).toContain("2 not run");

    // An interrupted job is not complete: --resume runs all four.
    const again = await cli.run([...args, "--resume"], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(readSummary(out).counts).toMatchObject({ total: 4, success: 4, resumed: 0, interrupted: 0, notRun: 0 });
  });
});

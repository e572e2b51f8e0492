import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgentCli, type AgentCli } from "../../helpers/agent-cli.js";
import { examplesDir, writeJobs } from "../../helpers/batch-script.js";

/** Issue #13 item 6: the batch never deletes or writes through a symlink, nor empties a folder it did not make. */

let cli: AgentCli;
let outside: string;
beforeAll(() => {
  cli = buildAgentCli();
  outside = mkdtempSync(path.join(os.tmpdir(), "cadagent-batch-outside-"));
});
afterAll(() => {
  cli.close();
  rmSync(outside, { recursive: true, force: true });
});

const plate = path.join(examplesDir, "plate-with-holes.cad.json");

describe("batch job folders", () => {
  it("a job `out` through a symlink is refused with exit 2, and the file outside is intact", async () => {
    const victim = path.join(outside, "victimdir");
    mkdirSync(victim);
    writeFileSync(path.join(victim, "keep.txt"), "precious");
    const out = cli.outDir("through-link");
    mkdirSync(out, { recursive: true });
    symlinkSync(outside, path.join(out, "link"));
    const jobsFile = writeJobs(path.join(cli.tmp, "through-link-jobs"), [
      { id: "a", design: plate, out: "link/victimdir" },
    ]);
    const r = await cli.run(["batch", jobsFile, "-o", out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/'link' is a symlink/);
    expect(readFileSync(path.join(victim, "keep.txt"), "utf8")).toBe("precious");
  });

  it("a job folder cadagent did not write is refused with exit 2 naming it, and left as it was", async () => {
    const out = cli.outDir("foreign");
    const foreign = path.join(out, "a");
    mkdirSync(foreign, { recursive: true });
    writeFileSync(path.join(foreign, "thesis.tex"), "mine");
    writeFileSync(path.join(foreign, "report.json"), '{"not": "a cadagent report"}');
    const jobsFile = writeJobs(path.join(cli.tmp, "foreign-jobs"), [{ id: "a", design: plate }]);
    const r = await cli.run(["batch", jobsFile, "-o", out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(foreign);
    expect(r.stderr).toMatch(/not written by cadagent/);
    expect(readFileSync(path.join(foreign, "thesis.tex"), "utf8")).toBe("mine");
  });

  it("a folder cadagent wrote is reused: a second run over the same folder succeeds", async () => {
    const out = cli.outDir("reuse");
    const jobsFile = writeJobs(path.join(cli.tmp, "reuse-jobs"), [{ id: "a", design: plate }]);
    const first = await cli.run(["batch", jobsFile, "-o", out]);
    expect(first.code, first.stderr).toBe(0);
    const second = await cli.run(["batch", jobsFile, "-o", out]);
    expect(second.code, second.stderr).toBe(0);
  });
});

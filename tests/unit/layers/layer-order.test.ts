import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const depcruise = path.join(repoRoot, "node_modules", ".bin", "depcruise");
const config = path.join(repoRoot, ".dependency-cruiser.cjs");
const tmps: string[] = [];
afterAll(() => tmps.forEach((t) => rmSync(t, { recursive: true, force: true })));

function cruise(cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(depcruise, ["src", "--config", config, "--output-type", "err"], { cwd }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

/** A tiny tree with one file per named layer; `imports` maps a file to what it imports. */
function plant(imports: Record<string, string[]>): string {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-layers-"));
  tmps.push(tmp);
  writeFileSync(path.join(tmp, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext" } }));
  for (const [file, targets] of Object.entries(imports)) {
    mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
    const lines = targets.map((t) => {
      const rel = path.posix.relative(path.posix.dirname(file), t).replace(/\.ts$/, ".js");
      return `import "${rel.startsWith(".") ? rel : `./${rel}`}";`;
    });
    writeFileSync(path.join(tmp, file), [...lines, "export const x = 1;", ""].join("\n"));
  }
  return tmp;
}

describe("the layer check (npm run lint:layers)", () => {
  it("passes on the repository's own src/", async () => {
    const r = await cruise(repoRoot);
    expect(r.out).toContain("no dependency violations");
    expect(r.code).toBe(0);
  });

  it("accepts imports that run down the layers", async () => {
    const tmp = plant({
      "src/cli/main.ts": ["src/agent/loop.ts"],
      "src/agent/loop.ts": ["src/util/x.ts"],
      "src/util/x.ts": [],
    });
    const r = await cruise(tmp);
    expect(r.code).toBe(0);
  });

  it("fails on a planted upward import, naming the rule and both files", async () => {
    const tmp = plant({ "src/util/x.ts": ["src/cli/main.ts"], "src/cli/main.ts": [] });
    const r = await cruise(tmp);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/util-imports-only-down: src\/util\/x\.ts → src\/cli\/main\.ts/);
  });

  it("fails when two siblings on one rank import each other (batch → mcp)", async () => {
    const tmp = plant({ "src/batch/a.ts": ["src/mcp/b.ts"], "src/mcp/b.ts": [] });
    const r = await cruise(tmp);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("batch-imports-only-down");
  });

  it("fails on an import cycle inside one layer", async () => {
    const tmp = plant({ "src/agent/a.ts": ["src/agent/b.ts"], "src/agent/b.ts": ["src/agent/a.ts"] });
    const r = await cruise(tmp);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("no-circular");
  });
});

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../../src/util/atomic-write.js";
import { type CadHarness, startCad } from "../../helpers/cad.js";

/** Issue #13 item 6: exports land inside the output folder, whatever is planted or swapped there. */

let h: CadHarness;
let outside: string;
beforeAll(async () => {
  h = await startCad();
  outside = mkdtempSync(path.join(os.tmpdir(), "cadagent-outside-"));
  await h.tool("create_box", { name: "b", length: 2, width: 3, height: 4 });
});
afterAll(async () => {
  await h.close();
  rmSync(outside, { recursive: true, force: true });
});

/** Every file under `dir`, recursively (symlinks listed, not followed). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => !d.isDirectory())
    .map((d) => path.join(d.parentPath, d.name));
}

describe("confined writes", () => {
  it("a symlink planted at the old temp names does not redirect an export", async () => {
    const victim = path.join(outside, "victim.step");
    writeFileSync(victim, "precious");
    const pid = h.cad.pid ?? 0;
    for (const name of [`.tmp-${pid}-planted.step`, ".tmp-planted.step", "planted.step.tmp"])
      symlinkSync(victim, path.join(h.outDir, name));
    const r = await h.tool("export", { format: "step", filename: "planted.step" });
    expect(r.bytes).toBeGreaterThan(100);
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(readFileSync(path.join(h.outDir, "planted.step"), "utf8")).toMatch(/^ISO-10303-21/);
    // A symlink at the target itself is refused rather than written through.
    symlinkSync(victim, path.join(h.outDir, "link.step"));
    const o = await h.tryTool("export", { format: "step", filename: "link.step" });
    expect(o.ok).toBe(false);
    expect(readFileSync(victim, "utf8")).toBe("precious");
  });

  it("the TypeScript atomic writer never writes through a link either", async () => {
    const target = path.join(h.outDir, "note.json");
    symlinkSync(path.join(outside, "note.json"), target);
    await writeFileAtomic(target, "{}\n");
    expect(readdirSync(outside)).not.toContain("note.json");
    expect(readFileSync(target, "utf8")).toBe("{}\n");
  });

  it("a folder swapped for a symlink while exporting (1,000 times) never lets a file land outside", async () => {
    const swapDir = path.join(outside, "swap-target");
    mkdirSync(swapDir);
    const sub = path.join(h.outDir, "sub");
    mkdirSync(sub);
    // The attacker: a separate process swapping `sub` for a symlink to the outside folder and back, as fast as it can.
    const swapper = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("fs");
         const [sub, target] = process.argv.slice(1);
         for (let i = 0; ; i++) {
           const real = sub + ".real" + (i % 2);
           try { fs.renameSync(sub, real); } catch {}
           try { fs.symlinkSync(target, sub); } catch {}
           try { fs.unlinkSync(sub); } catch {}
           try { fs.renameSync(real, sub); } catch {}
         }`,
        sub,
        swapDir,
      ],
      { stdio: "ignore" },
    );
    let written = 0;
    let refused = 0;
    try {
      for (let i = 0; i < 1000; i++) {
        const o = await h.tryTool("export", { format: "step", filename: `sub/p${i}.step` });
        if (o.ok) written++;
        else refused++;
      }
    } finally {
      swapper.kill("SIGKILL");
    }
    expect(written + refused).toBe(1000);
    expect(written).toBeGreaterThan(0);
    expect(filesUnder(outside).filter((f) => !f.endsWith("victim.step") && !f.endsWith("note.json"))).toEqual([]);
    // Every export that reported success is somewhere inside the output folder.
    const inside = filesUnder(h.outDir).filter((f) => /p\d+\.step$/.test(f));
    expect(inside.length).toBe(written);
  }, 240_000);
});

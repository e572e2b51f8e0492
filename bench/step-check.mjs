// Would a cheaper per-step health check do for the LLM loop (issue #15)? For every step of the
// examples (the parts the test suite builds, one per tool family), the 50-step plate and a record
// whose step makes an invalid solid, compare FreeCAD's full isValid() of the step's result with
// isValid() of only the faces the step created (faces not in its inputs' shapes). Prints how
// often the verdicts agree and what each costs. The loop may use the cheaper check only if every
// verdict agrees. Runs the compiled code (`npm run build` first) against real FreeCAD.
import { readdirSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CadClient } from "../dist/cad/client.js";
import { findFreecad, freecadInstallHint } from "../dist/cad/find-freecad.js";
import { replayDesign } from "../dist/record/replay.js";
import { createRegistry } from "../dist/tools/catalog.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const freecad = findFreecad();
if (!freecad) {
  console.error(`step-check: FreeCAD not found: ${freecadInstallHint()}`);
  process.exit(4);
}
// The compare_checks op is a bench/test hook, registered only under CADAGENT_TEST_OPS.
process.env.CADAGENT_TEST_OPS = "1";

const record = (brief, steps, parts) => ({
  format: "cadagent.design/1",
  brief,
  parameters: {},
  steps,
  final: { parts, summary: brief },
});
const records = readdirSync(path.join(root, "examples"))
  .filter((f) => f.endsWith(".cad.json"))
  .map((f) => [f.replace(".cad.json", ""), JSON.parse(readFileSync(path.join(root, "examples", f), "utf8"))]);
const plate = [{ tool: "create_box", input: { name: "p", length: 100, width: 80, height: 10 } }];
for (let i = 0; i < 24; i++) {
  plate.push({
    tool: "create_cylinder",
    input: { name: `h${i}`, radius: 2, height: 10, position: [10 + 12 * (i % 7), 10 + 12 * Math.floor(i / 7), 0] },
  });
  plate.push({ tool: "boolean", input: { name: `p${i}`, op: "cut", base: i ? `p${i - 1}` : "p", tools: [`h${i}`] } });
}
records.push(["plate, 49 steps", record("plate", plate, ["p23"])]);
// An open shell made into a "solid", then copied into a visible part: invalid as a solid, though
// its one face is a valid face.
records.push([
  "invalid solid",
  record(
    "invalid",
    [
      { tool: "create_box", input: { name: "b", length: 10, width: 10, height: 10 } },
      {
        tool: "run_python",
        input: {
          code: "bad = doc.addObject('Part::Feature', 'bad')\nbad.Shape = Part.Solid(Part.Shell([Part.makePlane(10, 10)]))",
        },
      },
      { tool: "copy", input: { name: "bad2", object: "bad", translate: [0, 0, 20] } },
    ],
    ["bad2"],
  ),
]);

const cad = new CadClient({ freecadCmd: freecad.path, defaultTimeoutMs: 300_000 });
await cad.start();
const registry = createRegistry({ allowPython: true });
const outDir = mkdtempSync(path.join(os.tmpdir(), "cadagent-bench-step-check-"));
const rows = [];
try {
  for (const [name, rec] of records) {
    await cad.reset();
    const checks = [];
    await replayDesign({
      record: rec,
      registry,
      ctx: { cad, outDir },
      fast: false,
      // Queued behind the step that just ran and ahead of the next one: the client runs calls in order.
      onEvent: (e) => {
        const obj = e.type === "step" && e.ok ? e.result?.name : undefined;
        if (typeof obj === "string" && typeof e.result?.volume === "number")
          checks.push(
            cad.call("compare_checks", { object: obj }).then((c) => ({ step: e.index + 1, tool: e.tool, ...c })),
          );
      },
    });
    // The invalid solid itself (its copy fails as a step, so no step result names it).
    if (name === "invalid solid")
      checks.push(cad.call("compare_checks", { object: "bad" }).then((c) => ({ step: 2, tool: "run_python", ...c })));
    rows.push({ name, checks: await Promise.all(checks) });
  }
} finally {
  await cad.close();
  rmSync(outDir, { recursive: true, force: true });
}

const f = (x) => x.toFixed(1).padStart(9);
console.log(`full isValid() vs isValid() of the step's new faces only, per step (FreeCAD at ${freecad.path})`);
console.log(
  `${"record".padEnd(18)} ${"steps".padStart(5)} ${"agree".padStart(5)} ${"full ms".padStart(9)} ${"cheap ms".padStart(9)}`,
);
let all = 0;
let agree = 0;
const disagreements = [];
for (const r of rows) {
  const same = r.checks.filter((c) => c.full === c.cheap).length;
  all += r.checks.length;
  agree += same;
  for (const c of r.checks)
    if (c.full !== c.cheap)
      disagreements.push(`${r.name} step ${c.step} (${c.tool}): full ${c.full}, cheap ${c.cheap}`);
  const sum = (k) => r.checks.reduce((s, c) => s + c[k], 0);
  console.log(
    `${r.name.padEnd(18)} ${String(r.checks.length).padStart(5)} ${String(same).padStart(5)} ${f(sum("full_ms"))} ${f(sum("cheap_ms"))}`,
  );
}
console.log(`verdicts agree on ${agree} of ${all} steps`);
for (const d of disagreements) console.log(`  differs: ${d}`);
const time = (k) => rows.reduce((s, r) => s + r.checks.reduce((t, c) => t + c[k], 0), 0);
console.log(`cost: cheap/full ${(time("cheap_ms") / time("full_ms")).toFixed(2)}×`);
console.log(
  agree === all
    ? "the cheaper check gives the same verdicts here"
    : "the cheaper check misses what the full check finds: the loop keeps the full check",
);

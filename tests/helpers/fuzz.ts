import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CadClient } from "../../src/cad/client.js";
import { CadError } from "../../src/cad/protocol.js";
import type { ToolContext } from "../../src/tools/context.js";
import { createRegistry } from "../../src/tools/catalog.js";
import { seededRandom } from "../../src/eval/sample.js";
import { freecadCmd } from "./cad.js";

/**
 * A seeded fuzzer for the tool catalog on a real FreeCAD worker (#13): arguments generated from
 * each tool's JSON Schema, mostly plausible, often broken (wrong types, huge and non-finite
 * numbers, hostile strings, lists past their bounds), with the worker killed now and then so
 * restarts and journal replays are exercised too. The figures are what `npm run fuzz` prints.
 */

export interface FuzzFigures {
  calls: number;
  ok: number;
  toolErrors: number;
  /** Calls that threw out of the registry, or answered neither ok nor with an error message. */
  crashes: number;
  /** Calls that took longer than 10 s. */
  hangs: number;
  restarts: number;
  /** A worker restart whose journal replay failed (the session had to be abandoned). */
  failedReplays: number;
  /** Calls the schema refuses that were nonetheless answered ok. */
  invalidAccepted: number;
  peakRssMb: number;
  slowestMs: number;
  seconds: number;
  /** First few problems, for the failure message. */
  problems: string[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema | Schema[];
  prefixItems?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: Json[];
  const?: Json;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
}

const NUMBERS = [0, 1, 2, 3, 5, 10, 20, 0.5, -1, -10, 1e-9, 1e6, 1e7, 1e300, -1e300, 360, 1000, 1001, 1.5, 2 ** 31];
const EXPRESSIONS = [
  "w",
  "w/2",
  "w*2+1",
  "1e308*10",
  "1e999",
  "1e999-1e999",
  "9**9**9",
  "2**3**2",
  "-2**2+5",
  "round(2.5)",
  "(-8)**(1/3)",
  "sqrt(-1)",
  "1/0",
  "nope",
  "__import__('os')",
  "w.__class__",
  "x" + "+1".repeat(300),
  "((((((((((1))))))))))",
  "sin(30)*w",
];
const STRINGS = [
  "",
  "Box1",
  "b",
  "Params",
  "../../etc/passwd",
  "/tmp/x",
  "a".repeat(300),
  ">Z",
  "<X",
  "%CIRCLE",
  "Face1",
  "Edge1",
  "*",
  "near(0,0,0)",
  "not >Z and",
  "\u0000",
  "Ω",
  "model.step",
  "sub/../x.stl",
  "=B.Shape.Volume",
];

export class Fuzzer {
  private readonly r: () => number;
  private names: string[] = ["b", "w"];
  constructor(seed: number) {
    this.r = seededRandom(seed);
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  remember(name: unknown): void {
    if (typeof name === "string" && this.names.length < 50) this.names.push(name);
  }

  /** A value for `s`: valid-looking most of the time, wrong some of the time. */
  value(s: Schema, depth = 0): Json {
    if (depth > 6 || this.chance(0.04)) return this.junk();
    if (s.const !== undefined) return s.const;
    if (s.enum) return this.chance(0.95) ? this.pick(s.enum) : "bogus";
    const alts = s.anyOf ?? s.oneOf;
    if (alts?.length) return this.value(this.pick(alts), depth + 1);
    const type = Array.isArray(s.type) ? this.pick(s.type) : s.type;
    switch (type) {
      case "object": {
        const out: Record<string, Json> = {};
        const req = new Set(s.required ?? []);
        for (const [k, sub] of Object.entries(s.properties ?? {}))
          if ((req.has(k) && this.chance(0.95)) || this.chance(0.4)) out[k] = this.value(sub, depth + 1);
        if (this.chance(0.03)) out.unknown_arg = 1;
        return out;
      }
      case "array": {
        if (s.prefixItems) return s.prefixItems.map((p) => this.value(p, depth + 1));
        if (Array.isArray(s.items)) return s.items.map((p) => this.value(p, depth + 1));
        const min = s.minItems ?? 0;
        const n = this.chance(0.02) ? 1500 : min + this.int(4);
        const item = s.items ?? {};
        return Array.from({ length: n }, () => this.value(item, depth + 1));
      }
      case "number":
      case "integer": {
        if (this.chance(0.7) && s.minimum !== undefined) return s.minimum + this.int(5);
        return this.pick(NUMBERS);
      }
      case "string":
        if (this.chance(0.35)) return this.pick(this.names);
        return this.chance(0.5) ? this.pick(EXPRESSIONS) : this.pick(STRINGS);
      case "boolean":
        return this.chance(0.5);
      default:
        return this.junk();
    }
  }

  junk(): Json {
    return this.pick<Json>([null, true, -1, 1e308, "", "junk", [], {}, [1, 2], { a: 1 }, this.pick(EXPRESSIONS)]);
  }
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Run `calls` fuzzed calls with `seed`; kills the worker every `killEvery` calls. */
export async function runFuzz(opts: { calls: number; seed: number; killEvery?: number }): Promise<FuzzFigures> {
  const started = performance.now();
  const f = new Fuzzer(opts.seed);
  const registry = createRegistry({ allowPython: false });
  const schemas = new Map(registry.specs().map((s) => [s.name, s.inputSchema as Schema]));
  // render_view rasterises in Node, not in the worker: left out to keep the run about the worker.
  const tools = registry.names().filter((n) => n !== "render_view");
  const outDir = mkdtempSync(path.join(os.tmpdir(), "cadagent-fuzz-"));
  const fig: FuzzFigures = {
    calls: 0,
    ok: 0,
    toolErrors: 0,
    crashes: 0,
    hangs: 0,
    restarts: 0,
    failedReplays: 0,
    invalidAccepted: 0,
    peakRssMb: 0,
    slowestMs: 0,
    seconds: 0,
    problems: [],
  };
  const problem = (s: string): void => {
    if (fig.problems.length < 20) fig.problems.push(s);
  };
  const newClient = (): CadClient =>
    new CadClient({ freecadCmd: freecadCmd(), defaultTimeoutMs: 20_000, maxRestarts: 50 });
  let cad = newClient();
  let restartsBefore = 0;
  const ctx = (): ToolContext => ({ cad, outDir, timeoutMs: 20_000 });
  try {
    await cad.start();
    for (let i = 0; i < opts.calls; i++) {
      if (i % 150 === 0) {
        await cad.reset().catch(() => undefined);
        await registry.execute("set_parameter", { name: "w", value: 10 }, ctx());
        await registry.execute("create_box", { name: "b", length: 10, width: 10, height: 10 }, ctx());
      }
      if (opts.killEvery && i > 0 && i % opts.killEvery === 0) cad.killWorkerForTest();
      const tool = f.pick(tools);
      const args = f.value(schemas.get(tool) ?? {});
      // The registry reads a missing (null) input as {}, as MCP clients send it.
      const valid = registry.get(tool)?.input.safeParse(args ?? {}).success ?? false;
      const t0 = performance.now();
      fig.calls++;
      try {
        const o = await registry.execute(tool, args, ctx());
        const ms = performance.now() - t0;
        fig.slowestMs = Math.max(fig.slowestMs, ms);
        if (ms > 10_000) {
          fig.hangs++;
          problem(`hang ${Math.round(ms)} ms: ${tool} ${JSON.stringify(args).slice(0, 200)}`);
        }
        if (o.ok) {
          fig.ok++;
          f.remember(o.result?.name);
          if (!valid) {
            fig.invalidAccepted++;
            problem(`invalid call answered ok: ${tool} ${JSON.stringify(args).slice(0, 200)}`);
          }
        } else if (o.error?.message) {
          fig.toolErrors++;
          if (o.error.code === "internal" || o.error.code === "crashed") {
            fig.crashes++;
            problem(`${o.error.code}: ${tool} ${JSON.stringify(args).slice(0, 400)}: ${o.error.message.slice(0, 200)}`);
          }
        } else {
          fig.crashes++;
          problem(`no answer: ${tool}`);
        }
      } catch (e) {
        const replay = e instanceof CadError && /could not be rebuilt/.test(e.message);
        if (replay) fig.failedReplays++;
        else fig.crashes++;
        problem(
          `${replay ? "failed replay" : "threw"}: ${tool}: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`,
        );
        // The session is gone either way: go on with a fresh one.
        fig.restarts += cad.restartCount - restartsBefore;
        await cad.close().catch(() => undefined);
        cad = newClient();
        restartsBefore = 0;
        await cad.start();
        await registry.execute("create_box", { name: "b", length: 10, width: 10, height: 10 }, ctx());
      }
      if (i % 25 === 0) fig.peakRssMb = Math.max(fig.peakRssMb, rssMb(cad.pid));
    }
  } finally {
    fig.restarts += cad.restartCount - restartsBefore;
    fig.peakRssMb = Math.round(Math.max(fig.peakRssMb, rssMb(cad.pid)));
    await cad.close().catch(() => undefined);
    rmSync(outDir, { recursive: true, force: true });
    fig.seconds = Math.round((performance.now() - started) / 100) / 10;
  }
  return fig;
}

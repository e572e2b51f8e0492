import type { Command } from "commander";
import { CadClient } from "../../cad/client.js";
import { findFreecad, type FreecadCommand } from "../../cad/find-freecad.js";
import { DEFAULT_FORMATS } from "../../util/export-formats.js";
import { yieldToFreecad } from "../yield-to-freecad.js";
import type { BuildFlags } from "./build-run.js";

/** Registers `cadagent build <design.cad.json>`: replay a design record without an LLM. */
export function register(program: Command): void {
  program
    .command("build")
    .description("Rebuild a design record (design.cad.json) without an LLM, optionally with new parameter values")
    .argument("<design>", "path to a design.cad.json record")
    .option(
      "--set <name=value>",
      "parameter override, repeatable",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      "-o, --out <dir>",
      "output folder (default: <outDir from config, else ./cadagent-out>/<record>-<yyyymmdd-hhmmss>)",
    )
    .option(
      "--formats <list>",
      `exported formats, comma-separated (default: the config's formats, else ${DEFAULT_FORMATS.join(",")})`,
    )
    .option("--views", "also write views.png: the top, front and right views beside the iso view")
    .option("--json", "print report.json on stdout at the end")
    .option("--allow-python", "allow run_python steps (records made with --allow-python)")
    .option(
      "--input <file>",
      "a file the record's import_shape steps may read (repeatable; e.g. the STEP an edit started from)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option("--strict", "exit 1 when a requirement the record declares fails")
    .option(
      "--material <name|g/cm3>",
      "report each part's mass (report.json parts[].mass_g) for this material or density; default: the record's final.material",
    )
    .addHelpText(
      "after",
      `
Every step's arguments are checked before FreeCAD starts: an unknown or mistyped argument exits 2 naming
file:line. A final part made of several separate solids fails (exit 1) unless the record's
final.allow_multiple_solids is true. Tool warnings are printed under their step.
cadagent.config.json (project) and <CADAGENT_HOME>/config.json (user) apply as for a design:
outDir, formats and freecadPath; flags win.

Examples:
  $ cadagent build cadagent-out/bracket/design.cad.json
  $ cadagent build bracket.cad.json --set thickness=4 --set width=50 -o out/bracket-4mm
  $ cadagent build bracket.cad.json --formats step --json > report.json   # progress stays on stderr
  $ cadagent build clip.cad.json --material petg          # with each part's mass in grams`,
    )
    .action(async (design: string, flags: BuildFlags) => {
      process.exitCode = await startBuild(design, flags);
    });
}

/** A FreeCAD start that has nothing to report (none was found, or none started yet). */
const none: Promise<Error | null> = Promise.resolve(null);

/**
 * FreeCAD takes ~200 ms to come up, so it is started first: the one the environment names
 * (FREECAD_CMD, else PATH) before even the settings load, and the build's own modules load and
 * the record is read and checked (build-run.ts) while it starts. Settings that name another
 * FreeCAD (a user config's freecadPath) replace it with that one.
 */
async function startBuild(design: string, flags: BuildFlags): Promise<number> {
  const worker = { freecad: findFreecad(process.env), cad: undefined as CadClient | undefined, started: none };
  const start = (freecad: FreecadCommand | undefined): void => {
    worker.freecad = freecad;
    worker.cad = freecad ? new CadClient({ freecadCmd: freecad.path, defaultTimeoutMs: 120_000 }) : undefined;
    worker.started = worker.cad
      ? worker.cad.start().then(
          () => null,
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        )
      : none;
  };
  // Killed, not closed: when this runs, everything the build writes is written (report.json
  // last), so FreeCAD's own ~20 ms of teardown would only delay the exit.
  const stop = async (): Promise<void> => {
    await worker.started;
    await worker.cad?.close({ now: true }).catch(() => undefined);
  };
  start(worker.freecad);
  try {
    const [{ loadConfig, mergeFlags }, { loadProviders }] = await Promise.all([
      import("../../config/load.js"),
      import("../../llm/providers.js"),
    ]);
    // The same settings a design uses, refused the same way when invalid (exit 2).
    const opts = { env: process.env, cwd: process.cwd(), providers: () => loadProviders() };
    const config = mergeFlags(loadConfig(opts), { ...(flags.out !== undefined ? { out: flags.out } : {}) }, opts);
    const configured = findFreecad(process.env, config.freecadPath);
    if (configured?.path !== worker.freecad?.path) {
      await stop();
      start(configured);
    }
    // The worker that builds is spawned: from here on FreeCAD is the critical path, and the
    // rest of this process (the record check, the preview's render thread) takes what it leaves.
    // A worker restarted after a crash inherits the lower priority (no worse than equal).
    yieldToFreecad();
    const { runBuild } = await import("./build-run.js");
    return await runBuild(design, flags, config, worker);
  } finally {
    await stop();
  }
}

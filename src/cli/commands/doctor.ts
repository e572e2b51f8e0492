import type { Command } from "commander";
import { runDoctor, type DoctorReport } from "../doctor.js";
import { ExitCode } from "../../util/user-error.js";
import { PLAIN, styleFor, type Style } from "../style.js";

/**
 * Registers `cadagent doctor [--json]`: exit 0 when a design can run here, 2 with what to fix.
 * The checks live in config/doctor.ts; this file only renders them.
 */
export function register(program: Command): void {
  program
    .command("doctor")
    .description("Check FreeCAD, the worker, the keychain, which providers have keys, and preview support")
    .option("--json", "print the report as JSON on stdout")
    .action(async (flags: { json?: boolean }) => {
      const report = await runDoctor({ env: process.env, cwd: process.cwd() });
      process.stdout.write(
        flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report, styleFor(process.stdout)),
      );
      process.exitCode = report.ok ? ExitCode.ok : ExitCode.usage;
    });
}

/**
 * The human report: one line per check, then what to fix. Holds no key. Plain output keeps
 * greppable words (ok / FAIL / warn); a terminal gets coloured glyphs.
 */
export function formatDoctor(r: DoctorReport, style: Style = PLAIN): string {
  const plain = style === PLAIN;
  const mark = (ok: boolean): string => (plain ? (ok ? "ok  " : "FAIL") : ok ? style.ok("✓") : style.fail("✗"));
  const warnMark = plain ? "warn" : style.warn("!");
  const lines: string[] = [];
  lines.push(`${mark(r.node.ok)} Node ${r.node.version}`);
  const files = [
    `${r.config.user} (${r.config.userLoaded ? "loaded" : "not present"})`,
    `${r.config.project} (${r.config.projectLoaded ? "loaded" : "not present"})`,
  ];
  lines.push(
    `${mark(r.config.ok)} config: CADAGENT_HOME ${r.config.home}; ${files.join(", ")}${r.config.provider ? `; provider ${r.config.provider}` : ""}`,
  );
  lines.push(
    r.freecad.path
      ? `${mark(r.freecad.ok)} FreeCAD ${r.freecad.version ?? "(version unknown)"} at ${r.freecad.path} (from ${r.freecad.source ?? "?"}; tested with ${r.freecad.tested.join(", ")})`
      : `${mark(false)} FreeCAD not found`,
  );
  lines.push(
    r.worker.ok
      ? `${mark(true)} worker started in ${r.worker.startMs ?? "?"} ms, ping answered in ${r.worker.pingMs ?? "?"} ms`
      : `${mark(false)} worker: ${r.worker.error ?? "did not start"}`,
  );
  // An unavailable keychain is one of r.warnings (so --json carries it too), printed below.
  if (r.keychain.available) lines.push(`${mark(true)} keychain: ${r.keychain.label} usable`);
  const withKey = r.providers.filter((p) => p.source).map((p) => `${p.id} (${p.source}: ${p.detail ?? ""})`);
  const keyless = r.providers.filter((p) => !p.source && !p.keyRequired).map((p) => p.id);
  const missing = r.providers.filter((p) => !p.ready).map((p) => p.id);
  lines.push(
    `${mark(r.providers.some((p) => p.ready))} keys: ${withKey.length ? withKey.join(", ") : "none"}${keyless.length ? `; no key needed: ${keyless.join(", ")}` : ""}${missing.length ? `; no key: ${missing.join(", ")}` : ""}`,
  );
  if (r.apiKeysFile.reason) lines.push(`${mark(false)} ${r.apiKeysFile.reason}`);
  for (const c of r.models.filter((m) => m.checked && m.reachable))
    lines.push(
      `${mark(c.models.every((m) => m.served))} models: ${c.provider} serves ${c.models.map((m) => `${m.id} ${m.served ? "yes" : "NO"}`).join(", ")}`,
    );
  lines.push(`${mark(true)} render: ${r.render.preview}`);
  for (const w of r.warnings) lines.push(`${warnMark} ${plain ? w : style.warn(w)}`);
  lines.push("");
  if (r.ok) lines.push(plain ? "ready: a design can run" : style.ok("ready: a design can run"));
  else lines.push("not ready; to fix:", ...r.problems.map((p) => `  - ${p}`));
  return `${lines.join("\n")}\n`;
}

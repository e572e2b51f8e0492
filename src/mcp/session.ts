import type { DesignRecord } from "../record/design-record.js";
import { CadClient } from "../cad/client.js";
import { partsHealth } from "../cad/ops.js";
import { freecadInstallHint } from "../cad/find-freecad.js";
import { CadError, type GeometryHealth } from "../cad/protocol.js";
import type { ContentPart, ToolSpec } from "../llm/types.js";
import { createRegistry } from "../tools/catalog.js";
import type { ToolContext } from "../tools/context.js";
import { ToolRegistry, type ToolOutcome } from "../tools/registry.js";
import { DesignLog } from "../record/design-log.js";
import { saveDesignTool } from "./save-design.js";

export interface McpSessionOptions {
  /** Absolute output folder: exports and saved records land here and nowhere else. */
  outDir: string;
  allowPython: boolean;
  /** Stored in saved records until save_design is given another. */
  brief?: string;
  /** The folder import_shape may read from (`cadagent mcp --in`); nothing when undefined. */
  inFolder?: string;
  /** FreeCAD's command-line binary; undefined when none was found (tools then answer with the install hint). */
  freecadCmd: string | undefined;
  cadagentVersion: string;
  /** Diagnostics; the server sends them to stderr. */
  log: (line: string) => void;
  /** The connected client (e.g. "claude-ai 0.1.0"), recorded as the record's model. */
  clientName?: () => string | undefined;
  /** Per-call CAD timeout (ms). */
  timeoutMs?: number;
}

export interface PartsSnapshot {
  parts: GeometryHealth[];
  parameters: Record<string, unknown>;
}

/**
 * Appended to `finish` for MCP clients: the description written for the agent loop promises an
 * end of session and automatic exports, which an MCP server does not do.
 */
const FINISH_MCP_NOTE =
  " In this MCP session finish does not end anything or export files: it checks the parts and records them as the deliverable for save_design; call export for files.";

/**
 * One MCP connection's state: one FreeCAD worker (its document is the design), the tool
 * registries, and the log of what was built. Calls run one at a time, so the log's step order is
 * the order the worker applied them, even when a client sends calls concurrently.
 */
export class McpSession {
  private readonly catalog: ToolRegistry;
  private readonly mcpOnly: ToolRegistry;
  private readonly cad: CadClient;
  private readonly design = new DesignLog();
  private readonly ctx: ToolContext;
  private brief: string;
  private freecadVersion = "";
  private queue: Promise<unknown> = Promise.resolve();
  /** The warm-up start, so close() can wait for a worker that is still booting. */
  private warming: Promise<unknown> | undefined;

  constructor(private readonly opts: McpSessionOptions) {
    this.brief = opts.brief ?? "";
    this.catalog = createRegistry({ allowPython: opts.allowPython });
    this.mcpOnly = new ToolRegistry([saveDesignTool(this)]);
    const clash = this.mcpOnly.names().find((n) => this.catalog.get(n));
    if (clash) throw new Error(`MCP tool '${clash}' is also in the catalog`);
    this.cad = new CadClient({
      // Never spawned when FreeCAD is missing: callTool answers first (see unavailable()).
      freecadCmd: opts.freecadCmd ?? "freecadcmd",
      defaultTimeoutMs: opts.timeoutMs ?? 120_000,
      onRestart: (reason, replayed) => opts.log(`FreeCAD worker restarted (${reason}); replayed ${replayed} call(s)`),
    });
    this.ctx = {
      cad: this.cad,
      outDir: opts.outDir,
      inputs: { files: [], folders: opts.inFolder ? [opts.inFolder] : [] },
    };
  }

  /** Catalog tools then MCP-only ones; the JSON Schemas are the registries' own. */
  specs(): ToolSpec[] {
    // MCP lists every family at once, so more_tools has nothing to add there.
    const catalog = this.catalog
      .specs({ all: true })
      .filter((s) => s.name !== "more_tools")
      .map((s) => (s.name === "finish" ? { ...s, description: s.description + FINISH_MCP_NOTE } : s));
    return [...catalog, ...this.mcpOnly.specs()];
  }

  /** Start FreeCAD now so the first call does not wait for it; failures surface on that call. */
  warmUp(): void {
    if (!this.opts.freecadCmd) {
      this.opts.log(`FreeCAD not found: ${freecadInstallHint()}`);
      return;
    }
    this.warming = this.cad.start().then(
      (w) => {
        this.freecadVersion = w.freecadVersion;
        this.opts.log(`FreeCAD ${w.freecadVersion} ready (pid ${w.pid ?? "?"})`);
      },
      (e: unknown) => this.opts.log(`FreeCAD did not start: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /**
   * Run one tool. Never throws: a failure of any kind, FreeCAD being gone included, comes back
   * as an error outcome with a hint, so the client's model can react and the server lives on.
   */
  callTool(name: string, args: unknown, signal?: AbortSignal): Promise<ToolOutcome> {
    return this.serial(async () => {
      const registry = this.mcpOnly.get(name) ? this.mcpOnly : this.catalog;
      if (!this.opts.freecadCmd && registry === this.catalog && this.catalog.get(name)) {
        return this.unavailable(
          name,
          "FreeCAD was not found on this machine",
          `${freecadInstallHint()}; then restart the cadagent MCP server`,
        );
      }
      const started = performance.now();
      try {
        const outcome = await registry.execute(name, args, signal ? { ...this.ctx, signal } : this.ctx);
        if (this.cad.freecadVersion) this.freecadVersion = this.cad.freecadVersion;
        this.design.note(outcome);
        return outcome;
      } catch (e) {
        if (e instanceof CadError && e.fatal) {
          this.opts.log(`FreeCAD unavailable during ${name}: ${e.message}`);
          const hint = this.freecadVersion
            ? "the session's record is kept: call save_design to save it, then restart the cadagent MCP server and rebuild with `cadagent build`"
            : `${freecadInstallHint()}; then restart the cadagent MCP server`;
          return this.unavailable(name, `FreeCAD is unavailable: ${e.message}`, hint);
        }
        if (signal?.aborted)
          return errorOutcome(
            name,
            "aborted",
            "the call was cancelled by the client",
            undefined,
            performance.now() - started,
          );
        this.opts.log(`unexpected failure in ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return errorOutcome(
          name,
          "internal",
          `${name} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`,
          undefined,
          performance.now() - started,
        );
      }
    });
  }

  /** The design record as save_design would write it now. */
  currentRecord(brief?: string): DesignRecord {
    if (brief !== undefined) this.brief = brief;
    return this.design.toRecord(this.brief, {
      cadagent: this.opts.cadagentVersion,
      provider: "mcp",
      model: this.opts.clientName?.() ?? null,
      freecad: this.freecadVersion,
    });
  }

  dropFinal(): void {
    this.design.dropFinal();
  }

  /** Every visible part's health and the parameters (the `cadagent://parts` resource). */
  parts(): Promise<PartsSnapshot> {
    return this.serial(async () => {
      if (!this.opts.freecadCmd) throw new Error(`FreeCAD was not found: ${freecadInstallHint()}`);
      try {
        const r = await partsHealth(this.cad);
        return { parts: r.parts, parameters: r.parameters ?? {} };
      } catch (e) {
        throw new Error(`cannot read the parts: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    });
  }

  /** Stop the worker. Resolves false when it did not stop within `graceMs` (a call still running). */
  async close(graceMs = 3000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    try {
      // close() alone would miss a worker still booting from warmUp(), which would then keep
      // the process alive after the client has gone.
      const stopped = (this.warming ?? Promise.resolve())
        .then(() => this.cad.close())
        .then(
          () => true,
          () => true,
        );
      return await Promise.race([stopped, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private unavailable(name: string, message: string, hint: string): ToolOutcome {
    return errorOutcome(name, "unavailable", message, hint, 0, this.catalog.get(name)?.mutates ?? false);
  }
}

/** An error outcome shaped like the registry's own, so clients see one format for every failure. */
function errorOutcome(
  name: string,
  code: string,
  message: string,
  hint: string | undefined,
  ms: number,
  mutates = false,
): ToolOutcome {
  const content: ContentPart[] = [
    { type: "text", text: JSON.stringify({ error: message, ...(hint ? { hint } : {}) }) },
  ];
  return { name, ok: false, mutates, error: { message, code, ...(hint ? { hint } : {}) }, content, ms };
}

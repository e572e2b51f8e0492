import path from "node:path";
import type { Command } from "commander";
import { findFreecad } from "../../cad/find-freecad.js";

interface McpFlags {
  out?: string;
  allowPython?: boolean;
  brief?: string;
  in?: string;
}

/** Registers `cadagent mcp`: an MCP server on stdio exposing the tool catalog. */
export function register(program: Command): void {
  program
    .command("mcp")
    .description("Run an MCP server on stdio exposing the CAD tool catalog (for Claude Desktop, Claude Code, Cursor…)")
    .option(
      "-o, --out <dir>",
      "where exports and saved design records go; nothing is written outside it (default: ./cadagent-out/mcp-<yyyymmdd-hhmmss>)",
    )
    .option("--allow-python", "offer run_python (arbitrary Python inside the FreeCAD worker)")
    .option("--brief <text>", "what is being designed; stored in records written by save_design")
    .option("--in <folder>", "a folder whose files (STEP, IGES, BREP, STL) import_shape may read; nothing outside it")
    .action(async (flags: McpFlags) => {
      routeConsoleToStderr();
      const outDir = path.resolve(flags.out ?? defaultOutDir());
      // Loaded here: the MCP SDK is not worth loading for `cadagent --help`.
      const { runMcpServer } = await import("../../mcp/server.js");
      const { clean } = await runMcpServer({
        outDir,
        allowPython: flags.allowPython ?? false,
        ...(flags.brief !== undefined ? { brief: flags.brief } : {}),
        ...(flags.in !== undefined ? { inFolder: path.resolve(flags.in) } : {}),
        freecadCmd: findFreecad()?.path,
      });
      // A FreeCAD op that would not stop holds the event loop open through its pipes; the client
      // has gone, so leave rather than linger as an orphan.
      if (!clean) process.exit(0);
    });
}

/**
 * stdout carries JSON-RPC only: a stray console.log from any module would corrupt the stream
 * and disconnect the client, so console output is sent to stderr for this process's life.
 */
function routeConsoleToStderr(): void {
  const toStderr = (...args: unknown[]): void => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/** `./cadagent-out/mcp-<yyyymmdd-hhmmss>` (local time, as a user reads it). */
function defaultOutDir(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, "0");
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return path.join("cadagent-out", `mcp-${stamp}`);
}

import { readFileSync } from "node:fs";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { packageRoot } from "../util/package-root.js";
import { readResource, resources } from "./resources.js";
import { McpSession } from "./session.js";
import { toCallToolResult } from "./tool-result.js";

export interface McpServerOptions {
  /** Absolute output folder (created when something is first written). */
  outDir: string;
  allowPython: boolean;
  brief?: string;
  /** `--in`: the folder import_shape may read from. */
  inFolder?: string;
  /** FreeCAD's command-line binary; undefined when not found (the server still lists its tools). */
  freecadCmd: string | undefined;
  /** Diagnostics sink; default stderr. stdout belongs to JSON-RPC. */
  log?: (line: string) => void;
  /** Default process.stdin / process.stdout. */
  stdin?: Readable;
  stdout?: Writable;
}

function cadagentVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
}

function instructions(outDir: string): string {
  return [
    "cadagent drives a headless FreeCAD: each tool builds or inspects one parametric solid model (millimetres, degrees).",
    "Declare the key dimensions with set_parameter and use them in expressions, build with primitives, sketches and features, check with measure/check_design, then call finish with the final part names.",
    `export writes STEP/STL/FCStd/… into ${outDir} (and nowhere else); save_design writes the design record there, which \`cadagent build\` rebuilds without an LLM (with --set to change parameters).`,
    "A failed call returns isError with a hint naming what exists or which argument was wrong: fix it and retry.",
  ].join(" ");
}

/**
 * The MCP server over a session: the tool list is the registries' specs as they are (one
 * definition per tool), calls go through the same registry as an LLM run, and failures come back
 * as tool results with `isError`.
 */
export function createMcpServer(session: McpSession, outDir: string): Server {
  const server = new Server(
    { name: "cadagent", version: cadagentVersion() },
    { capabilities: { tools: {}, resources: {} }, instructions: instructions(outDir) },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: session.specs().map((s): Tool => ({
      name: s.name,
      description: s.description,
      inputSchema: { ...s.inputSchema, type: "object" },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) =>
    toCallToolResult(await session.callTool(req.params.name, req.params.arguments ?? {}, extra.signal)),
  );
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources }));
  server.setRequestHandler(ReadResourceRequestSchema, (req) => readResource(session, req.params.uri));
  return server;
}

/**
 * Serve one MCP session on stdio until the client goes away (stdin closes) or a signal arrives.
 * Resolves with `clean: false` when FreeCAD did not stop in time, so the caller can exit anyway.
 */
export async function runMcpServer(opts: McpServerOptions): Promise<{ clean: boolean }> {
  const log = opts.log ?? ((line: string) => void process.stderr.write(`cadagent mcp: ${line}\n`));
  const stdin = opts.stdin ?? process.stdin;
  // eslint-disable-next-line prefer-const -- read by the session callbacks defined before it is made
  let server: Server | undefined;
  const session = new McpSession({
    outDir: opts.outDir,
    allowPython: opts.allowPython,
    ...(opts.brief !== undefined ? { brief: opts.brief } : {}),
    ...(opts.inFolder !== undefined ? { inFolder: opts.inFolder } : {}),
    freecadCmd: opts.freecadCmd,
    cadagentVersion: cadagentVersion(),
    log,
    clientName: () => {
      const c = server?.getClientVersion();
      return c ? `${c.name} ${c.version}` : undefined;
    },
  });
  server = createMcpServer(session, opts.outDir);
  server.onerror = (e) => log(`protocol error: ${e.message}`);

  // The SDK's stdio transport does not watch for EOF; without this the FreeCAD child would keep
  // the process alive after the client has gone.
  let onSignal: ((signal: NodeJS.Signals) => void) | undefined;
  const closed = new Promise<string>((resolve) => {
    stdin.once("end", () => resolve("stdin closed"));
    stdin.once("close", () => resolve("stdin closed"));
    if (server) server.onclose = () => resolve("transport closed");
    onSignal = (signal) => resolve(signal);
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });

  await server.connect(new StdioServerTransport(stdin, opts.stdout ?? process.stdout));
  log(
    `serving ${session.specs().length} tools on stdio; output folder ${opts.outDir}${opts.allowPython ? "; run_python enabled" : ""}`,
  );
  session.warmUp();

  const why = await closed;
  log(`shutting down (${why})`);
  if (onSignal) {
    process.removeListener("SIGTERM", onSignal);
    process.removeListener("SIGINT", onSignal);
  }
  await server.close().catch(() => undefined);
  const clean = await session.close();
  if (!clean) log("FreeCAD did not stop in time");
  return { clean };
}

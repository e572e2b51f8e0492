import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import { freecadCmd } from "./cad.js";

/** `cadagent mcp` from the compiled CLI, driven over stdio by the official MCP client. */
export interface McpConnection {
  client: Client;
  stderr: () => string;
  /** The FreeCAD worker's pid as the server last logged it. */
  workerPid: () => number;
  close: () => Promise<void>;
}

export async function connectMcp(main: string, cwd: string, args: string[]): Promise<McpConnection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [main, "mcp", ...args],
    env: { ...(process.env as Record<string, string>), FREECAD_CMD: freecadCmd() },
    cwd,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: "cadagent-test", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    workerPid: () => Number([...stderr.matchAll(/ready \(pid (\d+)\)/g)].at(-1)?.[1] ?? 0),
    close: () => client.close(),
  };
}

export function resultText(r: CallToolResult): string {
  const first = r.content[0];
  return first?.type === "text" ? first.text : "";
}

export function resultJson(r: CallToolResult): Record<string, unknown> {
  return JSON.parse(resultText(r)) as Record<string, unknown>;
}

export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, signal ? { signal } : {})) as CallToolResult;
}

/** Call and require success, showing the error and hint otherwise. */
export async function callOk(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const r = await callTool(client, name, args);
  expect(r.isError ?? false, `${name}: ${resultText(r)}`).toBe(false);
  return resultJson(r);
}

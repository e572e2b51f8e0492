import { describe, expect, it } from "vitest";
import { McpSession } from "../../../src/mcp/session.js";
import { badCalls } from "../../helpers/bad-calls.js";

/**
 * MCP clients get the same strict argument checks as the agent loop: the session's tools go
 * through the one registry, which refuses a bad call before FreeCAD is reached (the FreeCAD
 * command here does not exist, so any call that got past validation would fail differently).
 */
const session = new McpSession({
  outDir: "/nonexistent-out",
  allowPython: true,
  freecadCmd: "/nonexistent/freecadcmd",
  cadagentVersion: "0.0.0",
  log: () => undefined,
});
const specs = session.specs();

describe("MCP: strict tool arguments", () => {
  it("lists every family's tools and no more_tools, every object schema closed", () => {
    const names = specs.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["export", "create_torus", "loft", "save_design"]));
    expect(names).not.toContain("more_tools");
    for (const s of specs) expect(s.inputSchema.additionalProperties, s.name).toBe(false);
  });

  it.each(badCalls(specs).map((c) => [`${c.tool} ${c.kind}`, c] as const))(
    "%s is a tool error naming the argument",
    async (_, c) => {
      const outcome = await session.callTool(c.tool, c.args);
      expect(outcome.ok).toBe(false);
      expect(outcome.error?.code).toBe("bad_arguments");
      for (const text of c.expect) expect(outcome.error?.message).toContain(text);
      expect(outcome.error?.message).not.toMatch(/Invalid input|Unrecognized key/);
    },
  );
});

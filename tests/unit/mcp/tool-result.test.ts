import { describe, expect, it } from "vitest";
import { toCallToolResult } from "../../../src/mcp/tool-result.js";
import type { ToolOutcome } from "../../../src/tools/registry.js";

describe("toCallToolResult", () => {
  it("maps text and image parts; images keep their data and media type", () => {
    const outcome: ToolOutcome = {
      name: "render_view",
      ok: true,
      mutates: false,
      input: {},
      result: { view: "iso" },
      content: [
        { type: "text", text: '{"view":"iso"}' },
        { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
      ],
      ms: 1,
    };
    expect(toCallToolResult(outcome)).toEqual({
      content: [
        { type: "text", text: '{"view":"iso"}' },
        { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" },
      ],
    });
  });

  it("flags failures with isError and keeps the hint text", () => {
    const text = JSON.stringify({ error: "no object 'x'", hint: "objects: a, b" });
    const outcome: ToolOutcome = {
      name: "get_object",
      ok: false,
      mutates: false,
      error: { message: "no object 'x'", hint: "objects: a, b", code: "op_error" },
      content: [{ type: "text", text }],
      ms: 1,
    };
    expect(toCallToolResult(outcome)).toEqual({ content: [{ type: "text", text }], isError: true });
  });
});

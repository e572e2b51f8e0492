import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ToolOutcome } from "../tools/registry.js";

/**
 * A tool outcome as an MCP tool result: the same text the agent loop sends its model (the JSON
 * result, or `{error, hint}`), images as MCP image content, and failures flagged `isError` so the
 * client's model sees them as tool errors it can recover from, not protocol errors.
 */
export function toCallToolResult(outcome: ToolOutcome): CallToolResult {
  const content: CallToolResult["content"] = outcome.content.map((part) =>
    part.type === "image"
      ? { type: "image", data: part.data, mimeType: part.mediaType }
      : { type: "text", text: part.text },
  );
  return outcome.ok ? { content } : { content, isError: true };
}

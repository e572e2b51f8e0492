import { ErrorCode, McpError, type ReadResourceResult, type Resource } from "@modelcontextprotocol/sdk/types.js";
import type { McpSession } from "./session.js";

/** The session's state as MCP resources, for clients that show or attach them. */

export const DESIGN_URI = "cadagent://design";
export const PARTS_URI = "cadagent://parts";

export const resources: Resource[] = [
  {
    uri: DESIGN_URI,
    name: "design",
    title: "Design record",
    description:
      "This session's design record (design.cad.json): parameters, the successful modelling calls in order, and the final parts. save_design writes it; `cadagent build` rebuilds it.",
    mimeType: "application/json",
  },
  {
    uri: PARTS_URI,
    name: "parts",
    title: "Parts",
    description:
      "Every visible part with its geometry health (volume mm³, area mm², bounding box, validity, solid count), and the parameters.",
    mimeType: "application/json",
  },
];

/** Read one resource; an unknown URI or an unreadable part list is a protocol error. */
export async function readResource(session: McpSession, uri: string): Promise<ReadResourceResult> {
  const json = (value: unknown): ReadResourceResult => ({
    contents: [{ uri, mimeType: "application/json", text: `${JSON.stringify(value, null, 2)}\n` }],
  });
  if (uri === DESIGN_URI) return json(session.currentRecord());
  if (uri === PARTS_URI) {
    try {
      return json(await session.parts());
    } catch (e) {
      throw new McpError(ErrorCode.InternalError, e instanceof Error ? e.message : String(e));
    }
  }
  throw new McpError(
    ErrorCode.InvalidParams,
    `unknown resource '${uri}' (this server has ${resources.map((r) => r.uri).join(", ")})`,
  );
}

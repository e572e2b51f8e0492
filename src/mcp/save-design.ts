import { z } from "zod";
import { DESIGN_FILE_NAME, type DesignRecord } from "../record/design-record.js";
import type { CadClient } from "../cad/client.js";
import { partsHealth } from "../cad/ops.js";
import { CadError } from "../cad/protocol.js";
import { defineTool, type ToolDefinition } from "../tools/define.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { resolveRecordPath } from "./record-path.js";

/** What save_design needs from the MCP session that owns it. */
export interface SaveDesignHost {
  /** The session's record as it stands; a given brief replaces the session's brief from now on. */
  currentRecord(brief?: string): DesignRecord;
  /** The final parts named by `finish` no longer exist: save without them. */
  dropFinal(): void;
}

/**
 * `save_design`, offered by the MCP server only (an LLM run writes its record as it goes).
 * It is not mutating: saving changes nothing in the design and must never become a step.
 */
export function saveDesignTool(host: SaveDesignHost): ToolDefinition {
  return defineTool({
    name: "save_design",
    description: `Save this session's design record (${DESIGN_FILE_NAME}) in the output folder: the parameters and every successful modelling call so far, in order, plus the parts the last \`finish\` named. \`cadagent build <file>\` rebuilds the part from it without an LLM, and \`--set name=value\` rebuilds it with new parameter values, so declare key dimensions with set_parameter and use them in expressions. \`filename\` (default ${DESIGN_FILE_NAME}) is relative to the output folder; \`brief\` describes the part for whoever rebuilds it. Returns {path, file, steps, parameters, final, rebuild}.`,
    input: z.strictObject({
      filename: z
        .string()
        .min(1)
        .optional()
        .describe(`file name relative to the output folder, ending in .json; default ${DESIGN_FILE_NAME}`),
      brief: z.string().optional().describe("what the part is and what it is for; stored in the record"),
    }),
    mutates: false,
    async execute(input, ctx) {
      let record = host.currentRecord(input.brief);
      if (record.steps.length === 0) {
        throw new CadError(
          "nothing_to_save",
          "nothing to save yet: no modelling call has succeeded in this session",
          "build something first (set_parameter, create_box, …), then call save_design",
        );
      }
      const warnings: string[] = [];
      if (record.final) {
        const missing = await missingParts(record.final.parts, ctx.cad, ctx.signal);
        if (missing === undefined) {
          warnings.push("FreeCAD is not running, so the final parts could not be checked");
        } else if (missing.length > 0) {
          host.dropFinal();
          record = host.currentRecord();
          warnings.push(
            `finish named ${missing.join(", ")}, which no longer ${missing.length > 1 ? "are parts" : "is a part"}; saved without final parts (a rebuild keeps every visible part): call finish again to name them`,
          );
        }
      }
      const target = resolveRecordPath(ctx.outDir, input.filename);
      await writeJsonAtomic(target.absolute, record);
      return {
        result: {
          path: target.relative,
          file: target.absolute,
          steps: record.steps.length,
          parameters: Object.keys(record.parameters),
          final: record.final,
          rebuild: `cadagent build ${shellQuote(target.absolute)}`,
          warnings,
        },
      };
    },
  });
}

/** Final names that are not visible parts now; undefined when FreeCAD cannot be asked. */
async function missingParts(
  names: readonly string[],
  cad: CadClient,
  signal: AbortSignal | undefined,
): Promise<string[] | undefined> {
  try {
    const r = await partsHealth(cad, undefined, signal ? { signal } : {});
    const present = new Set(r.parts.map((p) => p.name));
    return names.filter((n) => !present.has(n));
  } catch (e) {
    // The record is worth saving even when the backend is gone: that is when it matters most.
    if (e instanceof CadError && e.fatal) return undefined;
    throw e;
  }
}

/** Single-quote for POSIX shells unless the path is plainly safe. */
function shellQuote(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

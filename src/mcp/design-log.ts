import type { CreatedWith, DesignParameter, DesignRecord, DesignStep } from "../agent/design-record.js";
import { newDesignRecord } from "../agent/design-record.js";
import type { ToolOutcome } from "../tools/registry.js";

/**
 * What an MCP session has built, kept from the tool outcomes the server saw: the successful
 * mutating calls in order (with their validated input, so `cadagent build` replays exactly what
 * ran), the parameters declared with set_parameter, and the parts the last `finish` named.
 * Failed calls and inspection calls are not steps: replaying them would change nothing or fail.
 */
export class DesignLog {
  private readonly steps: DesignStep[] = [];
  private readonly parameters: Record<string, DesignParameter> = {};
  private final: DesignRecord["final"] = null;

  /** Take note of one outcome; only ok outcomes count. */
  note(outcome: ToolOutcome): void {
    if (!outcome.ok || !isObject(outcome.input)) return;
    const input = outcome.input;
    if (outcome.name === "finish") {
      this.final = finalOf(input);
      return;
    }
    if (!outcome.mutates) return;
    // A copy: the input object came from the client and must not change the log afterwards.
    this.steps.push({ tool: outcome.name, input: structuredClone(input) });
    if (outcome.name === "set_parameter") this.noteParameter(input, outcome.result);
  }

  get stepCount(): number {
    return this.steps.length;
  }

  /** Forget the final parts (they no longer exist: a later step deleted or consumed them). */
  dropFinal(): void {
    this.final = null;
  }

  /** The design record as it stands (a fresh copy each time). */
  toRecord(brief: string, createdWith: CreatedWith): DesignRecord {
    const record = newDesignRecord(brief, createdWith);
    record.parameters = structuredClone(this.parameters);
    record.steps = structuredClone(this.steps);
    record.final = this.final ? structuredClone(this.final) : null;
    return record;
  }

  /**
   * The record's `parameters` hold numbers: the worker's evaluated value, because the input may
   * be an expression over earlier parameters. The step keeps the expression for replay.
   */
  private noteParameter(input: Record<string, unknown>, result: Record<string, unknown> | undefined): void {
    if (typeof input.name !== "string") return;
    const value = typeof result?.value === "number" ? result.value : typeof input.value === "number" ? input.value : undefined;
    if (value === undefined) return;
    const unitRaw = input.unit ?? result?.unit ?? "mm";
    const unit = unitRaw === "mm" || unitRaw === "deg" || unitRaw === "" ? unitRaw : "mm";
    const previous = this.parameters[input.name];
    const description = typeof input.description === "string" ? input.description : previous?.description;
    this.parameters[input.name] = { value, unit, ...(description !== undefined ? { description } : {}) };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function finalOf(input: Record<string, unknown>): DesignRecord["final"] {
  const parts = Array.isArray(input.parts) ? input.parts.filter((p): p is string => typeof p === "string") : [];
  if (parts.length === 0) return null;
  return { parts, summary: typeof input.summary === "string" ? input.summary : "" };
}

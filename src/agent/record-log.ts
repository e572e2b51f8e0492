import type { ToolOutcome } from "../tools/registry.js";
import { newDesignRecord, writeDesignRecord, type CreatedWith, type DesignParameter, type DesignRecord } from "./design-record.js";
import type { Redactor } from "./redact.js";

/**
 * The design record of an agent run, kept up to date from tool outcomes and rewritten
 * (atomically) after each change, so an interrupted run leaves a record that `cadagent build`
 * can replay up to the last successful step. Only successful mutating calls become steps, with
 * their validated input; failed and read-only calls would change nothing on replay.
 */
export class RecordLog {
  private readonly record: DesignRecord;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly outDir: string,
    brief: string,
    createdWith: CreatedWith,
    /** Applied to every write: a key-shaped string from the model never lands in the record. */
    private readonly redactor?: Redactor,
  ) {
    this.record = newDesignRecord(brief, createdWith);
  }

  get stepCount(): number {
    return this.record.steps.length;
  }

  /** The record as it stands (a copy). */
  snapshot(): DesignRecord {
    return structuredClone(this.record);
  }

  setFreecadVersion(version: string): void {
    if (version) this.record.createdWith.freecad = version;
  }

  /** Take note of an outcome; returns true when the record changed. */
  note(outcome: ToolOutcome): boolean {
    if (!outcome.ok || !isObject(outcome.input)) return false;
    const input = outcome.input;
    if (outcome.name === "finish") {
      const parts = Array.isArray(input.parts) ? input.parts.filter((p): p is string => typeof p === "string") : [];
      if (!parts.length) return false;
      this.record.final = { parts, summary: typeof input.summary === "string" ? input.summary : "" };
      return true;
    }
    if (!outcome.mutates) return false;
    this.record.steps.push({ tool: outcome.name, input: structuredClone(input) });
    if (outcome.name === "set_parameter") this.noteParameter(input, outcome.result);
    // A later step may consume or delete the declared parts: a stale `final` would not replay.
    this.record.final = null;
    return true;
  }

  /** Write design.cad.json now; writes are serialised so the last call's content wins. */
  save(): Promise<void> {
    const copy = this.redactor ? this.redactor.redactValue(this.snapshot()) : this.snapshot();
    const next = this.writing.then(() => writeDesignRecord(this.outDir, copy));
    this.writing = next.catch(() => undefined);
    return next.then(() => undefined);
  }

  /**
   * `parameters` holds numbers: the worker's evaluated value (the input may be an expression
   * over earlier parameters); the step keeps the expression so replay re-evaluates it.
   */
  private noteParameter(input: Record<string, unknown>, result: Record<string, unknown> | undefined): void {
    if (typeof input.name !== "string") return;
    const value = typeof result?.value === "number" ? result.value : typeof input.value === "number" ? input.value : undefined;
    if (value === undefined) return;
    const rawUnit = input.unit ?? result?.unit ?? "mm";
    const unit: DesignParameter["unit"] = rawUnit === "deg" || rawUnit === "" ? rawUnit : "mm";
    const description = typeof input.description === "string" ? input.description : this.record.parameters[input.name]?.description;
    this.record.parameters[input.name] = { value, unit, ...(description !== undefined ? { description } : {}) };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

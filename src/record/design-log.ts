import type { ToolOutcome } from "../tools/registry.js";
import {
  materialOf,
  newDesignRecord,
  type CreatedWith,
  type DesignParameter,
  type DesignRecord,
  type DesignStep,
  type Material,
} from "./design-record.js";

type SubRefs = NonNullable<DesignStep["refs"]>;

/**
 * What a design session has built, kept from the tool outcomes it saw: the successful mutating
 * calls in order (with their validated input, so `cadagent build` replays exactly what ran), the
 * parameters declared with set_parameter, and the parts the last `finish` named. Failed and
 * inspection calls are not steps: replaying them would change nothing or fail. One class serves
 * agent runs (through RecordWriter) and MCP sessions.
 */
export class DesignLog {
  private readonly record: DesignRecord;
  /** The material the session measured mass with (or required a mass of), for `final`. */
  private material: Material | undefined;

  constructor(brief = "", createdWith: CreatedWith = { cadagent: "", provider: "", model: "", freecad: "" }) {
    this.record = newDesignRecord(brief, createdWith);
  }

  /**
   * Start from an earlier record (an edit): its parameters and steps come first, so the new
   * record replays on its own; `parent` says where it came from.
   */
  seed(
    base: Pick<DesignRecord, "parameters" | "steps"> & { final?: DesignRecord["final"] },
    parent?: DesignRecord["parent"],
  ): void {
    this.record.parameters = structuredClone(base.parameters);
    this.record.steps = structuredClone(base.steps);
    this.material = materialOf(base.final);
    if (parent) this.record.parent = { ...parent };
  }

  get stepCount(): number {
    return this.record.steps.length;
  }

  setFreecadVersion(version: string): void {
    if (version && this.record.createdWith) this.record.createdWith.freecad = version;
  }

  /**
   * Take note of one outcome; returns true when the record changed. A mutating step clears
   * `final`: it may consume or delete the declared parts, and a stale `final` would not replay.
   */
  note(outcome: ToolOutcome): boolean {
    if (!outcome.ok || !isObject(outcome.input)) return false;
    const input = outcome.input;
    this.noteMaterial(outcome.name, input);
    if (outcome.name === "finish") {
      const final = finalOf(input);
      if (!final) return false;
      this.record.final = { ...final, ...this.material };
      return true;
    }
    if (outcome.name === "measure" && this.record.final && this.material) {
      this.record.final = { ...finalOf(this.record.final), ...this.material } as DesignRecord["final"];
      return true;
    }
    if (!outcome.mutates) return false;
    // A copy: the input object came from the caller and must not change the log afterwards.
    const refs = outcome.result?.refs;
    this.record.steps.push({
      tool: outcome.name,
      input: structuredClone(input),
      ...(isObject(refs) && Object.keys(refs).length ? { refs: structuredClone(refs) as SubRefs } : {}),
    });
    if (outcome.name === "set_parameter") this.noteParameter(input, outcome.result);
    this.record.final = null;
    return true;
  }

  /** Forget the final parts (they no longer exist: a later step deleted or consumed them). */
  dropFinal(): void {
    this.record.final = null;
  }

  /** The design record as it stands (a fresh copy each time), optionally with another brief/provenance. */
  toRecord(brief?: string, createdWith?: CreatedWith): DesignRecord {
    const copy = structuredClone(this.record);
    if (brief !== undefined) copy.brief = brief;
    if (createdWith !== undefined) copy.createdWith = structuredClone(createdWith);
    return copy;
  }

  /**
   * A `measure` with a material or density sets the parts' material (the latest wins); a mass
   * requirement sets it only when no measure has.
   */
  private noteMaterial(tool: string, input: Record<string, unknown>): void {
    if (tool === "measure") {
      const m = materialOf(input);
      if (m) this.material = m;
    } else if (tool === "declare_requirements" && !this.material && Array.isArray(input.requirements)) {
      for (const r of input.requirements as unknown[])
        if (isObject(r) && r.kind === "mass") this.material ??= materialOf(r);
    }
  }

  /**
   * The record's `parameters` hold numbers: the worker's evaluated value, because the input may
   * be an expression over earlier parameters. The step keeps the expression for replay.
   */
  private noteParameter(input: Record<string, unknown>, result: Record<string, unknown> | undefined): void {
    if (typeof input.name !== "string") return;
    const value =
      typeof result?.value === "number" ? result.value : typeof input.value === "number" ? input.value : undefined;
    if (value === undefined) return;
    const rawUnit = input.unit ?? result?.unit ?? "mm";
    const unit: DesignParameter["unit"] = rawUnit === "deg" || rawUnit === "" ? rawUnit : "mm";
    const description =
      typeof input.description === "string" ? input.description : this.record.parameters[input.name]?.description;
    this.record.parameters[input.name] = { value, unit, ...(description !== undefined ? { description } : {}) };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function finalOf(input: Record<string, unknown>): DesignRecord["final"] {
  const parts = Array.isArray(input.parts) ? input.parts.filter((p): p is string => typeof p === "string") : [];
  if (parts.length === 0) return null;
  return {
    parts,
    summary: typeof input.summary === "string" ? input.summary : "",
    ...(input.allow_multiple_solids === true ? { allow_multiple_solids: true } : {}),
  };
}

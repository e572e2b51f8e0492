import type { ToolOutcome } from "../tools/registry.js";
import type { Redactor } from "../util/redact.js";
import { DesignLog } from "./design-log.js";
import { writeDesignRecord, type CreatedWith, type DesignRecord } from "./design-record.js";

/**
 * The design record of an agent run, kept up to date from tool outcomes and rewritten
 * (atomically) after each change, so an interrupted run leaves a record that `cadagent build`
 * can replay up to the last successful step.
 */
export class RecordWriter {
  private readonly log: DesignLog;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly outDir: string,
    brief: string,
    createdWith: CreatedWith,
    /** Applied to every write: a key-shaped string from the model never lands in the record. */
    private readonly redactor?: Redactor,
  ) {
    this.log = new DesignLog(brief, createdWith);
  }

  get stepCount(): number {
    return this.log.stepCount;
  }

  /** The record as it stands (a copy). */
  snapshot(): DesignRecord {
    return this.log.toRecord();
  }

  /** Start from an earlier record's parameters and steps (see DesignLog.seed). */
  seed(
    base: Pick<DesignRecord, "parameters" | "steps"> & { final?: DesignRecord["final"] },
    parent?: DesignRecord["parent"],
  ): void {
    this.log.seed(base, parent);
  }

  setFreecadVersion(version: string): void {
    this.log.setFreecadVersion(version);
  }

  /** Take note of an outcome; returns true when the record changed. */
  note(outcome: ToolOutcome): boolean {
    return this.log.note(outcome);
  }

  /** Write design.cad.json now; writes are serialised so the last call's content wins. */
  save(): Promise<void> {
    const copy = this.redactor ? this.redactor.redactValue(this.snapshot()) : this.snapshot();
    const next = this.writing.then(() => writeDesignRecord(this.outDir, copy));
    this.writing = next.catch(() => undefined);
    return next.then(() => undefined);
  }
}

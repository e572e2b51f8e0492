import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TRANSCRIPT_FILE_NAME } from "./deliver.js";
import type { AgentEvent } from "./events.js";
import type { Redactor } from "../util/redact.js";

export { TRANSCRIPT_FILE_NAME };

/**
 * `transcript.jsonl`: one JSON line per event, appended synchronously as the run goes, so a
 * killed or interrupted run keeps every line written before it died. Text deltas are not
 * stored one by one: each turn's full text is in its `turn-end` line. Every line passes the
 * redactor before it touches the disk.
 */
export class Transcript {
  readonly file: string;
  private failed = false;

  constructor(
    outDir: string,
    private readonly redactor: Redactor,
    private readonly now: () => Date = () => new Date(),
  ) {
    mkdirSync(outDir, { recursive: true });
    this.file = path.join(outDir, TRANSCRIPT_FILE_NAME);
    // A rerun into the same folder starts a new transcript rather than appending to the old one.
    writeFileSync(this.file, "");
  }

  write(event: AgentEvent): void {
    this.writeJson(event.type, this.redactor.redact(JSON.stringify(event)));
  }

  /** For callers that already hold the event's redacted JSON (saves serialising it twice). */
  writeJson(type: AgentEvent["type"], redactedJson: string): void {
    if (type === "text-delta" || this.failed) return;
    const line = `{"ts":${JSON.stringify(this.now().toISOString())},${redactedJson.slice(1)}`;
    try {
      appendFileSync(this.file, `${line}\n`);
    } catch {
      // A full disk must not kill the design run; the report still says what happened.
      this.failed = true;
    }
  }
}

import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { GeometryHealth } from "../cad/protocol.js";
import type { ContentPart } from "../llm/types.js";
import { DESIGN_FILE_NAME, DesignRecordError, readDesignRecord, type DesignRecord } from "../record/design-record.js";
import { describeFailure, replayDesign } from "../record/replay.js";
import type { ReadableInputs } from "../tools/context.js";
import { IMPORT_EXTENSIONS } from "../tools/import.js";
import { packageRoot } from "../util/package-root.js";
import { ExitCode, UserError } from "../util/user-error.js";
import { editDiff, partsFigures, type PartsFigures } from "./edit-diff.js";
import { EditBaseError, type RunEdit } from "./run-design.js";

/**
 * `cadagent edit`: continue from an earlier part. The parent (a record, or a STEP/STL/IGES/BREP
 * imported as `imported`) is rebuilt in the worker, the model is shown the brief, parameters,
 * steps, figures and a picture, then the instruction; the new record starts with the parent's
 * steps so it replays on its own, and names its parent.
 */

/** What an edit starts from. */
export type EditSource =
  | { kind: "record"; file: string; record: DesignRecord; sha256: string }
  | { kind: "shape"; file: string; sha256: string };

/** The object name a shape file is imported as. */
export const IMPORTED_NAME = "imported";

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/**
 * Resolve `target` (a run folder, a design.cad.json, or a part file) to what the edit starts
 * from. Bad input is a UserError (exit 2) that says what was expected.
 */
export function loadEditSource(target: string, tools: readonly string[], allowPythonHint: string): EditSource {
  const abs = path.resolve(target);
  const stat = statSync(abs, { throwIfNoEntry: false });
  if (!stat) throw new UserError(`cannot edit '${target}': no such file or folder`, ExitCode.usage);
  let file = abs;
  if (stat.isDirectory()) {
    file = path.join(abs, DESIGN_FILE_NAME);
    if (!statSync(file, { throwIfNoEntry: false })?.isFile())
      throw new UserError(
        `cannot edit '${target}': the folder has no ${DESIGN_FILE_NAME} (give a cadagent output folder, a design record, or a .step/.stl file)`,
        ExitCode.usage,
      );
  }
  const ext = path.extname(file).toLowerCase();
  if ((IMPORT_EXTENSIONS as readonly string[]).includes(ext)) return { kind: "shape", file, sha256: sha256(file) };
  if (ext !== ".json")
    throw new UserError(
      `cannot edit '${target}': expected a run folder, a ${DESIGN_FILE_NAME} or a part file (${IMPORT_EXTENSIONS.join(", ")})`,
      ExitCode.usage,
    );
  let record: DesignRecord;
  try {
    record = readDesignRecord(file, tools, allowPythonHint);
  } catch (e) {
    if (e instanceof DesignRecordError) throw new UserError(`cannot edit: ${e.message}`, ExitCode.usage);
    throw e;
  }
  return { kind: "record", file, record, sha256: sha256(file) };
}

/** The record an edit starts from: the parent's, or one step importing the shape file. */
export function baseRecord(source: EditSource): Pick<DesignRecord, "brief" | "parameters" | "steps" | "final"> {
  if (source.kind === "record") return source.record;
  return {
    brief: "",
    parameters: {},
    steps: [{ tool: "import_shape", input: { name: IMPORTED_NAME, file: source.file } }],
    final: { parts: [IMPORTED_NAME], summary: `imported from ${path.basename(source.file)}` },
  };
}

/** The brief stored with the edit: the parent's brief and every instruction since. */
export function editBrief(source: EditSource, instruction: string): string {
  const parent = source.kind === "record" ? source.record.brief.trim() : `the part in ${path.basename(source.file)}`;
  return `${parent}\n\nEdit: ${instruction.trim()}`;
}

/** Files the edit may import: the shape being edited, plus those named with --input. */
export function editInputs(source: EditSource, inputs: readonly string[]): ReadableInputs {
  return {
    files: [...(source.kind === "shape" ? [source.file] : []), ...inputs.map((f) => path.resolve(f))],
    folders: [],
  };
}

const TEMPLATE = (): string => readFileSync(path.join(packageRoot, "prompts", "edit.md"), "utf8").trim();
const STEP_CHARS = 160;

/** One line per step: `3. create_cylinder {"name":"hole","radius":"hole_d/2",…}`. */
export function compactSteps(steps: DesignRecord["steps"]): string {
  if (!steps.length) return "(none)";
  return steps
    .map((s, i) => {
      const json = JSON.stringify(s.input);
      return `${i + 1}. ${s.tool} ${json.length > STEP_CHARS ? `${json.slice(0, STEP_CHARS - 1)}…` : json}`;
    })
    .join("\n");
}

/** Parameter descriptions: the record's, or the last set_parameter step's that gave one. */
function descriptions(record: Pick<DesignRecord, "parameters" | "steps">): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of record.steps)
    if (s.tool === "set_parameter" && typeof s.input.name === "string" && typeof s.input.description === "string")
      out.set(s.input.name, s.input.description);
  for (const [n, p] of Object.entries(record.parameters)) if (p.description) out.set(n, p.description);
  return out;
}

function parameterLines(
  p: Record<string, { value: number; unit: string }>,
  record: Pick<DesignRecord, "parameters" | "steps">,
): string {
  const names = Object.keys(p);
  if (!names.length) return "(none)";
  const described = descriptions(record);
  return names
    .map((n) => {
      const d = described.get(n);
      return `- ${n} = ${p[n]?.value}${p[n]?.unit ? ` ${p[n]?.unit}` : ""}${d ? ` (${d})` : ""}`;
    })
    .join("\n");
}

/** The edit hooks for runDesign: rebuild the parent, show it to the model, diff the result. */
export function editHooks(source: EditSource, instruction: string): RunEdit {
  const base = baseRecord(source);
  let before: PartsFigures | undefined;
  let beforeParameters: Record<string, { value: number; unit: string }> = {};
  return {
    base: { parameters: base.parameters, steps: base.steps, final: base.final },
    parent: { record: source.file, sha256: source.sha256 },
    async prepare(registry, ctx) {
      const full: DesignRecord = {
        format: "cadagent.design/1",
        brief: base.brief,
        createdWith: { cadagent: "", provider: null, model: null, freecad: "" },
        parameters: base.parameters,
        steps: base.steps,
        final: base.final,
      };
      const replay = await replayDesign({ record: full, registry, ctx });
      if (replay.failure) {
        const what =
          source.kind === "record" ? `the record ${source.file} does not rebuild` : `cannot import ${source.file}`;
        throw new EditBaseError(
          source.kind === "record"
            ? `${what}: ${describeFailure(replay.failure)}`
            : `${what}: ${replay.failure.message}${replay.failure.hint ? ` (hint: ${replay.failure.hint})` : ""}`,
        );
      }
      before = partsFigures(replay.parts);
      beforeParameters = replay.parameters;
      const names = replay.parts.map((p) => p.name);
      const render = await registry.execute("render_view", { view: "iso", objects: names }, ctx);
      const images = render.ok ? render.content.filter((c) => c.type === "image") : [];
      const text = TEMPLATE()
        .replace("{{brief}}", () => base.brief.trim() || "(none: the part was imported from a file)")
        .replace("{{parameters}}", () => parameterLines(replay.parameters, base))
        .replace("{{steps}}", () => compactSteps(base.steps))
        .replace("{{figures}}", () => "```json\n" + JSON.stringify(figuresOf(replay.parts), null, 1) + "\n```")
        .replace("{{image_note}}", () => (images.length ? " The picture shows it now (iso view)." : ""))
        .replace("{{instruction}}", () => instruction.trim());
      const content: ContentPart[] = [{ type: "text", text }, ...images];
      return content;
    },
    extend(report, record) {
      return {
        parent: record.parent ?? null,
        diff: editDiff({
          parentSteps: base.steps,
          steps: record.steps,
          parametersBefore: beforeParameters,
          parametersAfter: report.parameters,
          before: before ?? null,
          after: report.parts.length ? partsFigures(report.parts) : null,
        }),
      };
    },
  };
}

function figuresOf(parts: GeometryHealth[]): unknown {
  return parts.map((p) => ({ name: p.name, volume: p.volume, bbox: p.bbox, valid: p.valid, solids: p.solids }));
}

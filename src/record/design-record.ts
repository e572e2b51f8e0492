import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { describeIssues } from "../tools/argument-errors.js";
import type { Validation } from "../tools/registry.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { lineColumn, offsetOfPath, scanJson, type JsonPath } from "../util/json-locate.js";

/**
 * The design record (`design.cad.json`, TOOLS.md "Design record"): the brief, the parameters,
 * and the successful mutating tool calls in order, so `cadagent build` can rebuild the part
 * without an LLM. Written by the agent loop as it goes, read by build, batch and MCP.
 */

export const DESIGN_FORMAT = "cadagent.design/1";
export const DESIGN_FILE_NAME = "design.cad.json";

const parameterSchema = z.object({
  value: z.number({ error: "a parameter value must be a number" }),
  unit: z.enum(["mm", "deg", ""]).optional(),
  description: z.string().optional(),
});

const stepSchema = z.object({
  tool: z.string().min(1, "a step needs a tool name"),
  input: z.record(z.string(), z.unknown()),
  /**
   * Geometric signatures (type, centre, length or area, radius) of the explicit sub-element
   * names in `input` ("Edge3", "Face6"), as the worker reported them when the step ran; replay
   * hands them back so another FreeCAD version's numbering is re-matched by geometry.
   */
  refs: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});

/** zod schema of `design.cad.json`. Unknown top-level keys are tolerated (forward compatible). */
export const designRecordSchema = z.object({
  format: z.literal(DESIGN_FORMAT, { error: `format must be "${DESIGN_FORMAT}"` }),
  brief: z.string(),
  // Provenance: optional, as a person writing a record by hand has none to give.
  createdWith: z
    .object({
      cadagent: z.string(),
      // null for hand-written records and for `build` runs: no model was involved.
      provider: z.string().nullable(),
      model: z.string().nullable(),
      freecad: z.string(),
    })
    .optional(),
  parameters: z.record(z.string(), parameterSchema),
  steps: z.array(stepSchema),
  final: z
    .object({
      parts: z.array(z.string()).min(1),
      summary: z.string(),
      /** Separate bodies on purpose: without it a delivered part of several solids fails the build. */
      allow_multiple_solids: z.boolean().optional(),
      /**
       * What the parts are made of, for `mass_g` in report.json: a material name of `measure`
       * (e.g. "pla") or a density in g/cm³, never both. Taken from the run's last `measure` with
       * a material (or its mass requirement); `build --material` overrides it.
       */
      material: z.string().min(1).optional(),
      density: z.number().positive().optional(),
    })
    .nullable(),
  /** An edit run's record: the record it started from (provenance only; the steps replay alone). */
  parent: z.object({ record: z.string(), sha256: z.string() }).optional(),
});

export type DesignRecord = z.infer<typeof designRecordSchema>;
export type DesignStep = z.infer<typeof stepSchema>;
export type DesignParameter = z.infer<typeof parameterSchema>;
export type CreatedWith = NonNullable<DesignRecord["createdWith"]>;

/** A material name or a density (g/cm³): what mass is computed from (`measure`, report.json). */
export type Material = { material: string } | { density: number };

/**
 * The material an object names, if any: a record's `final`, a `measure` call's input, a mass
 * requirement. A name wins over a density, as they never come together where they are valid.
 */
export function materialOf(o: { material?: unknown; density?: unknown } | null | undefined): Material | undefined {
  if (typeof o?.material === "string" && o.material) return { material: o.material };
  if (typeof o?.density === "number" && o.density > 0) return { density: o.density };
  return undefined;
}

/** What a record parse needs of the tool registry to check every step's arguments before a build. */
export interface StepValidator {
  names(): string[];
  validate(name: string, input: unknown): Validation;
}

/** An unreadable or invalid design record. The message reads `file:line: reason`. */
export class DesignRecordError extends Error {
  constructor(
    readonly file: string,
    /** 1-based; undefined when the problem has no place in the text (e.g. unreadable file). */
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ""}: ${reason}`);
    this.name = "DesignRecordError";
  }
}

/** A `--set` override that the record cannot take (unknown name, non-numeric value). */
export class ParameterOverrideError extends Error {
  constructor(
    message: string,
    /** The parameters the record does have. */
    readonly known: string[],
  ) {
    super(message);
    this.name = "ParameterOverrideError";
  }
}

/** A fresh, empty record for a run that is about to start. */
export function newDesignRecord(brief: string, createdWith: CreatedWith): DesignRecord {
  return { format: DESIGN_FORMAT, brief, createdWith: { ...createdWith }, parameters: {}, steps: [], final: null };
}

export interface ParseOptions {
  /**
   * Tool names the replaying registry offers. When given, a step naming another tool is a
   * record error (with its line), caught before FreeCAD builds anything.
   */
  tools?: readonly string[];
  /** Extra advice for a step naming a tool that exists but is not offered (run_python). */
  unavailableToolHint?: (tool: string) => string | undefined;
  /**
   * When given, every step's input is validated as the tool would validate it (strict: an
   * unknown argument is an error), and a problem is a record error at the argument's line.
   */
  validator?: StepValidator;
}

/** Bounds on what a record file may be: real records are kilobytes and about six levels deep. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
export const MAX_RECORD_DEPTH = 64;

/**
 * The offset where `text` nests deeper than MAX_RECORD_DEPTH, or undefined. Counted before any
 * parser recurses into it: 10,000 nested brackets would overflow the stack of a recursive one.
 */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (++depth > MAX_RECORD_DEPTH) return i;
    } else if (c === "}" || c === "]") depth--;
  }
  return undefined;
}

/**
 * Parse and validate a design record's text. Throws DesignRecordError naming `file`, the line
 * (from the JSON syntax error's offset or the zod issue's path) and the reason.
 */
export function parseDesignRecord(text: string, file: string, opts: ParseOptions = {}): DesignRecord {
  // A BOM is invisible in editors and would otherwise be "unexpected character" at line 1.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const deep = tooDeep(body);
  if (deep !== undefined)
    throw new DesignRecordError(
      file,
      lineColumn(body, deep).line,
      `nested deeper than ${MAX_RECORD_DEPTH} levels; a design record is a few levels deep`,
    );
  const scan = scanJson(body);
  if (!scan.ok) {
    throw new DesignRecordError(
      file,
      lineColumn(body, scan.problem.offset).line,
      `invalid JSON: ${scan.problem.reason}`,
    );
  }
  const lineOf = (p: JsonPath): number => lineColumn(body, offsetOfPath(scan.offsets, p)).line;
  const raw: unknown = JSON.parse(body);
  const parsed = designRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const [problem] = describeIssues("the design record", parsed.error.issues, raw, recordJsonSchema());
    const where = problem?.path ?? [];
    throw new DesignRecordError(file, lineOf(where), recordWording(problem?.message ?? "invalid design record"));
  }
  const record = parsed.data;
  const tools = opts.tools ?? opts.validator?.names();
  if (tools) {
    const known = new Set(tools);
    record.steps.forEach((step, i) => {
      if (known.has(step.tool)) return;
      const hint = opts.unavailableToolHint?.(step.tool) ?? `known tools: ${[...known].join(", ")}`;
      throw new DesignRecordError(
        file,
        lineOf(["steps", i, "tool"]),
        `step ${i + 1}: unknown tool '${step.tool}' (${hint})`,
      );
    });
  }
  if (opts.validator) {
    for (const [i, step] of record.steps.entries()) {
      const v = opts.validator.validate(step.tool, step.input);
      if (v.ok) continue;
      const first = v.problems[0];
      const at = lineOf(["steps", i, "input", ...(first?.path ?? [])]);
      throw new DesignRecordError(file, at, `step ${i + 1} (${step.tool}): ${first?.message ?? v.message}`);
    }
  }
  return record;
}

let recordSchemaJson: Record<string, unknown> | undefined;
/** The record's own JSON Schema, for plain-sentence messages about its fields. */
function recordJsonSchema(): Record<string, unknown> {
  recordSchemaJson ??= z.toJSONSchema(designRecordSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return recordSchemaJson;
}

/** Write `design.cad.json` into `outDir` atomically (readers never see half a record). */
/**
 * Read and parse a record file; an unreadable file is a DesignRecordError too. A record that
 * runs Python while run_python is not among `tools` is refused with `allowPythonHint`.
 */
export function readDesignRecord(
  file: string,
  tools: readonly string[] | StepValidator,
  allowPythonHint: string,
): DesignRecord {
  const text = readBounded(file);
  return parseDesignRecord(text, file, {
    ...(isValidator(tools) ? { validator: tools } : { tools }),
    unavailableToolHint: (t) => (t === "run_python" ? allowPythonHint : undefined),
  });
}

/** The argument messages read as field messages: "field 'brief' must be a string, got 42". */
function recordWording(message: string): string {
  return message
    .replace(/ for the design record/g, "")
    .replace(/\bargument\b/g, "field")
    .replace(/^'/, "field '");
}

function isValidator(t: readonly string[] | StepValidator): t is StepValidator {
  return !Array.isArray(t);
}

export async function writeDesignRecord(outDir: string, record: DesignRecord): Promise<string> {
  const file = path.join(outDir, DESIGN_FILE_NAME);
  await writeJsonAtomic(file, record);
  return file;
}

/** Every parameter the record knows: declared in `parameters` or set by a `set_parameter` step. */
export function recordParameterNames(record: DesignRecord): string[] {
  const names = new Set(Object.keys(record.parameters));
  for (const s of record.steps) {
    if (s.tool === "set_parameter" && typeof s.input.name === "string") names.add(s.input.name);
  }
  return [...names];
}

/**
 * Return a copy of `record` with parameter values replaced. Every `set_parameter` step for the
 * name gets the new value, so replay builds with it; a parameter listed only in `parameters`
 * gets a `set_parameter` step in front, so expressions that use it see the override.
 * Throws ParameterOverrideError for a name the record does not have.
 */
export function applyOverrides(record: DesignRecord, overrides: Record<string, number>): DesignRecord {
  const known = recordParameterNames(record);
  const out: DesignRecord = structuredClone(record);
  for (const [name, value] of Object.entries(overrides)) {
    if (!known.includes(name)) {
      const list = known.length ? known.join(", ") : "none";
      throw new ParameterOverrideError(`unknown parameter '${name}' (this design's parameters: ${list})`, known);
    }
    if (!Number.isFinite(value)) throw new ParameterOverrideError(`parameter '${name}' must be a finite number`, known);
    let replaced = false;
    for (const step of out.steps) {
      if (step.tool === "set_parameter" && step.input.name === name) {
        step.input = { ...step.input, value };
        replaced = true;
      }
    }
    const declared = out.parameters[name];
    if (!replaced) {
      const input: Record<string, unknown> = { name, value };
      if (declared?.unit !== undefined) input.unit = declared.unit;
      out.steps.unshift({ tool: "set_parameter", input });
    }
    out.parameters[name] = { ...(declared ?? {}), value };
  }
  return out;
}

/**
 * The file's text, refusing what no record is: a device or FIFO (`/dev/zero` never ends) or a
 * file over MAX_RECORD_BYTES. Read through one descriptor, so what was checked is what is read.
 */
function readBounded(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DesignRecordError(
      file,
      undefined,
      `cannot read the design record (${code === "ENOENT" ? "no such file" : (code ?? String(e))})`,
    );
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new DesignRecordError(file, undefined, "a design record must be a regular file");
    if (st.size > MAX_RECORD_BYTES)
      throw new DesignRecordError(
        file,
        undefined,
        `the design record is ${st.size} bytes; the limit is ${MAX_RECORD_BYTES} (records are usually a few kB)`,
      );
    const buf = Buffer.alloc(Math.min(st.size, MAX_RECORD_BYTES) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_RECORD_BYTES)
      throw new DesignRecordError(file, undefined, `the design record grew past ${MAX_RECORD_BYTES} bytes`);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

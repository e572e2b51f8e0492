import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { meshBox, meshVolume, readStl, type Box3, type Mesh } from "./stl.js";

/**
 * An eval suite: a folder of cases, each a subfolder with `prompt.txt` plus a reference
 * `*.stl` and/or `expected.json` ({bbox: {min, max}, volume, notes}). Every problem is an
 * EvalSuiteError naming the file.
 */

export class EvalSuiteError extends Error {}

const vec3 = z.tuple([z.number(), z.number(), z.number()]);
const ExpectedSchema = z
  .object({
    bbox: z.object({ min: vec3, max: vec3 }).optional(),
    volume: z.number().positive().optional(),
    notes: z.string().optional(),
  })
  .strict();

export interface EvalCase {
  name: string;
  dir: string;
  prompt: string;
  /** Expected size box: expected.json's, else the reference STL's. */
  bbox: Box3 | null;
  /** Expected volume (mm³): expected.json's, else the reference STL's. */
  volume: number | null;
  notes: string | null;
  referenceStl: string | null;
  reference: Mesh | null;
}

export interface EvalSuite {
  dir: string;
  cases: EvalCase[];
}

export function loadSuite(dir: string, only?: readonly string[]): EvalSuite {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new EvalSuiteError(`${dir}: not a folder (an eval suite is a folder of case folders)`);
  const names = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  if (only?.length) {
    const unknown = only.filter((n) => !names.includes(n));
    if (unknown.length)
      throw new EvalSuiteError(
        `--cases: no case ${unknown.map((n) => `'${n}'`).join(", ")} in ${dir} (cases: ${names.join(", ") || "none"})`,
      );
  }
  const cases = names.filter((n) => !only?.length || only.includes(n)).map((n) => loadCase(path.join(root, n)));
  if (!cases.length)
    throw new EvalSuiteError(
      `${dir}: no cases (each case is a subfolder with prompt.txt and expected.json and/or a reference .stl)`,
    );
  return { dir: root, cases };
}

function loadCase(dir: string): EvalCase {
  const name = path.basename(dir);
  const promptFile = path.join(dir, "prompt.txt");
  if (!existsSync(promptFile))
    throw new EvalSuiteError(`${promptFile}: missing (each case needs its brief in prompt.txt)`);
  const prompt = readFileSync(promptFile, "utf8").trim();
  if (!prompt) throw new EvalSuiteError(`${promptFile}: empty`);
  const expectedFile = path.join(dir, "expected.json");
  let expected: z.infer<typeof ExpectedSchema> = {};
  if (existsSync(expectedFile)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(expectedFile, "utf8"));
    } catch (e) {
      throw new EvalSuiteError(`${expectedFile}: invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const parsed = ExpectedSchema.safeParse(raw);
    if (!parsed.success)
      throw new EvalSuiteError(
        `${expectedFile}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")} (expected {"bbox": {"min": [x,y,z], "max": [x,y,z]}, "volume": mm³, "notes": "…"})`,
      );
    expected = parsed.data;
    const b = expected.bbox;
    if (b && b.min.some((v, a) => v > b.max[a]!))
      throw new EvalSuiteError(`${expectedFile}: bbox.min must not exceed bbox.max`);
  }
  const stls = readdirSync(dir).filter((f) => f.toLowerCase().endsWith(".stl"));
  if (stls.length > 1) throw new EvalSuiteError(`${dir}: several reference STL files (${stls.join(", ")}); keep one`);
  const referenceStl = stls[0] ? path.join(dir, stls[0]) : null;
  let reference: Mesh | null = null;
  if (referenceStl) {
    try {
      reference = readStl(referenceStl);
    } catch (e) {
      throw new EvalSuiteError(e instanceof Error ? e.message : String(e));
    }
    if (!reference.triangles.length) throw new EvalSuiteError(`${referenceStl}: no triangles`);
  }
  if (!reference && !expected.bbox && expected.volume === undefined)
    throw new EvalSuiteError(
      `${dir}: nothing to compare with: add expected.json with bbox and/or volume, or a reference .stl`,
    );
  return {
    name,
    dir,
    prompt,
    bbox: expected.bbox ?? (reference ? meshBox(reference) : null),
    volume: expected.volume ?? (reference ? Math.abs(meshVolume(reference)) : null),
    notes: expected.notes ?? null,
    referenceStl,
    reference,
  };
}

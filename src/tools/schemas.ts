import { z } from "zod";

/**
 * Shared argument shapes (TOOLS.md conventions): one definition, reused by every tool. Kept
 * lean on purpose: the system prompt says once that any number may be an expression over
 * parameters, in mm or degrees, so the properties carry no per-field copy of it (every request
 * pays for each word here; bench/catalog-tokens.mjs counts them).
 */

/** Upper bounds on how much one call may ask for: instances, polygon sides, list items. */
export const MAX_COUNT = 1000;
export const MAX_POINTS = 10_000;
export const MAX_EXPRESSION = 500;

/** A length/angle/count: a number, or an expression string over parameters (e.g. "width/2 + 3"). */
// The length bound is a refinement, not minLength/maxLength: ~90 properties carry `num`, and every
// request would pay for the bound in each of them.
export const num = z.union([
  z.number(),
  z.string().refine((s) => s.length >= 1 && s.length <= MAX_EXPRESSION, {
    message: `must be 1 to ${MAX_EXPRESSION} characters`,
  }),
]);

/**
 * A number that must be > 0. Checked here when it is a literal; an expression is checked by the
 * worker once evaluated (it depends on parameter values zod cannot see). A refinement rather than
 * a JSON Schema bound keeps the schema the model sees as small as `num`.
 */
export const positiveNum = num.refine((v) => typeof v !== "number" || v > 0, { message: "must be > 0" });

/** Same, 0 allowed (a cone's tip radius). */
export const nonNegativeNum = num.refine((v) => typeof v !== "number" || v >= 0, { message: "must be >= 0" });

export const vec3 = z.array(num).length(3);
/** A sketch point [x, y]. Its length is a refinement: sketches carry a dozen of them, and every request pays for minItems/maxItems. */
export const vec2 = z.array(num).refine((v) => v.length === 2, { message: "must be [x, y]" });

/** An array of at most `max` items, the bound hidden from the schema the model sees (it pays per token). */
export function upTo<T extends z.ZodType>(item: T, min: number, max: number) {
  return z
    .array(item)
    .min(min)
    .refine((a) => a.length <= max, { message: `at most ${max} items` });
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** An object name. Checked by a refinement, not a JSON Schema pattern: a pattern on ~50 properties costs ~700 tokens a request. */
export const objectName = z.string().refine((s) => NAME.test(s), { message: "names match [A-Za-z][A-Za-z0-9_]*" });

/** Optional name for a created object; generated when omitted. */
export const newName = objectName.optional();

export const axisName = z.enum(["X", "Y", "Z"]);
export const planeName = z.enum(["XY", "XZ", "YZ"]);

/** An axis: "X" / "Y" / "Z" or a direction vector (normalised by the worker). */
export const axisOrVector = z.union([axisName, vec3]);

/** Same shape wherever an object is turned: rotation.axis accepts "X"|"Y"|"Z" or a vector everywhere. */
export const rotation = z.strictObject({ axis: axisOrVector, angle: num });

export const position = vec3.optional();

/** The selector grammar, written once and quoted in every tool that takes one. */
export const SELECTOR_HELP =
  'Selectors: ">Z"/"<X" farthest along an axis, ">Z[1]" next level; "+Z"/"-Z" planar faces facing +Z/-Z; "|Z" parallel, "#Z" perpendicular; "%PLANE" "%CYLINDER" "%LINE" "%CIRCLE", sized "%CIRCLE[d=8]" "%CIRCLE[r<5]" "%LINE[len>20]" "%CYLINDER[d=6.6]"; "near(x,y,z)" the nearest one; and/or/not ( ); "*"; names "Face6" "Edge3,Edge7".';

export const selector = z.string().refine((s) => s.trim().length > 0, { message: "must not be empty" });

import { z } from "zod";

/** Shared argument shapes (TOOLS.md conventions): one definition, reused by every tool. */

/** Upper bounds on how much one call may ask for: instances, polygon sides, list items (#13). */
export const MAX_COUNT = 1000;
export const MAX_POINTS = 10_000;
export const MAX_EXPRESSION = 500;

/** A length/angle: a number, or an expression over parameters (e.g. "width/2 + 3"). */
export const num = z
  .union([z.number(), z.string().min(1).max(MAX_EXPRESSION)])
  .describe('number, or an expression string over declared parameters, e.g. "width/2 + 3"');

export const vec3 = z.tuple([num, num, num]).describe("[x, y, z] in mm");
export const vec2 = z.tuple([num, num]).describe("[x, y] in the sketch plane, mm");

export const objectName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, "names match [A-Za-z][A-Za-z0-9_]*")
  .describe("object name: letters, digits, underscore; starts with a letter");

/** Optional name for a created object; generated when omitted. */
export const newName = objectName.optional().describe("name for the new object (unique); generated when omitted");

export const rotation = z
  .object({ axis: vec3.describe("rotation axis [x, y, z]"), angle: num.describe("degrees") })
  .describe("rotation about the object's own origin");

export const position = vec3.optional().describe("placement of the object's origin, default [0,0,0]");

export const selector = z
  .string()
  .min(1)
  .describe(
    'CadQuery-style selector: ">Z" "<X" (farthest along an axis), "|Z" (parallel), "#Z" (perpendicular), "%LINE" "%CIRCLE" "%PLANE" "%CYLINDER", combined with and/or/not and parentheses, "*" for all; or explicit names "Edge3,Edge7" from list_topology',
  );

export const axisName = z.enum(["X", "Y", "Z"]);
export const planeName = z.enum(["XY", "XZ", "YZ"]);

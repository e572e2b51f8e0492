import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { positiveNum } from "./primitives.js";
import { newName, num, objectName, vec3 } from "./schemas.js";

/** offset and scale (worker ops in ops_offset_scale.py). */

const offset = cadTool({
  name: "offset",
  family: "shapes",
  description:
    "Grow a solid by a constant distance all round (Part::Offset; outside corners become rounded), or shrink it with a negative distance (must stay under half the thinnest wall). E.g. a clearance envelope or a mould cavity. The distance stays bound to its parameter expression. Returns the solid's health; the input is hidden.",
  input: z.strictObject({
    name: newName,
    object: objectName,
    distance: num.describe("mm; > 0 grows, < 0 shrinks"),
  }),
  mutates: true,
});

const scale = cadTool({
  name: "scale",
  family: "shapes",
  description:
    "Scale a solid about `center` (default the origin) by one factor or per axis [fx, fy, fz]. A non-uniform factor turns circles into ellipses (curved faces become NURBS: volume accurate to ~1 %). Returns the solid's health; the input is hidden.",
  input: z.strictObject({
    name: newName,
    object: objectName,
    factor: z.union([positiveNum, z.tuple([positiveNum, positiveNum, positiveNum])]).describe("> 0"),
    center: vec3.optional(),
  }),
  mutates: true,
});

export const offsetScaleTools: ToolDefinition[] = [offset, scale];

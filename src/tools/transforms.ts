import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { axisOrVector, newName, num, objectName, planeName, vec3 } from "./schemas.js";

export { axisOrVector } from "./schemas.js";

const transform = cadTool({
  name: "transform",
  description:
    "Move an object in place (same name): rotate by `angle` about `axis` through `center` (default the origin, not the object's centre), then translate. Dependents follow.",
  input: z
    .strictObject({
      object: objectName,
      translate: vec3.optional(),
      rotate: z.strictObject({ axis: axisOrVector, angle: num, center: vec3.optional() }).optional(),
    })
    .refine((v) => v.translate !== undefined || v.rotate !== undefined, { message: "give translate and/or rotate" }),
  mutates: true,
});

const copy = cadTool({
  name: "copy",
  description:
    "A parametric copy of an object shifted by `translate`; the original stays a part. For many copies use a pattern.",
  input: z.strictObject({ name: newName, object: objectName, translate: vec3.optional() }),
  mutates: true,
});

const mirror = cadTool({
  name: "mirror",
  description:
    'Mirror across the plane through `through` (default origin): "YZ" flips x, "XZ" y, "XY" z. merge: true fuses copy and original (a symmetric part from one half); default a separate part.',
  input: z.strictObject({
    name: newName,
    object: objectName,
    plane: planeName,
    through: vec3.optional(),
    merge: z.boolean().optional(),
  }),
  mutates: true,
});

export const transformsTools: ToolDefinition[] = [transform, copy, mirror];

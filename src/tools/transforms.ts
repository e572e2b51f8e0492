import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { axisName, newName, num, objectName, planeName, vec3 } from "./schemas.js";

/** An axis: "X" / "Y" / "Z" or a direction vector. */
export const axisOrVector = z.union([axisName, vec3]).describe('"X", "Y", "Z" or a direction [x, y, z]');

const HEALTH =
  "Returns the object's health {name, type, volume (mm³), area, bbox {min, max}, valid, solids, faces, edges, warnings}.";

const transform = cadTool({
  name: "transform",
  description: `Move an existing object in place (its name does not change). \`rotate\` turns it by \`angle\` degrees about \`axis\` through \`center\` (default the world origin [0,0,0], not the object's centre: pass the bbox centre to spin it in place); \`translate\` then shifts it by [dx, dy, dz] mm. Objects built from it (a boolean that used it as a hole tool…) follow and are listed in \`dependents\`. Translations given as parameter expressions stay bound; a rotation freezes the placement to numbers. ${HEALTH}`,
  input: z
    .object({
      object: objectName.describe("object to move"),
      translate: vec3.optional().describe("shift [dx, dy, dz] in mm"),
      rotate: z
        .object({
          axis: axisOrVector,
          angle: num.describe("degrees, right-hand rule about axis"),
          center: vec3.optional().describe("point on the rotation axis, default [0,0,0]"),
        })
        .optional(),
    })
    .refine((v) => v.translate !== undefined || v.rotate !== undefined, { message: "give translate and/or rotate" }),
  mutates: true,
});

const copy = cadTool({
  name: "copy",
  description: `Create a copy of an object, shifted by \`translate\` [dx, dy, dz] mm (default no shift). The copy is a parametric clone: it follows later parameter changes of the original's shape. The original stays a visible part; for many evenly spaced copies use linear_pattern or polar_pattern instead. ${HEALTH}`,
  input: z.object({
    name: newName,
    object: objectName.describe("object to copy"),
    translate: vec3.optional().describe("offset of the copy [dx, dy, dz] in mm"),
  }),
  mutates: true,
});

const mirror = cadTool({
  name: "mirror",
  description: `Mirror an object across a plane parallel to XY, XZ or YZ through the point \`through\` (default the origin): "YZ" flips x, "XZ" flips y, "XY" flips z. With merge: true the mirrored copy is fused with the original into one solid named \`name\` (the original is consumed) — the usual way to build a symmetric part from one half; mirror about the half's cut face so the halves touch. With merge: false (default) the mirrored copy is a new separate part and the original stays. Warns when the merged halves do not touch or the copy coincides with the original. ${HEALTH}`,
  input: z.object({
    name: newName,
    object: objectName.describe("object to mirror"),
    plane: planeName.describe("mirror plane orientation"),
    through: vec3.optional().describe("a point on the mirror plane, default [0,0,0]"),
    merge: z.boolean().optional().describe("fuse the mirrored copy with the original (default false)"),
  }),
  mutates: true,
});

export const transformsTools: ToolDefinition[] = [transform, copy, mirror];

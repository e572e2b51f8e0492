import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { MAX_COUNT, newName, nonNegativeNum, num, position, positiveNum, rotation } from "./schemas.js";

/** Primitive solids (TOOLS.md "Primitives"), implemented by ops_primitives.py. */

export { positiveNum } from "./schemas.js";

const createBox = cadTool({
  name: "create_box",
  description:
    'Box with its minimum corner at `position` (not its centre: centre it with position ["-length/2", "-width/2", 0]). length along x, width y, height z.',
  input: z.strictObject({
    name: newName,
    length: positiveNum,
    width: positiveNum,
    height: positiveNum,
    position,
    rotation: rotation.optional(),
  }),
  mutates: true,
});

const createCylinder = cadTool({
  name: "create_cylinder",
  description:
    "Cylinder along +Z from the centre of its bottom face at `position`. `angle` < 360 makes a sector from +X. As a hole tool, make it longer than the material so it cuts through cleanly.",
  input: z.strictObject({
    name: newName,
    radius: positiveNum,
    height: positiveNum,
    position,
    rotation: rotation.optional(),
    angle: num.optional(),
  }),
  mutates: true,
});

const createSphere = cadTool({
  name: "create_sphere",
  description: "Sphere centred at `position`.",
  input: z.strictObject({ name: newName, radius: positiveNum, position }),
  mutates: true,
});

const createCone = cadTool({
  name: "create_cone",
  family: "shapes",
  description:
    "Cone or frustum along +Z: bottom radius1 centred at `position`, top radius2 at `height`; one radius may be 0.",
  input: z.strictObject({
    name: newName,
    radius1: nonNegativeNum,
    radius2: nonNegativeNum,
    height: positiveNum,
    position,
    rotation: rotation.optional(),
  }),
  mutates: true,
});

const createTorus = cadTool({
  name: "create_torus",
  family: "shapes",
  description:
    "Torus in the XY plane centred at `position`: radius1 centre to tube centre line, radius2 tube radius (< radius1).",
  input: z.strictObject({
    name: newName,
    radius1: positiveNum,
    radius2: positiveNum,
    position,
    rotation: rotation.optional(),
  }),
  mutates: true,
});

const createPrism = cadTool({
  name: "create_prism",
  description:
    'Regular polygon prism along +Z, centred at `position`, one corner toward +X. Hexagon across flats s: circumradius "s/sqrt(3)".',
  input: z.strictObject({
    name: newName,
    sides: num.refine((v) => typeof v !== "number" || (Number.isInteger(v) && v >= 3 && v <= MAX_COUNT), {
      message: `must be a whole number from 3 to ${MAX_COUNT}`,
    }),
    circumradius: positiveNum,
    height: positiveNum,
    position,
    rotation: rotation.optional(),
  }),
  mutates: true,
});

export const primitivesTools: ToolDefinition[] = [
  createBox,
  createCylinder,
  createSphere,
  createCone,
  createTorus,
  createPrism,
];

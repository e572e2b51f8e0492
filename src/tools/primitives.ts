import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { MAX_COUNT, newName, num, position, rotation } from "./schemas.js";

/**
 * A length that must be positive: numbers are checked here, expressions by the worker once
 * evaluated (they depend on parameter values zod cannot see).
 */
export const positiveNum = z
  .union([z.number().positive(), z.string().min(1)])
  .describe('mm, > 0: a number or an expression over parameters, e.g. "width/2"');

/** Same, 0 allowed (a cone's tip radius). */
const nonNegativeNum = z
  .union([z.number().nonnegative(), z.string().min(1)])
  .describe("mm, >= 0: a number or an expression over parameters");

const RESULT =
  "Returns the new object's health: {name, type, volume (mm³), area, bbox {min, max}, valid, solids, faces, edges, warnings}. Dimensions and position components given as parameter expressions stay bound in the FreeCAD file.";

const createBox = cadTool({
  name: "create_box",
  description: `Create a solid box (Part::Box). x extent = length, y = width, z = height; its minimum corner is at \`position\` (not its centre: to centre a box on the origin use position [-length/2, -width/2, 0], e.g. ["-length/2", "-width/2", 0]). \`rotation\` turns it about that corner. ${RESULT}`,
  input: z.object({
    name: newName,
    length: positiveNum.describe("size along x, mm"),
    width: positiveNum.describe("size along y, mm"),
    height: positiveNum.describe("size along z, mm"),
    position,
    rotation: rotation.optional(),
  }),
  mutates: true,
});

const createCylinder = cadTool({
  name: "create_cylinder",
  description: `Create a solid cylinder (Part::Cylinder) along +Z: the centre of its bottom face is at \`position\`, it rises by \`height\`. For a hole tool, make it longer than the material it cuts (start below and end above) so the cut goes through cleanly. \`angle\` < 360 gives a pie-slice sector starting at +X. Use \`rotation\` to lay it along another axis (e.g. axis [0,1,0], angle 90 points it along +X). ${RESULT}`,
  input: z.object({
    name: newName,
    radius: positiveNum.describe("radius, mm (half the diameter)"),
    height: positiveNum.describe("length along its axis, mm"),
    position,
    rotation: rotation.optional(),
    angle: num.optional().describe("swept angle in degrees, (0, 360]; default 360"),
  }),
  mutates: true,
});

const createSphere = cadTool({
  name: "create_sphere",
  description: `Create a solid sphere (Part::Sphere) centred at \`position\`. ${RESULT}`,
  input: z.object({ name: newName, radius: positiveNum.describe("radius, mm"), position }),
  mutates: true,
});

const createCone = cadTool({
  name: "create_cone",
  description: `Create a solid cone or frustum (Part::Cone) along +Z: bottom radius \`radius1\` centred at \`position\`, top radius \`radius2\` at \`height\` above it. One radius may be 0 (a pointed cone), not both; e.g. a countersink tool or a tapered pin. ${RESULT}`,
  input: z.object({
    name: newName,
    radius1: nonNegativeNum.describe("bottom radius, mm"),
    radius2: nonNegativeNum.describe("top radius, mm"),
    height: positiveNum.describe("height along z, mm"),
    position,
    rotation: rotation.optional(),
  }),
  mutates: true,
});

const createTorus = cadTool({
  name: "create_torus",
  description: `Create a solid torus (Part::Torus, a ring) lying in the XY plane, centred at \`position\`. \`radius1\` is the distance from the centre to the tube's centre line, \`radius2\` the tube radius (must be smaller than radius1); outer diameter = 2·(radius1 + radius2). Good for O-rings and rounded handles. ${RESULT}`,
  input: z.object({
    name: newName,
    radius1: positiveNum.describe("major radius: centre to tube centre line, mm"),
    radius2: positiveNum.describe("minor radius: tube radius, mm (< radius1)"),
    position,
    rotation: rotation.optional(),
  }),
  mutates: true,
});

const createPrism = cadTool({
  name: "create_prism",
  description: `Create a regular polygonal prism (Part::Prism): a polygon with \`sides\` sides whose corners lie on a circle of \`circumradius\` centred at \`position\`, extruded along +Z by \`height\`; one corner points along +X. For a hexagon of width across flats s, circumradius = s / sqrt(3) (e.g. "s/sqrt(3)"). Good for nuts, hex bosses and hex sockets. ${RESULT}`,
  input: z.object({
    name: newName,
    sides: z
      .union([z.number().int().min(3).max(MAX_COUNT), z.string().min(1)])
      .describe(`number of polygon sides, 3 to ${MAX_COUNT}`),
    circumradius: positiveNum.describe("centre-to-corner radius, mm"),
    height: positiveNum.describe("extrusion length along z, mm"),
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

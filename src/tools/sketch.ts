import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { positiveNum } from "./primitives.js";
import { MAX_COUNT, MAX_POINTS, newName, num, objectName, planeName, vec2, vec3 } from "./schemas.js";

/**
 * Sketch-based tools (TOOLS.md "Sketch-based"): create_sketch, extrude, revolve, loft.
 * Implemented by the worker ops of the same names (ops_sketch.py, ops_sketch_solids.py).
 */

const RESULT =
  "Returns the new object's health: {name, type, volume (mm³), area, bbox {min, max}, valid, solids, faces, edges, warnings}.";

// Plain unions (JSON Schema anyOf) rather than discriminated ones (oneOf), which some
// providers' schema subsets reject.
const rectangle = z
  .object({
    type: z.literal("rectangle"),
    x: num.optional().describe("minimum corner x (or centre x when centered), default 0"),
    y: num.optional().describe("minimum corner y (or centre y when centered), default 0"),
    width: positiveNum.describe("size along the sketch x axis"),
    height: positiveNum.describe("size along the sketch y axis"),
    centered: z.boolean().optional().describe("x, y give the centre instead of the minimum corner"),
    corner_radius: num.optional().describe("rounds all four corners; < half the smaller side"),
  })
  .describe("axis-aligned rectangle");

const circle = z
  .object({ type: z.literal("circle"), cx: num.optional(), cy: num.optional(), radius: positiveNum })
  .describe("circle centred at (cx, cy)");

const polygon = z
  .object({
    type: z.literal("polygon"),
    points: z.array(vec2).min(3).max(MAX_POINTS).describe("vertices in order; closed automatically"),
  })
  .describe("straight-sided outline through the points");

const regularPolygon = z
  .object({
    type: z.literal("regular_polygon"),
    cx: num.optional(),
    cy: num.optional(),
    sides: num.describe("number of sides, >= 3 (evaluated once: not re-driven by parameters)"),
    circumradius: positiveNum.describe("centre-to-vertex distance; a vertex points along +x"),
  })
  .describe("regular polygon (hexagon for a nut: sides 6, circumradius = across-flats / √3)");

const slot = z
  .object({
    type: z.literal("slot"),
    x1: num,
    y1: num,
    x2: num,
    y2: num,
    radius: positiveNum.describe("half the slot width"),
  })
  .describe("obround slot: the two semicircle centres and the radius (width = 2·radius)");

const segment = z.union([
  z.object({ line_to: vec2 }).describe("straight line to this point"),
  z.object({ arc_to: vec2, through: vec2.describe("any point on the arc between its ends") }).describe("circular arc"),
]);

const path = z
  .object({
    type: z.literal("path"),
    start: vec2,
    segments: z
      .array(segment)
      .min(1)
      .max(MAX_POINTS)
      .describe("closed back to start by a straight line if it does not end there"),
  })
  .describe("outline made of lines and three-point arcs");

const profile = z.union([rectangle, circle, polygon, regularPolygon, slot, path]);

const createSketch = cadTool({
  name: "create_sketch",
  description: `Create a constrained sketch (Sketcher::SketchObject) of closed 2D profiles, to extrude, revolve or loft. Planes map sketch (x, y) to global axes: XY → (X, Y), XZ → (X, Z), YZ → (Y, Z); \`offset\` moves the plane along the remaining global axis (Z, Y or X). A profile lying inside another becomes a hole (a rectangle with a circle inside extrudes to a plate with a hole); profiles must not overlap or touch. Dimensions given as parameter expressions stay bound to the sketch constraints. Returns {name, bbox, profiles, wires, profile_area (the enclosed area, holes removed), warnings}. The sketch is hidden once a solid is built from it.`,
  input: z.object({
    name: newName,
    plane: planeName.describe("XY, XZ or YZ"),
    offset: num.optional().describe("plane position along its normal axis (Z for XY, Y for XZ, X for YZ), default 0"),
    profiles: z.array(profile).min(1).max(MAX_COUNT),
  }),
  mutates: true,
});

const extrude = cadTool({
  name: "extrude",
  description: `Extrude a sketch into a solid (Part::Extrusion) perpendicular to its plane: "normal" goes toward +Z for an XY sketch (+Y for XZ, +X for YZ), "reversed" the other way, "symmetric" half each way (total length = distance). \`taper\` drafts the side walls in degrees: positive narrows the profile toward the far end, negative widens it. The distance stays bound to its parameter expression. ${RESULT}`,
  input: z.object({
    name: newName,
    sketch: objectName.describe("sketch to extrude"),
    distance: positiveNum.describe("extrusion length, mm"),
    direction: z.enum(["normal", "reversed", "symmetric"]).optional().describe('default "normal"'),
    taper: num.optional().describe("draft angle in degrees, default 0"),
  }),
  mutates: true,
});

const revolve = cadTool({
  name: "revolve",
  description: `Revolve a sketch about an axis into a solid (Part::Revolution), e.g. a shaft, flange, bottle or ring. The axis is a global axis through the origin ("X", "Y", "Z") or {point, direction}. The profile must lie on one side of the axis (touching it is fine); sketch in a plane that contains the axis (e.g. XZ with axis "Z"). ${RESULT}`,
  input: z.object({
    name: newName,
    sketch: objectName.describe("sketch to revolve"),
    axis: z.union([
      z.enum(["X", "Y", "Z"]),
      z.object({ point: vec3.optional().describe("a point on the axis, default origin"), direction: vec3 }),
    ]),
    angle: num.optional().describe("degrees swept, (0, 360], default 360"),
  }),
  mutates: true,
});

const loft = cadTool({
  name: "loft",
  description: `Loft a solid through two or more sketches (Part::Loft), in order, e.g. a square base blending into a circular top. Each sketch must hold exactly one closed profile; place them on parallel planes with different offsets. \`ruled\` joins sections with straight (ruled) faces instead of a smooth blend. ${RESULT}`,
  input: z.object({
    name: newName,
    sketches: z.array(objectName).min(2).describe("section sketches, in order"),
    ruled: z.boolean().optional().describe("straight faces between sections, default false"),
  }),
  mutates: true,
});

/** Sketches and the solids built from them. */
export const sketchTools: ToolDefinition[] = [createSketch, extrude, revolve, loft] as ToolDefinition[];

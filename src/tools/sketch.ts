import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import {
  MAX_COUNT,
  MAX_POINTS,
  upTo,
  newName,
  num,
  objectName,
  planeName,
  positiveNum,
  vec2,
  vec3,
} from "./schemas.js";

/**
 * Sketch-based tools (TOOLS.md "Sketch-based"): create_sketch, extrude, revolve, loft.
 * Implemented by the worker ops of the same names (ops_sketch.py, ops_sketch_solids.py).
 */

// Plain unions (JSON Schema anyOf) rather than discriminated ones (oneOf), which some
// providers' schema subsets reject. Descriptions only where models go wrong.
const rectangle = z.strictObject({
  type: z.literal("rectangle"),
  x: num.optional(),
  y: num.optional(),
  width: positiveNum,
  height: positiveNum,
  centered: z.boolean().optional().describe("x, y is the centre, not the minimum corner"),
  corner_radius: num.optional(),
});

const circle = z.strictObject({
  type: z.literal("circle"),
  cx: num.optional(),
  cy: num.optional(),
  radius: positiveNum,
});

const polygon = z.strictObject({
  type: z.literal("polygon"),
  points: upTo(vec2, 3, MAX_POINTS),
  corner_radius: num.optional(),
});

const regularPolygon = z.strictObject({
  type: z.literal("regular_polygon"),
  cx: num.optional(),
  cy: num.optional(),
  sides: num,
  circumradius: positiveNum,
});

const slot = z.strictObject({
  type: z.literal("slot"),
  x1: num,
  y1: num,
  x2: num,
  y2: num,
  radius: positiveNum.describe("half the width"),
});

const segment = z.union([z.strictObject({ line_to: vec2 }), z.strictObject({ arc_to: vec2, through: vec2 })]);

const path = z.strictObject({
  type: z.literal("path"),
  start: vec2,
  segments: upTo(segment, 1, MAX_POINTS),
  corner_radius: num.optional(),
});

// Ellipse and spline sizes are evaluated once (FreeCAD cannot bind them to parameters).
const ellipse = z.strictObject({
  type: z.literal("ellipse"),
  cx: num.optional(),
  cy: num.optional(),
  rx: positiveNum,
  ry: positiveNum,
  angle: num.optional(),
});
const spline = z.strictObject({
  type: z.literal("spline"),
  points: upTo(vec2, 3, MAX_POINTS),
});
const openPath = z
  .strictObject({ type: z.literal("open_path"), start: vec2, segments: upTo(segment, 1, MAX_POINTS) })
  .describe("a sweep path only, alone in its sketch");
const profile = z.union([rectangle, circle, polygon, regularPolygon, slot, path, ellipse, spline, openPath]);

const createSketch = cadTool({
  name: "create_sketch",
  description:
    "Constrained sketch of closed profiles to extrude, revolve or loft. Sketch (x, y) is global XY→(X,Y), XZ→(X,Z), YZ→(Y,Z); `offset` moves the plane along the remaining axis. A profile inside another is a hole; profiles must not touch. path segments close back to start. Returns profile_area.",
  input: z.strictObject({
    name: newName,
    plane: planeName,
    offset: num.optional(),
    profiles: upTo(profile, 1, MAX_COUNT),
  }),
  mutates: true,
});

const extrude = cadTool({
  name: "extrude",
  description:
    'Extrude a sketch along its plane normal: direction "normal" (+Z for XY, +Y for XZ, +X for YZ), "reversed", or "symmetric" (half each way). taper in degrees, positive narrows.',
  input: z.strictObject({
    name: newName,
    sketch: objectName,
    distance: positiveNum,
    direction: z.enum(["normal", "reversed", "symmetric"]).optional(),
    taper: num.optional(),
  }),
  mutates: true,
});

const revolve = cadTool({
  name: "revolve",
  description:
    'Revolve a sketch about "X"|"Y"|"Z" through the origin or {point, direction}; the profile lies on one side of the axis, in a plane containing it (e.g. XZ about "Z").',
  input: z.strictObject({
    name: newName,
    sketch: objectName,
    axis: z.union([z.enum(["X", "Y", "Z"]), z.strictObject({ point: vec3.optional(), direction: vec3 })]),
    angle: num.optional(),
  }),
  mutates: true,
});

const loft = cadTool({
  name: "loft",
  family: "shapes",
  description:
    "Loft through two or more sketches in order, each one closed profile on parallel planes. ruled: straight faces.",
  input: z.strictObject({ name: newName, sketches: z.array(objectName).min(2), ruled: z.boolean().optional() }),
  mutates: true,
});

/** Sketches and the solids built from them. */
export const sketchTools: ToolDefinition[] = [createSketch, extrude, revolve, loft] as ToolDefinition[];

import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { num, objectName, selector } from "./schemas.js";

/** Stored in the FCStd and the record; kept short because it is the caller's own text. */
const MAX_DESCRIPTION = 200;

/** Parameters and inspection: set_parameter, list_objects, get_object, list_topology, delete_object. */

const setParameter = cadTool({
  name: "set_parameter",
  description:
    'Declare or change a named design parameter (stored in the `Params` spreadsheet of the FreeCAD file). Any numeric argument of later tools can then be an expression over it, e.g. length: "width", radius: "bolt_d/2 + 0.2"; the FreeCAD property stays bound to the expression, so changing the parameter later (or `cadagent build --set width=50`) re-drives every dependent feature. Declare the brief\'s key dimensions first. `value` is a number or an expression over parameters declared earlier (evaluated now). Returns the value and all parameters, plus warnings naming objects that failed to recompute after a change.',
  input: z.object({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, "parameter names match [A-Za-z][A-Za-z0-9_]*")
      .refine((n) => n !== "Params", "'Params' is the parameter spreadsheet's own name")
      .describe("parameter name, e.g. width, wall, hole_d (not pi, e, sin, cos…)"),
    value: num.describe("number (mm or degrees), or an expression over earlier parameters"),
    unit: z
      .enum(["mm", "deg", ""])
      .optional()
      .describe('"mm" (default) for lengths, "deg" for angles, "" for counts and ratios'),
    description: z
      .string()
      .max(MAX_DESCRIPTION)
      .optional()
      .describe('what the parameter means, e.g. "plate thickness"'),
  }),
  mutates: true,
});

const listObjects = cadTool({
  name: "list_objects",
  description:
    "List every object in the design: name, FreeCAD type, visible, part (a visible solid that belongs to the deliverable), volume (mm³), bbox {min, max} and solids, plus which objects use it (`used_by`: inputs consumed by a boolean, pattern or mirror are hidden and stop being parts). Also returns the part names and the declared parameters. Use it to recover names or check what is left.",
  input: z.object({}),
  mutates: false,
});

const getObject = cadTool({
  name: "get_object",
  description:
    'Inspect one object: its FreeCAD properties (dimensions in mm, angles in degrees, Placement as {position, rotation}), `expressions` (property → parameter expression it is bound to, e.g. {"Length": "width"}), what it depends on and what uses it, and its geometry health (volume, area, bbox, valid, solids, faces, edges).',
  input: z.object({ name: objectName.describe("object to inspect") }),
  mutates: false,
});

const listTopology = cadTool({
  name: "list_topology",
  description:
    "List the faces or edges of an object, optionally filtered by a selector, to choose targets for fillet/chamfer/shell/hole or check a selector before using it. Each entry: name (Face3, Edge7 — usable as an explicit selector), type (PLANE, CYLINDER, LINE, CIRCLE…), center [x,y,z], for planar faces the outward normal, for cylinders axis and radius, for straight edges the direction, for circles circle_center/radius/axis, and area (mm²) or length (mm). Names can change after a later feature rebuilds the shape: list again rather than reuse old names. A selector that matches nothing is an error saying what exists.",
  input: z.object({
    object: objectName.describe("object whose faces/edges to list"),
    kind: z.enum(["faces", "edges"]),
    selector: selector.optional().describe('optional filter, e.g. ">Z", "|Z and %LINE", "%CIRCLE"; omit to list all'),
  }),
  mutates: false,
});

const deleteObject = cadTool({
  name: "delete_object",
  description:
    "Delete an object. Refused while another object uses it (delete that one first). Inputs the deleted object had consumed (e.g. the base and tools of a boolean) become visible parts again; returns {deleted, restored, parts}. Use it to undo a wrong step instead of stacking corrections on top.",
  input: z.object({ name: objectName.describe("object to delete") }),
  mutates: true,
});

export const parametersTools: ToolDefinition[] = [setParameter, listObjects, getObject, listTopology, deleteObject];

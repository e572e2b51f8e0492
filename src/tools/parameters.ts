import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { num, objectName, selector } from "./schemas.js";

/** Stored in the FCStd and the record; kept short because it is the caller's own text. */
const MAX_DESCRIPTION = 200;

/** Parameters and inspection: set_parameter, list_objects, get_object, list_topology, delete_object. */

const setParameter = cadTool({
  name: "set_parameter",
  description:
    'Declare or change a named parameter (the Params spreadsheet). Later numeric arguments can be expressions over it, e.g. "bolt_d/2 + 0.2", and stay bound: changing it (or `cadagent build --set`) re-drives every dependent feature. value may use earlier parameters. unit: "mm" (default), "deg", or "" for counts.',
  input: z.strictObject({
    name: objectName
      .refine((n) => n !== "Params", "'Params' is the parameter spreadsheet's own name")
      .describe("not pi, e, sin, cos…"),
    value: num,
    unit: z.enum(["mm", "deg", ""]).optional(),
    description: z.string().max(MAX_DESCRIPTION).optional(),
  }),
  mutates: true,
});

const listObjects = cadTool({
  name: "list_objects",
  description:
    "List every object: name, type, visible, part, volume, bbox, solids, used_by (consumed inputs are hidden and not parts), plus part names and parameters.",
  input: z.strictObject({}),
  mutates: false,
});

const getObject = cadTool({
  name: "get_object",
  description:
    "Inspect one object: its FreeCAD properties, the parameter expressions bound to them, dependencies and geometry health.",
  input: z.strictObject({ name: objectName }),
  mutates: false,
});

const listTopology = cadTool({
  name: "list_topology",
  description: `List an object's faces or edges, optionally filtered by a selector (grammar as in fillet), to choose or check targets: name ("Face6", "Edge3"), type, center, normal or axis, radius, area or length. Names change when a later feature rebuilds the shape. E.g. faces "+Z", faces "%CYLINDER[d=6.6]", edges ">Z[1] and %CIRCLE".`,
  input: z.strictObject({ object: objectName, kind: z.enum(["faces", "edges"]), selector: selector.optional() }),
  mutates: false,
});

const deleteObject = cadTool({
  name: "delete_object",
  description:
    "Delete an object (refused while another uses it); inputs it consumed become parts again. Undo a wrong step rather than stacking corrections.",
  input: z.strictObject({ name: objectName }),
  mutates: true,
});

export const parametersTools: ToolDefinition[] = [setParameter, listObjects, getObject, listTopology, deleteObject];

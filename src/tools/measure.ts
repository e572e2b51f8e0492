import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { objectName, vec3 } from "./schemas.js";

const measure = cadTool({
  name: "measure",
  description:
    "Measure one object, or every part: volume, area, bbox, size, center_of_mass, valid, solids, faces, edges, warnings; with `material` or `density` (g/cm³) also mass_g.",
  input: z.strictObject({
    object: objectName.optional(),
    material: z
      .enum(["steel", "stainless", "aluminium", "brass", "titanium", "pla", "petg", "abs", "nylon"])
      .optional(),
    density: z.number().positive().optional(),
  }),
  mutates: false,
});

const reference = z.union([z.string().min(1), vec3]);

const measureDistance = cadTool({
  name: "measure_distance",
  family: "shapes",
  description:
    'Minimum distance between a and b ("plate", "plate.Face3", "plate.Edge2" or [x, y, z]) and the closest points; 0: touching or overlapping (see overlap_volume).',
  input: z.strictObject({ a: reference, b: reference }),
  mutates: false,
});

const checkDesign = cadTool({
  name: "check_design",
  description:
    "Check every part before finishing: validity, failed recomputes, parts of several separate solids, interferences. Returns {ok, parts, interferences, warnings}.",
  input: z.strictObject({}),
  mutates: false,
});

export const measureTools: ToolDefinition[] = [measure, measureDistance, checkDesign];

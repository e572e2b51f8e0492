import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { objectName, vec3 } from "./schemas.js";

const measure = cadTool({
  name: "measure",
  description:
    'Measure one object, or every part when `object` is omitted: volume (mm³), area (mm²), bbox {min, max}, size [dx, dy, dz], center_of_mass, valid (with FreeCAD\'s check() text when not), solids, faces, edges, visible, warnings; with `material` or `density` also mass_g (a printed part in PLA: material "pla"). Use it to verify dimensions against the brief before finishing (e.g. a 100×60×5 plate with four Ø6 through holes has volume 30000 − 4·π·3²·5 ≈ 29434.5).',
  input: z.object({
    object: objectName.optional().describe("object to measure; omit for every part"),
    material: z
      .enum(["steel", "stainless", "aluminium", "brass", "titanium", "pla", "petg", "abs", "nylon"])
      .optional()
      .describe("adds mass_g (g)"),
    density: z.number().positive().optional().describe("g/cm³, instead of material; adds mass_g"),
  }),
  mutates: false,
});

const reference = z
  .union([z.string().min(1), vec3])
  .describe(
    'an object name, a sub-element "name.Face3" / "name.Edge2" / "name.Vertex1" (see list_topology), or a point [x, y, z]',
  );

const measureDistance = cadTool({
  name: "measure_distance",
  description:
    "Minimum distance in mm between two objects, faces, edges or points, with the closest points {point_a, point_b}. 0 means they touch or overlap; for two solids at distance 0, overlap_volume (mm³) tells which. Use it to check wall thickness, clearances, or that a hole tool sits where intended.",
  input: z.object({ a: reference, b: reference }),
  mutates: false,
});

const checkDesign = cadTool({
  name: "check_design",
  description:
    "Check the whole design before finishing: validity of every visible part (with FreeCAD's check() text), objects that failed to recompute, parts with several separate solids, and interferences between parts (pairs that overlap, with the common volume in mm³ and its bbox). Returns {ok, parts, interferences, warnings}; ok is true only when every part is a valid solid and nothing overlaps or failed. Fix what it reports (e.g. fuse overlapping parts that are meant to be one) and call it again.",
  input: z.object({}),
  mutates: false,
});

export const measureTools: ToolDefinition[] = [measure, measureDistance, checkDesign];

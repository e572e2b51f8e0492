import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { positiveNum } from "./primitives.js";
import { newName, num, position, rotation } from "./schemas.js";

/** create_gear: an involute spur gear (worker op in ops_gear.py). */
const createGear = cadTool({
  name: "create_gear",
  family: "gears",
  description:
    "Create an involute spur gear lying on the XY plane, centred at `position`, extruded along +Z by `thickness`. Flanks are exact involutes (curves). Outside Ø = (teeth+2)·module, pitch Ø = teeth·module, root Ø = (teeth−2.5)·module; two gears mesh at centre distance (z1+z2)·module/2 with equal module. At least 6 teeth. `module` and `teeth` may be parameters. Returns the solid's health and gear {pitch_diameter, outside_diameter, root_diameter, base_diameter}.",
  input: z.strictObject({
    name: newName,
    module: positiveNum.describe("module, mm (tooth size: pitch Ø / teeth)"),
    teeth: num.refine((v) => typeof v !== "number" || (Number.isInteger(v) && v >= 6), {
      message: "must be a whole number >= 6",
    }),
    thickness: positiveNum.describe("face width along z, mm"),
    pressure_angle: num.optional().describe("degrees, default 20"),
    bore: positiveNum.optional().describe("centre hole diameter, mm"),
    position,
    rotation: rotation.optional(),
  }),
  mutates: true,
});

export const gearTools: ToolDefinition[] = [createGear];

import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { positiveNum } from "./primitives.js";
import { newName, objectName, selector, vec3 } from "./schemas.js";

/** engrave_text: lettering on a planar face (worker op in ops_text.py). */
const engraveText = cadTool({
  name: "engrave_text",
  family: "text",
  description:
    'Engrave (cut in) or emboss (raise) text on one planar face of a solid, in the DejaVu fonts. `position` is the centre of the lettering, on the face; `size` the font size in mm (capital height ≈ 0.73·size); text reads along +X on top faces and horizontally, upright, on side faces. Text that does not fit the face is an error: shrink it or shorten it. E.g. a name plate: create_box, then engrave_text {face:">Z", text:"ACME", size:8, depth:0.6, position:[centre x, centre y, top z]}. Returns the solid\'s health and text_size [w, h].',
  input: z.strictObject({
    name: newName,
    object: objectName.describe("solid to letter"),
    face: selector.describe('one planar face, e.g. ">Z"'),
    text: z.string().min(1),
    size: positiveNum.describe("font size, mm"),
    depth: positiveNum.describe("engraving depth or emboss height, mm"),
    position: vec3.describe("centre of the text, on the face"),
    font: z.enum(["sans", "serif", "mono"]).optional().describe("default sans"),
    mode: z.enum(["engrave", "emboss"]),
  }),
  mutates: true,
});

export const textTools: ToolDefinition[] = [engraveText];

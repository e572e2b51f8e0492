import { z } from "zod";
import { VIEW_NAMES } from "../cad/render/camera.js";
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, renderView } from "../cad/render/render-parts.js";
import { defineTool, type ToolDefinition } from "./define.js";
import { objectName } from "./schemas.js";

const renderViewTool = defineTool({
  name: "render_view",
  description:
    "Render a shaded picture of the design and look at it: returns a PNG image plus {view, width, height, objects, bbox}. Orthographic, auto-fitted; each part has its own colour (a legend names them when there are several), feature edges and outlines are dark lines, through holes show the white background. The corner labels give the view direction, the overall size in mm, an axis triad (X red, Y green, Z blue) and a scale bar. Use it after major steps to check that the shape matches the brief: holes where intended, features on the right face, nothing missing or floating. Views: iso (from +X −Y +Z, default), front (from −Y), back, top (from +Z), bottom, left, right (from +X). Renders every visible part unless `objects` names some (hidden inputs of a boolean can be named too).",
  input: z.object({
    view: z.enum(VIEW_NAMES).optional().describe("view direction, default iso"),
    objects: z.array(objectName).min(1).optional().describe("objects to render; omit for every visible part"),
    width: z.number().int().min(64).max(2048).optional().describe(`image width in pixels, default ${DEFAULT_WIDTH}`),
    height: z.number().int().min(64).max(2048).optional().describe(`image height in pixels, default ${DEFAULT_HEIGHT}`),
  }),
  mutates: false,
  async execute(input, ctx) {
    const r = await renderView(
      ctx.cad,
      {
        ...(input.view ? { view: input.view } : {}),
        ...(input.objects ? { objects: input.objects } : {}),
        ...(input.width ? { width: input.width } : {}),
        ...(input.height ? { height: input.height } : {}),
      },
      { ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}) },
    );
    return {
      result: { view: r.view, width: r.width, height: r.height, objects: r.objects, bbox: r.bbox },
      images: [{ type: "image", mediaType: "image/png", data: r.png.toString("base64") }],
    };
  },
});

export const renderTools: ToolDefinition[] = [renderViewTool];

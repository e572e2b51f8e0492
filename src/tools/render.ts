import { z } from "zod";
import { VIEW_NAMES } from "../cad/render/camera.js";
import { renderView } from "../cad/render/render-parts.js";
import { defineTool, type ToolDefinition } from "./define.js";
import { objectName } from "./schemas.js";

const renderViewTool = defineTool({
  name: "render_view",
  description:
    "Look at a shaded picture of the visible parts (or `objects`): holes show white, size and axes in the corners. Check holes, faces and nothing missing or floating. front looks from -Y; default iso.",
  input: z.strictObject({
    view: z.enum(VIEW_NAMES).optional(),
    objects: z.array(objectName).min(1).optional(),
    width: z.number().int().min(64).max(2048).optional(),
    height: z.number().int().min(64).max(2048).optional(),
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

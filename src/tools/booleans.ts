import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { newName, objectName } from "./schemas.js";

const boolean = cadTool({
  name: "boolean",
  description:
    '"cut" subtracts the tools from base, "union" fuses, "intersect" keeps the common volume; inputs are consumed. Warnings (nothing removed, tool misses base, separate solids) mean wrong geometry.',
  input: z.strictObject({
    name: newName,
    op: z.enum(["union", "cut", "intersect"]),
    base: objectName,
    tools: z.array(objectName).min(1),
  }),
  mutates: true,
});

export const booleansTools: ToolDefinition[] = [boolean];

import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";

const runPython = cadTool({
  name: "run_python",
  description:
    "Escape hatch when no typed tool can do the job: run Python in the FreeCAD worker with `doc`, `FreeCAD`/`App`, `Part` and `params` (dict of parameter values). Returns what it prints, plus created objects' health; on an exception the objects it added are removed. Give new objects a unique Name and a solid Shape; prefer parametric features.",
  input: z.strictObject({ code: z.string().min(1) }),
  mutates: true,
  enabled: (o) => !!o.allowPython,
});

export const pythonTools: ToolDefinition[] = [runPython];

import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";

const runPython = cadTool({
  name: "run_python",
  description:
    'Escape hatch: run Python code inside the FreeCAD worker when no other tool can do the job. Available names: `doc` (the FreeCAD document), `FreeCAD`/`App`, `Part`, `params` (a dict of the declared parameters and their values); import other FreeCAD modules as needed. The result is what the code prints ({output, created (health of objects it added), warnings}); an exception comes back as an error with the traceback, and objects the failed code added are removed. Objects you create should get a unique valid Name and a solid Shape to count as parts; prefer parametric features (doc.addObject("Part::…")) over Part::Feature with a fixed shape, and prefer the typed tools whenever they suffice: their results are checked and recorded more precisely.',
  input: z.object({ code: z.string().min(1).describe("Python 3 source; use print() to report results") }),
  mutates: true,
  enabled: (o) => !!o.allowPython,
});

export const pythonTools: ToolDefinition[] = [runPython];

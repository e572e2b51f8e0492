import type { CatalogOptions } from "./context.js";
import type { ToolDefinition } from "./define.js";
import { booleansTools } from "./booleans.js";
import { drawingTools } from "./drawing.js";
import { exportTools } from "./export.js";
import { featuresTools } from "./features.js";
import { importTools } from "./import.js";
import { finishTool } from "./finish.js";
import { gearTools } from "./gear.js";
import { helixSweepTools } from "./helix-sweep.js";
import { measureTools } from "./measure.js";
import { offsetScaleTools } from "./offset-scale.js";
import { parametersTools } from "./parameters.js";
import { patternsTools } from "./patterns.js";
import { primitivesTools } from "./primitives.js";
import { pythonTools } from "./python.js";
import { renderTools } from "./render.js";
import { requirementsTools } from "./requirements.js";
import { ToolRegistry } from "./registry.js";
import { sketchTools } from "./sketch.js";
import { textTools } from "./text.js";
import { threadTools } from "./thread.js";
import { transformsTools } from "./transforms.js";

/** Every tool, in the order the model sees them (TOOLS.md order). */
export const allTools: readonly ToolDefinition[] = [
  ...parametersTools,
  ...requirementsTools,
  ...primitivesTools,
  ...importTools,
  ...sketchTools,
  ...featuresTools,
  ...booleansTools,
  ...transformsTools,
  ...patternsTools,
  ...helixSweepTools,
  ...gearTools,
  ...threadTools,
  ...textTools,
  ...offsetScaleTools,
  ...measureTools,
  ...renderTools,
  ...exportTools,
  ...drawingTools,
  finishTool,
  ...pythonTools,
] as readonly ToolDefinition[];

/** The registry for one run (run_python only with allowPython). */
export function createRegistry(opts: CatalogOptions = {}): ToolRegistry {
  return new ToolRegistry(allTools, opts);
}

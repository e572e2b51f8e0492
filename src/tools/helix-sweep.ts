import { z } from "zod";
import { cadTool, type ToolDefinition } from "./define.js";
import { positiveNum } from "./primitives.js";
import { newName, objectName, position, rotation } from "./schemas.js";

/** create_helix and sweep (worker ops in ops_sweep.py): springs, coils, pipes, handles. */

const createHelix = cadTool({
  name: "create_helix",
  family: "sweep",
  description:
    "Create a helical curve (Part::Helix, not a part) around +Z from `position`, starting at [radius, 0, 0] and rising `pitch` per turn to `height`: the path for a sweep. A spring: create_helix, then create_sketch on XZ with a circle at (radius, 0) of the wire radius, then sweep. Returns {name, bbox, length, turns}.",
  input: z.strictObject({
    name: newName,
    radius: positiveNum.describe("radius to the wire's centre line, mm"),
    pitch: positiveNum.describe("rise per turn, mm"),
    height: positiveNum.describe("total height, mm"),
    position,
    rotation: rotation.optional(),
    left_handed: z.boolean().optional(),
  }),
  mutates: true,
});

const sweep = cadTool({
  name: "sweep",
  family: "sweep",
  description:
    "Sweep a closed sketch profile along a path into a solid (Part::Sweep): springs along a helix, pipes, elbows and handles along a sketch with an open_path profile. Put the profile at the path's start, across it (for a helix from create_helix: an XZ sketch centred at (radius, 0)). `frenet` keeps the profile's orientation along a helix (default on for helices). The profile and the path are hidden (consumed). Returns the solid's health.",
  input: z.strictObject({
    name: newName,
    profile: objectName.describe("sketch of the closed cross-section"),
    path: objectName.describe("helix from create_helix, or a sketch with an open_path"),
    frenet: z.boolean().optional(),
  }),
  mutates: true,
});

export const helixSweepTools: ToolDefinition[] = [createHelix, sweep];

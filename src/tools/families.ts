/**
 * Tool families offered on demand (see ToolDefinition.family). Every request carries the core
 * catalog; a family's tools join the following requests once the model calls
 * `more_tools {family}`. The one-line summaries are what the model reads in more_tools'
 * description to decide which family to ask for, so keep them short and concrete.
 */
export const CORE_FAMILY = "core";

/** Family name → one-line summary. A family listed here but with no tools is not offered. */
export const familySummaries: Readonly<Record<string, string>> = {
  sweep: "helix and sweep along a path: springs, coils, pipe elbows, handles",
  threads: "modelled ISO metric threads on rods and in bores",
  gears: "involute spur gears",
  text: "engraved or embossed text on a face",
  shapes: "cone, torus, loft, offset, scale, import of a STEP/STL the user gave, distance between objects",
  output: "drawing sheets (SVG/PDF/DXF), export to IGES, BREP, OBJ, DXF/SVG outlines",
};

/**
 * The names of the export formats, and parsing of `--formats` lists. The export tool
 * (tools/export.ts) owns what each format means; the names live here because the config layer,
 * which sits below tools, validates `formats` in cadagent.config.json with them.
 */
export const EXPORT_FORMATS = ["step", "stl", "iges", "brep", "obj", "fcstd", "dxf", "svg", "3mf"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What `--formats` defaults to. */
export const DEFAULT_FORMATS: readonly ExportFormat[] = ["step", "stl", "fcstd"];

/** The formats written from the shared tessellation (worker tessellation.py) rather than the B-rep. */
export const MESH_FORMATS: ReadonlySet<ExportFormat> = new Set(["stl", "obj", "3mf"]);

export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}

/**
 * Parse a comma-separated format list ("step,stl"), case-insensitive, deduplicated.
 * Throws an Error naming the unknown entry and the known formats.
 */
export function parseFormats(list: string): ExportFormat[] {
  const out: ExportFormat[] = [];
  for (const raw of list.split(",")) {
    const f = raw.trim().toLowerCase();
    if (!f) continue;
    if (!isExportFormat(f)) throw new Error(`unknown format '${raw.trim()}' (known: ${EXPORT_FORMATS.join(", ")})`);
    if (!out.includes(f)) out.push(f);
  }
  if (!out.length) throw new Error(`no formats given (known: ${EXPORT_FORMATS.join(", ")})`);
  return out;
}

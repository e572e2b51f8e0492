import path from "node:path";
import type { CadClient, CallOptions } from "../cad/client.js";
import type { ViewName } from "../cad/render/camera.js";
import { renderPreview } from "../cad/render/off-thread.js";
import { renderSheet } from "../cad/render/sheet.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { ToolContext } from "../tools/context.js";
import type { ToolRegistry } from "../tools/registry.js";

/** Asked for a preview of the final parts; answers report.json `files` entries (kind → name inside outDir). */
export interface PreviewRequest {
  registry: ToolRegistry;
  ctx: ToolContext;
  parts: readonly string[];
  outDir: string;
}
/**
 * Preview hook (preview.png per CLI.md). Runs and builds default to `defaultPreviewHook`;
 * `null` turns previews off.
 */
export type PreviewHook = (req: PreviewRequest) => Promise<Record<string, string>>;

export const PREVIEW_FILE_NAME = "preview.png";

export interface PreviewOptions extends CallOptions {
  /** A 2×2 sheet (top, iso, front, right) instead of one view. Default false. */
  sheet?: boolean;
  /** The single view's direction (ignored for a sheet). Default iso. */
  view?: ViewName;
  /** Image size in pixels; defaults are 800×600 for one view, 1200×900 for a sheet. */
  width?: number;
  height?: number;
  /** File name inside `outDir`. Default preview.png. */
  fileName?: string;
}

/**
 * Render the final parts and write the picture into the output folder atomically (a reader sees
 * the old preview or the new one, never half a file). Returns its path relative to `outDir`,
 * as report.json lists outputs. `parts` empty means every visible part.
 */
export async function writePreview(
  cad: CadClient,
  outDir: string,
  parts: readonly string[],
  opts: PreviewOptions = {},
): Promise<string> {
  const call: CallOptions = {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  };
  const objects = parts.length ? [...parts] : undefined;
  const size = { ...(opts.width ? { width: opts.width } : {}), ...(opts.height ? { height: opts.height } : {}) };
  const png = opts.sheet
    ? await renderSheet(cad, { ...(objects ? { objects } : {}), ...size }, call)
    : await renderPreview(
        cad,
        { ...(objects ? { objects } : {}), ...(opts.view ? { view: opts.view } : {}), ...size },
        call,
      );
  const rel = opts.fileName ?? PREVIEW_FILE_NAME;
  await writeFileAtomic(path.join(outDir, rel), png);
  return rel;
}

export const VIEWS_FILE_NAME = "views.png";

/**
 * The preview of a run or build: an iso view of the final parts as preview.png, and with
 * `views` also views.png, a sheet of the standard views (top, front, right) beside the iso.
 */
export function previewHook(opts: { views?: boolean } = {}): PreviewHook {
  return async (req) => {
    const call = { ...(req.ctx.signal ? { signal: req.ctx.signal } : {}), timeoutMs: 60_000 };
    const files: Record<string, string> = { preview: await writePreview(req.ctx.cad, req.outDir, req.parts, call) };
    if (opts.views)
      files.views = await writePreview(req.ctx.cad, req.outDir, req.parts, {
        ...call,
        sheet: true,
        fileName: VIEWS_FILE_NAME,
      });
    return files;
  };
}

export const defaultPreviewHook: PreviewHook = previewHook();

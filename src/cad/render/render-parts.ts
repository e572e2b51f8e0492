/**
 * Previews of the design: the worker tessellates, Node rasterizes and encodes the PNG. No X
 * server, no GUI FreeCAD, no native image library.
 */
import type { CadClient, CallOptions } from "../client.js";
import {
  cameraFor,
  fitScaleInside,
  viewBasis,
  viewExtent,
  type Insets,
  type ViewExtent,
  type ViewName,
} from "./camera.js";
import type { Rgb, RgbImage } from "./image.js";
import { parseTessellation, type Bbox, type Tessellation } from "./mesh.js";
import { annotationCorners, annotationInsets, compactInsets, drawOverlay, type Rect } from "./overlay.js";
import { encodePng } from "./png.js";
import { FrameBuffers, rasterize, resolve, type Frame, type SceneMesh } from "./rasterize.js";
import { cornerNormals } from "./shading.js";

/** Part colours in catalog order: mid-tones, so dark edges and the white background both read. */
export const PART_COLORS: readonly Rgb[] = [
  [140, 175, 225],
  [230, 160, 80],
  [120, 190, 120],
  [200, 120, 190],
  [90, 190, 190],
  [215, 105, 100],
  [185, 175, 95],
  [150, 135, 215],
];

export const DEFAULT_WIDTH = 800;
export const DEFAULT_HEIGHT = 600;
/** Above this many output pixels, 2× supersampling would need too much memory and time. */
const SUPERSAMPLE_MAX_PIXELS = 1600 * 1200;
/** Shared scratch: drawView is synchronous, so no two renders can interleave on it. */
const scratch = new FrameBuffers();

/** Prefault the scratch memory for a view of this size (see FrameBuffers.prefault). */
export function prefaultScratch(width = DEFAULT_WIDTH, height = DEFAULT_HEIGHT): void {
  const ss = supersampleFor(width, height);
  scratch.prefault(width * height * ss * ss);
}

function supersampleFor(width: number, height: number): number {
  return width * height <= SUPERSAMPLE_MAX_PIXELS ? 2 : 1;
}

export interface RenderRequest {
  view?: ViewName;
  /** Object names; every visible part when omitted. */
  objects?: string[];
  width?: number;
  height?: number;
  /** Tessellation chordal tolerance (mm); relative to the part size when omitted. */
  tolerance?: number;
}

/** Meshes ready to draw from any view: normals computed once, colours assigned. */
export interface Scene {
  tessellation: Tessellation;
  meshes: SceneMesh[];
  legend: { name: string; color: Rgb }[];
  /** Every vertex and edge point list, for framing. */
  points: Float32Array[];
}

export interface RenderedView {
  png: Buffer;
  view: ViewName;
  width: number;
  height: number;
  objects: string[];
  bbox: Bbox;
  /** Where the time went (ms): worker tessellation (incl. transfer), drawing, PNG encoding. */
  timing: { tessellate: number; draw: number; encode: number };
}

/** Run the worker's tessellate op and check the reply. */
export async function tessellate(
  cad: CadClient,
  objects?: string[],
  tolerance?: number,
  call: CallOptions = {},
): Promise<Tessellation> {
  const args: Record<string, unknown> = {};
  if (objects?.length) args.objects = objects;
  if (tolerance !== undefined) args.tolerance = tolerance;
  return parseTessellation(await cad.call("tessellate", args, call));
}

/** Prepare a tessellation for drawing (once, however many views are drawn from it). */
export function sceneOf(tessellation: Tessellation): Scene {
  const meshes = tessellation.parts.map((p, k): SceneMesh => ({
    positions: p.positions,
    triangles: p.triangles,
    faces: p.faces,
    normals: cornerNormals(p.positions, p.triangles, p.faces),
    edges: p.edges,
    closed: p.closed,
    color: PART_COLORS[k % PART_COLORS.length]!,
  }));
  return {
    tessellation,
    meshes,
    legend: tessellation.parts.map((p, k) => ({ name: p.name, color: meshes[k]!.color })),
    points: tessellation.parts.flatMap((p) => [p.positions, ...p.edges]),
  };
}

/** Room kept free around the part: for the annotations, or a plain margin without them. */
export function insetsFor(view: ViewName, width: number, height: number, annotate: boolean): Insets {
  if (annotate) return annotationInsets(width, height, viewBasis(view));
  const m = Math.max(4, Math.round(Math.min(width, height) * 0.05));
  return { top: m, bottom: m, left: m, right: m };
}

export interface DrawOptions {
  /** Pixels per mm; fitted to the image when omitted. */
  scale?: number;
  /** Draw the view name, size, legend, triad and scale bar (default true). */
  annotate?: boolean;
  /**
   * Let the part grow into the bottom corners when it leaves them empty (default true when
   * fitted). Views that must line up with each other (a sheet) turn it off.
   */
  compact?: boolean;
}

/** The view-plane extent of a scene (for fitting several views to one scale). */
export function sceneExtent(scene: Scene, view: ViewName): ViewExtent | undefined {
  return viewExtent(viewBasis(view), scene.points);
}

/** Draw one view of a scene into an RGB image (synchronous: pure CPU work). */
export function drawView(
  scene: Scene,
  view: ViewName,
  width: number,
  height: number,
  opts: DrawOptions = {},
): RgbImage {
  const annotate = opts.annotate ?? true;
  const extent = sceneExtent(scene, view);
  const basis = viewBasis(view);
  const supersample = supersampleFor(width, height);
  const frameWith = (insets: Insets): Frame => {
    const scale = opts.scale ?? fitScaleInside(extent, width, height, insets);
    return rasterize(scene.meshes, cameraFor(view, extent, width, height, scale, insets), {
      supersample,
      buffers: scratch,
    });
  };
  let frame: Frame;
  // Only faces are seen by the overlap check, so a faceless object (a sketch) gets the full band.
  const checkable = scene.meshes.every((m) => m.triangles.length > 0);
  if (annotate && checkable && (opts.compact ?? opts.scale === undefined)) {
    // Try the larger picture first; redraw with the full bottom band only when the part
    // would sit under the triad or the scale bar (~25 ms, rarely needed).
    frame = frameWith(compactInsets(width, height, basis));
    if (covers(frame, annotationCorners(width, height, basis))) frame = frameWith(insetsFor(view, width, height, true));
  } else {
    frame = frameWith(insetsFor(view, width, height, annotate));
  }
  if (annotate)
    drawOverlay(frame.image, frame.camera, frame.supersample, { bbox: scene.tessellation.bbox, legend: scene.legend });
  return resolve(frame);
}

/** Whether any part pixel of the frame falls inside the rectangles (given in output pixels). */
function covers(frame: Frame, rects: readonly Rect[]): boolean {
  const ss = frame.supersample;
  const W = frame.image.width;
  for (const r of rects) {
    for (let y = Math.max(0, r.y0 * ss); y < Math.min(frame.image.height, r.y1 * ss); y++) {
      for (let x = Math.max(0, r.x0 * ss); x < Math.min(W, r.x1 * ss); x++) if (frame.parts[y * W + x]) return true;
    }
  }
  return false;
}

function checkSize(width: number, height: number): void {
  for (const [what, v] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!Number.isInteger(v) || v < 16 || v > 4096)
      throw new RangeError(`${what} must be a whole number of pixels in 16..4096, got ${v}`);
  }
}

/** Render one view of the design to PNG, with what the tool reports about it. */
export async function renderView(
  cad: CadClient,
  req: RenderRequest = {},
  call: CallOptions = {},
): Promise<RenderedView> {
  const view = req.view ?? "iso";
  const width = req.width ?? DEFAULT_WIDTH;
  const height = req.height ?? DEFAULT_HEIGHT;
  checkSize(width, height);
  const t0 = performance.now();
  const tess = await tessellate(cad, req.objects, req.tolerance, call);
  const t1 = performance.now();
  const image = drawView(sceneOf(tess), view, width, height);
  const t2 = performance.now();
  const png = encodePng({ ...image, channels: 3 });
  const t3 = performance.now();
  return {
    png,
    view,
    width,
    height,
    objects: tess.parts.map((p) => p.name),
    bbox: tess.bbox,
    timing: { tessellate: t1 - t0, draw: t2 - t1, encode: t3 - t2 },
  };
}

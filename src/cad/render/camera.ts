/** Orthographic cameras for the standard CAD views, and fitting one to a part. */

export const VIEW_NAMES = ["iso", "front", "back", "top", "bottom", "left", "right"] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

export type Vec3 = readonly [number, number, number];

/** An orthonormal view frame: screen right, screen up, and the direction towards the viewer. */
export interface ViewBasis {
  right: Vec3;
  up: Vec3;
  toward: Vec3;
}

/**
 * Direction towards the viewer and screen-right for each view, as in FreeCAD and the export
 * tool's DXF/SVG views: Z is up in every side view, and iso looks from (+X, −Y, +Z) so X runs
 * down-right and Y up-right, as FreeCAD's isometric view does.
 */
const VIEW_AXES: Record<ViewName, { toward: Vec3; right: Vec3 }> = {
  iso: { toward: [1, -1, 1], right: [1, 1, 0] },
  front: { toward: [0, -1, 0], right: [1, 0, 0] },
  back: { toward: [0, 1, 0], right: [-1, 0, 0] },
  top: { toward: [0, 0, 1], right: [1, 0, 0] },
  bottom: { toward: [0, 0, -1], right: [1, 0, 0] },
  right: { toward: [1, 0, 0], right: [0, 1, 0] },
  left: { toward: [-1, 0, 0], right: [0, -1, 0] },
};

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function viewBasis(view: ViewName): ViewBasis {
  const axes = VIEW_AXES[view];
  const toward = normalize(axes.toward);
  const right = normalize(axes.right);
  return { right, up: cross(toward, right), toward };
}

/**
 * An orthographic camera: a world point p lands at pixel
 * x = width/2 + (p·right − cx)·scale, y = height/2 − (p·up − cy)·scale, with depth p·toward
 * (larger is nearer the viewer).
 */
export interface Camera extends ViewBasis {
  view: ViewName;
  width: number;
  height: number;
  /** View-plane coordinates of the image centre. */
  cx: number;
  cy: number;
  /** Pixels per model unit (mm). */
  scale: number;
}

/** Extent of points along a basis, in view-plane coordinates. */
export interface ViewExtent {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** The view-plane extent of flat [x, y, z, …] point lists (e.g. mesh vertices). */
export function viewExtent(basis: ViewBasis, pointLists: readonly ArrayLike<number>[]): ViewExtent | undefined {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  const [rx, ry, rz] = basis.right;
  const [ux, uy, uz] = basis.up;
  for (const pts of pointLists) {
    for (let i = 0; i + 2 < pts.length; i += 3) {
      const x = pts[i]!;
      const y = pts[i + 1]!;
      const z = pts[i + 2]!;
      const sx = x * rx + y * ry + z * rz;
      const sy = x * ux + y * uy + z * uz;
      if (sx < minX) minX = sx;
      if (sx > maxX) maxX = sx;
      if (sy < minY) minY = sy;
      if (sy > maxY) maxY = sy;
    }
  }
  return minX <= maxX ? { minX, maxX, minY, maxY } : undefined;
}

/** Pixels per mm that fit an extent into a width × height image with `margin` pixels each side. */
export function fitScale(extent: ViewExtent | undefined, width: number, height: number, margin: number): number {
  return fitScaleInside(extent, width, height, { top: margin, bottom: margin, left: margin, right: margin });
}

/** Pixels to keep free on each side of the image. */
export interface Insets {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * A camera that puts the extent's centre at the centre of the image area left inside `insets`,
 * at a given scale (a shared scale keeps several views comparable).
 */
export function cameraFor(
  view: ViewName,
  extent: ViewExtent | undefined,
  width: number,
  height: number,
  scale: number,
  insets?: Insets,
): Camera {
  const basis = viewBasis(view);
  // Pixel offset of the free area's centre from the image centre.
  const dx = insets ? (insets.left - insets.right) / 2 : 0;
  const dy = insets ? (insets.top - insets.bottom) / 2 : 0;
  const cx = (extent ? (extent.minX + extent.maxX) / 2 : 0) - dx / scale;
  const cy = (extent ? (extent.minY + extent.maxY) / 2 : 0) + dy / scale;
  return { view, ...basis, width, height, cx, cy, scale };
}

/** Pixels per mm that fit an extent into the image area left inside `insets`. */
export function fitScaleInside(extent: ViewExtent | undefined, width: number, height: number, insets: Insets): number {
  if (!extent) return 1;
  const w = Math.max(extent.maxX - extent.minX, 1e-9);
  const h = Math.max(extent.maxY - extent.minY, 1e-9);
  const s = Math.min((width - insets.left - insets.right) / w, (height - insets.top - insets.bottom) / h);
  return Number.isFinite(s) && s > 0 ? s : 1;
}

/** A camera that frames the points with `margin` pixels to spare on the tighter side. */
export function fitCamera(
  view: ViewName,
  pointLists: readonly ArrayLike<number>[],
  width: number,
  height: number,
  margin: number,
): Camera {
  const extent = viewExtent(viewBasis(view), pointLists);
  return cameraFor(view, extent, width, height, fitScale(extent, width, height, margin));
}

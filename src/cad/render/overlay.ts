/**
 * Annotations drawn over a render: view name and overall size (top left), a legend of part
 * colours when there are several parts (top right), an axis triad (bottom left) and a scale bar
 * (bottom right). They tell a model which way it is looking and how big things are.
 */
import { dot, type Camera, type Vec3, type ViewBasis } from "./camera.js";
import { drawText, GLYPH_HEIGHT, textWidth } from "./font.js";
import { fillRect, type Rgb, type RgbImage } from "./image.js";
import { drawSegment } from "./lines.js";
import type { Bbox } from "./mesh.js";

export interface OverlayInfo {
  bbox: Bbox;
  /** Parts and their colours, for the legend. */
  legend: readonly { name: string; color: Rgb }[];
}

const INK: Rgb = [30, 34, 42];
const HALO: Rgb = [255, 255, 255];
const AXES: readonly { label: string; dir: Vec3; color: Rgb }[] = [
  { label: "X", dir: [1, 0, 0], color: [205, 40, 40] },
  { label: "Y", dir: [0, 1, 0], color: [30, 150, 50] },
  { label: "Z", dir: [0, 0, 1], color: [40, 80, 215] },
];

/** A short number: up to 4 significant digits, no trailing zeros. */
export function formatMm(v: number): string {
  if (!Number.isFinite(v)) return "?";
  const s = Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(4)).toString();
  return s === "-0" ? "0" : s;
}

/** The largest 1, 2 or 5 × 10^k not above `max`. */
export function niceLength(max: number): number {
  if (!(max > 0)) return 0;
  const p = 10 ** Math.floor(Math.log10(max));
  return [5, 2, 1].map((m) => m * p).find((v) => v <= max) ?? p;
}

/** Sizes of the annotations for a final image of width × height (output pixels). */
function layout(width: number, height: number): { font: number; pad: number; line: number; triad: number } {
  const small = Math.min(width, height);
  const font = Math.max(1, Math.round(small / 280));
  return { font, pad: Math.round(small * 0.02 + 4), line: (GLYPH_HEIGHT + 3) * font, triad: Math.round(small * 0.06) };
}

/** The triad's axis end points (pixels from its origin) and label positions for a view. */
function triadAxes(
  basis: ViewBasis,
  len: number,
  font: number,
): { label: string; color: Rgb; depth: number; dx: number; dy: number; lx: number; ly: number; drawn: boolean }[] {
  return AXES.map((a) => {
    const dx = dot(a.dir, basis.right) * len;
    const dy = -dot(a.dir, basis.up) * len;
    const reach = Math.hypot(dx, dy);
    // An axis pointing at (or away from) the viewer is labelled beside the origin instead.
    const drawn = reach > len * 0.15;
    const ux = drawn ? dx / reach : 0.7;
    const uy = drawn ? dy / reach : -0.7;
    // Label centre just beyond the tip.
    return {
      label: a.label,
      color: a.color,
      depth: dot(a.dir, basis.toward),
      dx,
      dy,
      lx: dx + ux * 6 * font,
      ly: dy + uy * 7 * font,
      drawn,
    };
  });
}

/** How far the triad reaches above and below its origin, labels included (pixels). */
function triadReach(basis: ViewBasis, len: number, font: number): { up: number; down: number } {
  let up = 2 * font;
  let down = 2 * font;
  for (const a of triadAxes(basis, len, font)) {
    up = Math.max(up, -Math.min(a.dy, a.ly - 5 * font));
    down = Math.max(down, Math.max(a.dy, a.ly + 5 * font));
  }
  return { up, down };
}

/**
 * Room (output pixels) to keep free of the part on each side for a view, so the labels above
 * and the triad and scale bar below never cover it.
 */
export function annotationInsets(
  width: number,
  height: number,
  basis: ViewBasis,
): { top: number; bottom: number; left: number; right: number } {
  const { font, pad, line, triad } = layout(width, height);
  const side = Math.round(Math.min(width, height) * 0.04);
  const reach = triadReach(basis, triad, font);
  const scaleBar = 2 * line;
  return {
    top: pad + 2 * line + font * 2,
    bottom: Math.ceil(pad + Math.max(reach.up + reach.down, scaleBar) + 2 * font),
    left: side,
    right: side,
  };
}

/** An axis-aligned pixel rectangle: x0 ≤ x < x1, y0 ≤ y < y1. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Insets that keep only the labels' band on top: the part may then grow into the bottom
 * corners, which the caller checks against `annotationCorners` (most parts leave them empty).
 */
export function compactInsets(
  width: number,
  height: number,
  basis: ViewBasis,
): { top: number; bottom: number; left: number; right: number } {
  const full = annotationInsets(width, height, basis);
  return { ...full, bottom: full.left };
}

/** The bottom corners the triad (left) and scale bar (right) occupy, in output pixels. */
export function annotationCorners(width: number, height: number, basis: ViewBasis): Rect[] {
  const { font, pad, line, triad } = layout(width, height);
  const reach = triadReach(basis, triad, font);
  return [
    {
      x0: 0,
      y0: Math.floor(height - pad - reach.up - reach.down - 2 * font),
      x1: Math.ceil(pad + 2 * triad + 12 * font),
      y1: height,
    },
    {
      x0: Math.floor(width * 0.8 - pad - 4 * font),
      y0: Math.floor(height - pad - 2 * line - 2 * font),
      x1: width,
      y1: height,
    },
  ];
}

/** Where the view looks from, e.g. "-Y" for front: the model cannot guess our conventions. */
function fromLabel(cam: Camera): string {
  const names = ["X", "Y", "Z"];
  return cam.toward
    .map((c, i) => (Math.abs(c) < 1e-9 ? "" : `${c > 0 ? "+" : "-"}${names[i]}`))
    .filter(Boolean)
    .join(" ");
}

/**
 * Draw the annotations on a frame `img` rendered with `cam` at `ss`× supersampling (sizes are
 * chosen for the final image, then multiplied by `ss`).
 */
export function drawOverlay(img: RgbImage, cam: Camera, ss: number, info: OverlayInfo): void {
  const l = layout(img.width / ss, img.height / ss);
  const font = l.font * ss;
  const pad = l.pad * ss;
  const line = l.line * ss;

  const { min, max } = info.bbox;
  const size = `${formatMm(max[0] - min[0])} x ${formatMm(max[1] - min[1])} x ${formatMm(max[2] - min[2])} mm`;
  drawText(img, `${cam.view.toUpperCase()} (from ${fromLabel(cam)})`, pad, pad, INK, font, HALO);
  drawText(img, size, pad, pad + line, INK, font, HALO);

  if (info.legend.length > 1) {
    info.legend.slice(0, 12).forEach((p, k) => {
      const y = pad + k * line;
      const x = img.width - pad - textWidth(p.name, font) - 10 * font;
      fillRect(img, x, y, 7 * font, 7 * font, INK);
      fillRect(img, x + font, y + font, 5 * font, 5 * font, p.color);
      drawText(img, p.name, x + 10 * font, y, INK, font, HALO);
    });
  }

  drawTriad(img, cam, ss, pad, font, l.triad * ss);
  drawScaleBar(img, cam, ss, pad, font);
}

function drawTriad(img: RgbImage, cam: Camera, ss: number, pad: number, font: number, len: number): void {
  const ox = pad + len + 4 * font;
  const oy = img.height - pad - triadReach(cam, len, font).down;
  // Farthest axis first, so nearer ones are drawn over it.
  const axes = triadAxes(cam, len, font).sort((a, b) => a.depth - b.depth);
  for (const a of axes) {
    if (a.drawn) {
      drawSegment(img, ox, oy, 0, ox + a.dx, oy + a.dy, 0, HALO, 4 * ss);
      drawSegment(img, ox, oy, 0, ox + a.dx, oy + a.dy, 0, a.color, 2 * ss);
    }
    drawText(img, a.label, ox + a.lx - 2.5 * font, oy + a.ly - 3.5 * font, a.color, font, HALO);
  }
  fillRect(img, ox - ss, oy - ss, 2 * ss + 1, 2 * ss + 1, INK);
}

function drawScaleBar(img: RgbImage, cam: Camera, ss: number, pad: number, font: number): void {
  const length = niceLength((img.width * 0.2) / cam.scale);
  if (!(length > 0)) return;
  const px = length * cam.scale;
  const x1 = img.width - pad;
  const x0 = x1 - px;
  const y = img.height - pad - 2 * font;
  const tick = 3 * font;
  drawSegment(img, x0, y, 0, x1, y, 0, INK, 1.5 * ss);
  drawSegment(img, x0, y - tick, 0, x0, y + 0.5, 0, INK, 1.5 * ss);
  drawSegment(img, x1, y - tick, 0, x1, y + 0.5, 0, INK, 1.5 * ss);
  const label = `${formatMm(length)} mm`;
  drawText(
    img,
    label,
    (x0 + x1) / 2 - textWidth(label, font) / 2,
    y - tick - (GLYPH_HEIGHT + 1) * font,
    INK,
    font,
    HALO,
  );
}

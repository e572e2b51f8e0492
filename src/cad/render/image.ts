/** An 8-bit RGB raster, row-major, top row first: what the renderer draws into and PNG encodes. */
export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes. */
  data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

/** An image filled with one colour, in `storage` (width × height × 3 bytes) when given. */
export function createImage(width: number, height: number, fill: Rgb, storage?: Uint8Array): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
  if (storage && storage.length !== width * height * 3) throw new RangeError("image storage has the wrong size");
  const data = storage ?? new Uint8Array(width * height * 3);
  data[0] = fill[0];
  data[1] = fill[1];
  data[2] = fill[2];
  // Doubling copies: a few memcpy calls instead of millions of byte writes.
  for (let n = 3; n < data.length; n *= 2) data.copyWithin(n, 0, Math.min(n, data.length - n));
  return { width, height, data };
}

/** Blend `c` over pixel (x, y) with coverage `alpha` in 0..1; off-image pixels are ignored. */
export function blendPixel(img: RgbImage, x: number, y: number, c: Rgb, alpha = 1): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const i = (y * img.width + x) * 3;
  const d = img.data;
  if (alpha >= 1) {
    d[i] = c[0];
    d[i + 1] = c[1];
    d[i + 2] = c[2];
    return;
  }
  const k = 1 - alpha;
  d[i] = Math.round(d[i]! * k + c[0] * alpha);
  d[i + 1] = Math.round(d[i + 1]! * k + c[1] * alpha);
  d[i + 2] = Math.round(d[i + 2]! * k + c[2] * alpha);
}

/** Fill an axis-aligned rectangle (clipped to the image). */
export function fillRect(img: RgbImage, x0: number, y0: number, w: number, h: number, c: Rgb): void {
  const xa = Math.max(0, Math.floor(x0));
  const ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(img.width, Math.floor(x0 + w));
  const yb = Math.min(img.height, Math.floor(y0 + h));
  for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) blendPixel(img, x, y, c);
}

/**
 * Shrink by an integer factor with a box filter: the supersampling resolve, which turns the
 * renderer's hard pixel edges into anti-aliased ones.
 */
export function downsample(src: RgbImage, factor: number): RgbImage {
  if (factor === 1) return src;
  const w = Math.floor(src.width / factor);
  const h = Math.floor(src.height / factor);
  const out = new Uint8Array(w * h * 3);
  const s = src.data;
  const n = factor * factor;
  const half = n >> 1; // rounds to nearest instead of truncating
  if (factor === 2) {
    // The common case, unrolled: four source pixels per output pixel.
    const stride = src.width * 3;
    for (let y = 0; y < h; y++) {
      let i = 2 * y * stride;
      let o = y * w * 3;
      for (let x = 0; x < w; x++, i += 6, o += 3) {
        const j = i + stride;
        out[o] = (s[i]! + s[i + 3]! + s[j]! + s[j + 3]! + 2) >> 2;
        out[o + 1] = (s[i + 1]! + s[i + 4]! + s[j + 1]! + s[j + 4]! + 2) >> 2;
        out[o + 2] = (s[i + 2]! + s[i + 5]! + s[j + 2]! + s[j + 5]! + 2) >> 2;
      }
    }
    return { width: w, height: h, data: out };
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < factor; dy++) {
        let i = ((y * factor + dy) * src.width + x * factor) * 3;
        for (let dx = 0; dx < factor; dx++, i += 3) {
          r += s[i]!;
          g += s[i + 1]!;
          b += s[i + 2]!;
        }
      }
      const o = (y * w + x) * 3;
      out[o] = ((r + half) / n) | 0;
      out[o + 1] = ((g + half) / n) | 0;
      out[o + 2] = ((b + half) / n) | 0;
    }
  }
  return { width: w, height: h, data: out };
}

/** Copy `src` into `dst` with its top-left corner at (x, y), clipped. */
export function blit(dst: RgbImage, src: RgbImage, x: number, y: number): void {
  for (let sy = 0; sy < src.height; sy++) {
    const dy = y + sy;
    if (dy < 0 || dy >= dst.height) continue;
    const sx0 = Math.max(0, -x);
    const sx1 = Math.min(src.width, dst.width - x);
    if (sx1 <= sx0) continue;
    const from = (sy * src.width + sx0) * 3;
    dst.data.set(src.data.subarray(from, from + (sx1 - sx0) * 3), (dy * dst.width + x + sx0) * 3);
  }
}

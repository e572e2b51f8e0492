import { deflateSync } from "node:zlib";

/** Raw 8-bit pixels to encode: RGB (3 channels) or RGBA (4), row-major, top row first. */
export interface PngInput {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as PNG chunks use it (ISO 3309, the same as zlib's). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, "latin1");
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

/**
 * Filter every scanline with "Up" (PNG filter 2): renders are mostly flat colour runs and
 * smooth vertical gradients, which Up turns into zeros. A per-row adaptive choice compressed
 * these images only a few percent smaller and cost more time than it saved.
 */
function filtered(img: PngInput): Uint8Array {
  const stride = img.width * img.channels;
  const out = new Uint8Array((stride + 1) * img.height);
  for (let y = 0; y < img.height; y++) {
    const o = y * (stride + 1);
    const row = y * stride;
    if (y === 0) {
      out[o] = 0;
      out.set(img.data.subarray(row, row + stride), o + 1);
      continue;
    }
    out[o] = 2;
    const prev = row - stride;
    for (let i = 0; i < stride; i++) out[o + 1 + i] = (img.data[row + i]! - img.data[prev + i]!) & 0xff;
  }
  return out;
}

/** Encode an 8-bit RGB or RGBA image as PNG (IHDR, one IDAT, IEND). */
export function encodePng(img: PngInput): Buffer {
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`PNG size must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(`PNG data has ${data.length} bytes, expected ${width * height * channels}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type: RGBA or RGB
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering (per-row filter bytes)
  ihdr[12] = 0; // no interlace
  // Level 6 is zlib's default balance; higher levels barely shrink flat renders.
  const idat = deflateSync(filtered(img), { level: 6 });
  return Buffer.concat([SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", new Uint8Array(0))]);
}

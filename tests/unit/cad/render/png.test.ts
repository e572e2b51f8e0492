import { describe, expect, it } from "vitest";
import { crc32, encodePng } from "../../../../src/cad/render/png.js";
import { decodePng, referenceCrc } from "../../../helpers/decode-png.js";

function pattern(width: number, height: number, channels: 3 | 4): Uint8Array {
  const d = new Uint8Array(width * height * channels);
  for (let i = 0; i < d.length; i++) d[i] = (i * 37 + (i >> 5) * 11) & 0xff;
  return d;
}

describe("PNG encoder", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(Buffer.from("IEND"))).toBe(0xae426082);
    const bytes = pattern(50, 7, 3);
    expect(crc32(bytes)).toBe(referenceCrc(bytes));
  });

  it("round-trips RGB pixels: signature, chunk order, CRCs, dimensions and every byte", () => {
    const data = pattern(37, 23, 3);
    const png = encodePng({ width: 37, height: 23, channels: 3, data });
    const d = decodePng(png); // throws on a bad signature or CRC
    expect(d.chunks).toEqual(["IHDR", "IDAT", "IEND"]);
    expect([d.width, d.height, d.channels]).toEqual([37, 23, 3]);
    expect(Buffer.from(d.data).equals(Buffer.from(data))).toBe(true);
  });

  it("round-trips RGBA pixels", () => {
    const data = pattern(5, 9, 4);
    const d = decodePng(encodePng({ width: 5, height: 9, channels: 4, data }));
    expect(d.channels).toBe(4);
    expect(Buffer.from(d.data).equals(Buffer.from(data))).toBe(true);
  });

  it("encodes a single pixel and a flat image compactly", () => {
    const one = decodePng(encodePng({ width: 1, height: 1, channels: 3, data: new Uint8Array([1, 2, 3]) }));
    expect([...one.data]).toEqual([1, 2, 3]);
    const flat = encodePng({ width: 800, height: 600, channels: 3, data: new Uint8Array(800 * 600 * 3).fill(255) });
    expect(flat.length).toBeLessThan(5000);
    expect(decodePng(flat).data.every((b) => b === 255)).toBe(true);
  });

  it("rejects sizes and buffers that do not match", () => {
    expect(() => encodePng({ width: 0, height: 1, channels: 3, data: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) })).toThrow(/expected 12/);
  });
});

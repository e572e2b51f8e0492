import { describe, expect, it } from "vitest";
import { encodePng } from "../../../../src/cad/render/png.js";
import { drawView, sceneOf } from "../../../../src/cad/render/render-parts.js";
import { warmUpRenderer, warmUpTessellation } from "../../../../src/cad/render/warm-up.js";

/** Signed volume of a triangle mesh (divergence theorem): positive when wound outward. */
function signedVolume(p: Float32Array, t: Uint32Array): number {
  let v = 0;
  for (let i = 0; i < t.length; i += 3) {
    const [a, b, c] = [t[i]! * 3, t[i + 1]! * 3, t[i + 2]! * 3];
    v +=
      p[a]! * (p[b + 1]! * p[c + 2]! - p[b + 2]! * p[c + 1]!) -
      p[a + 1]! * (p[b]! * p[c + 2]! - p[b + 2]! * p[c]!) +
      p[a + 2]! * (p[b]! * p[c + 1]! - p[b + 1]! * p[c]!);
  }
  return v / 6;
}

describe("renderer warm-up", () => {
  it("the warm-up part is a closed, outward-wound 64-gon prism: every edge shared once each way, volume n/2·r²·sin(2π/n)·h", () => {
    const part = warmUpTessellation(64).parts[0]!;
    const directed = new Set<string>();
    for (let i = 0; i < part.triangles.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        const key = `${part.triangles[i + k]}>${part.triangles[i + ((k + 1) % 3)]}`;
        expect(directed.has(key)).toBe(false);
        directed.add(key);
      }
    }
    for (const key of directed) expect(directed.has(key.split(">").reverse().join(">"))).toBe(true);
    const expected = (64 / 2) * 10 ** 2 * Math.sin((2 * Math.PI) / 64) * 20;
    expect(signedVolume(part.positions, part.triangles)).toBeCloseTo(expected, 1);
    expect(part.faces.length).toBe(part.triangles.length / 3);
  });

  it("leaves no trace: a view drawn and encoded after warming up is byte for byte the one before", () => {
    const scene = sceneOf(warmUpTessellation(24));
    const before = drawView(scene, "front", 200, 150).data.slice();
    const pngBefore = encodePng({ width: 200, height: 150, channels: 3, data: before });
    warmUpRenderer();
    const after = drawView(scene, "front", 200, 150).data;
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
    expect(encodePng({ width: 200, height: 150, channels: 3, data: after }).equals(pngBefore)).toBe(true);
    // The part was drawn at all: some pixels are not background.
    expect(before.some((b) => b !== 255)).toBe(true);
  });
});

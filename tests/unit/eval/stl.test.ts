import path from "node:path";
import { describe, expect, it } from "vitest";
import { meshArea, meshBox, meshVolume, parseStl, readStl, type Mesh } from "../../../src/eval/stl.js";
import { boxMesh } from "../../helpers/box-mesh.js";

const examples = path.resolve(import.meta.dirname, "..", "..", "..", "examples", "eval");

function toAscii(m: Mesh): Buffer {
  let s = "solid t\n";
  for (let i = 0; i < m.triangles.length; i += 9) {
    s += " facet normal 0 0 0\n  outer loop\n";
    for (let j = 0; j < 9; j += 3)
      s += `   vertex ${m.triangles[i + j]} ${m.triangles[i + j + 1]} ${m.triangles[i + j + 2]}\n`;
    s += "  endloop\n endfacet\n";
  }
  return Buffer.from(`${s}endsolid t\n`);
}

function toBinary(m: Mesh, header = "binary"): Buffer {
  const n = m.triangles.length / 9;
  const b = Buffer.alloc(84 + 50 * n);
  b.write(header, 0, "ascii");
  b.writeUInt32LE(n, 80);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < 9; j++) b.writeFloatLE(m.triangles[i * 9 + j]!, 84 + i * 50 + 12 + j * 4);
  return b;
}

describe("STL", () => {
  const box = boxMesh(2, 3, 4, [1, -1, 5]);

  it("volume by the divergence theorem: a 2×3×4 box is 24 mm³ wherever it sits, area 2(6+8+12)=52", () => {
    expect(meshVolume(box)).toBeCloseTo(24, 10);
    expect(meshArea(box)).toBeCloseTo(52, 10);
    expect(meshBox(box)).toEqual({ min: [1, -1, 5], max: [3, 2, 9] });
  });

  it("parses ASCII and binary alike, including a binary file whose header starts with 'solid'", () => {
    for (const buf of [toAscii(box), toBinary(box), toBinary(box, "solid but binary")]) {
      const m = parseStl(buf);
      expect(m.triangles.length).toBe(12 * 9);
      expect(meshVolume(m)).toBeCloseTo(24, 5);
    }
  });

  it("rejects a file that is not STL", () => {
    expect(() => parseStl(Buffer.from("hello world, not a mesh"))).toThrow(/not an STL/);
  });

  it("the shipped references have their hand-computed volumes and sizes", () => {
    const hex = readStl(path.join(examples, "hex-prism", "reference.stl")); // binary
    // Hexagon 20 across flats: area (√3/2)·20², times 10 mm.
    expect(meshVolume(hex)).toBeCloseTo((Math.sqrt(3) / 2) * 400 * 10, 2);
    expect(meshBox(hex).max[0]).toBeCloseTo(20 / Math.sqrt(3), 4);
    const l = readStl(path.join(examples, "l-bracket", "reference.stl")); // ASCII
    expect(meshVolume(l)).toBeCloseTo((50 * 5 + 5 * 45) * 40, 4);
    expect(meshBox(l)).toEqual({ min: [0, 0, 0], max: [50, 40, 50] });
  });
});

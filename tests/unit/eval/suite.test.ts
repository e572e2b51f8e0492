import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSuite } from "../../../src/eval/suite.js";

const examples = path.resolve(import.meta.dirname, "..", "..", "..", "examples", "eval");
let tmp = "";
afterEach(() => tmp && rmSync(tmp, { recursive: true, force: true }));

function suiteWith(files: Record<string, string>): string {
  tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-suite-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    writeFileSync(path.join(tmp, rel), text);
  }
  return tmp;
}

describe("eval suite", () => {
  it("loads the shipped suite: five cases, two with reference STLs, volumes from expected.json", () => {
    const s = loadSuite(examples);
    expect(s.cases.map((c) => c.name)).toEqual([
      "flanged-bushing",
      "hex-prism",
      "l-bracket",
      "plate-holes",
      "stepped-shaft",
    ]);
    expect(s.cases.filter((c) => c.reference).map((c) => c.name)).toEqual(["hex-prism", "l-bracket"]);
    expect(s.cases.find((c) => c.name === "stepped-shaft")?.volume).toBeCloseTo(4440 * Math.PI, 5);
    expect(s.cases.every((c) => c.notes?.includes("V ="))).toBe(true);
  });

  it("--cases filters, and an unknown name is an error listing the cases", () => {
    expect(loadSuite(examples, ["hex-prism"]).cases).toHaveLength(1);
    expect(() => loadSuite(examples, ["hexagon"])).toThrow(/no case 'hexagon'.*cases: flanged-bushing/);
  });

  it("names the file at fault", () => {
    expect(() => loadSuite(suiteWith({ "a/expected.json": "{}" }))).toThrow(/a\/prompt\.txt: missing/);
    expect(() => loadSuite(suiteWith({ "a/prompt.txt": "x", "a/expected.json": '{"volume": -1}' }))).toThrow(
      /a\/expected\.json: volume/,
    );
    expect(() => loadSuite(suiteWith({ "a/prompt.txt": "x", "a/expected.json": "{oops" }))).toThrow(
      /a\/expected\.json: invalid JSON/,
    );
    expect(() => loadSuite(suiteWith({ "a/prompt.txt": "x" }))).toThrow(/nothing to compare with/);
    expect(() => loadSuite(suiteWith({ "a/prompt.txt": "x", "a/r.stl": "garbage" }))).toThrow(/r\.stl: not an STL/);
  });

  it("a case with only a reference STL takes its volume and bbox from the mesh", () => {
    const stl =
      "solid t\n" +
      [
        [0, 0, 0, 1, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 1, 1, 0, 0],
        [0, 0, 0, 0, 1, 0, 0, 0, 1],
        [1, 0, 0, 0, 0, 1, 0, 1, 0],
      ]
        .map(
          (t) =>
            `facet normal 0 0 0\nouter loop\n${[0, 3, 6].map((i) => `vertex ${t[i]} ${t[i + 1]} ${t[i + 2]}\n`).join("")}endloop\nendfacet\n`,
        )
        .join("") +
      "endsolid t\n";
    const s = loadSuite(suiteWith({ "tet/prompt.txt": "a tetrahedron", "tet/ref.stl": stl }));
    expect(s.cases[0]?.volume).toBeCloseTo(1 / 6, 12); // unit right tetrahedron
    expect(s.cases[0]?.bbox).toEqual({ min: [0, 0, 0], max: [1, 1, 1] });
  });
});

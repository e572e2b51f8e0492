import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeometryHealth } from "../../../src/cad/protocol.js";
import { createRegistry } from "../../../src/tools/catalog.js";
import { type CadHarness, near, startCad } from "../../helpers/cad.js";

/** Primitives, parameters and inspection against a real FreeCAD worker; answers computed by hand. */

const PI = Math.PI;
let h: CadHarness;

beforeAll(async () => {
  h = await startCad({ allowPython: true });
});
afterAll(async () => {
  await h.close();
});

async function make(tool: string, input: Record<string, unknown>): Promise<GeometryHealth> {
  return (await h.tool(tool, input)) as unknown as GeometryHealth;
}

async function volumeOf(name: string): Promise<number> {
  const m = await h.tool("measure", { object: name });
  return m.volume as number;
}

describe("catalog", () => {
  it("offers the contract's tool names, run_python only with allowPython", () => {
    const names = createRegistry().names();
    for (const n of [
      "set_parameter",
      "list_objects",
      "get_object",
      "list_topology",
      "delete_object",
      "create_box",
      "create_cylinder",
      "create_sphere",
      "create_cone",
      "create_torus",
      "create_prism",
      "boolean",
      "transform",
      "copy",
      "mirror",
      "linear_pattern",
      "polar_pattern",
      "measure",
      "measure_distance",
      "check_design",
      "export",
    ]) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain("run_python");
    expect(createRegistry({ allowPython: true }).names()).toContain("run_python");
  });
});

describe("primitives", () => {
  it("box: volume, bbox from its corner, health fields", async () => {
    const r = await make("create_box", { name: "b1", length: 10, width: 20, height: 30, position: [1, 2, 3] });
    expect(r.name).toBe("b1");
    expect(r.type).toBe("Part::Box");
    expect(near(r.volume, 6000)).toBe(true);
    expect(near(r.area, 2 * (200 + 300 + 600))).toBe(true);
    expect(r.bbox).toEqual({ min: [1, 2, 3], max: [11, 22, 33] });
    expect(r).toMatchObject({ valid: true, solids: 1, faces: 6, edges: 12, warnings: [] });
  });

  it("cylinder, partial cylinder, sphere, cone, torus, prism have the textbook volumes", async () => {
    expect(near((await make("create_cylinder", { radius: 3, height: 5 })).volume, PI * 9 * 5)).toBe(true);
    const sector = await make("create_cylinder", { name: "sector", radius: 10, height: 2, angle: 90 });
    expect(near(sector.volume, (PI * 100 * 2) / 4)).toBe(true);
    expect(sector.bbox.min[0]).toBeCloseTo(0, 6);
    expect(sector.bbox.max[1]).toBeCloseTo(10, 6);
    const sphere = await make("create_sphere", { radius: 4, position: [10, 0, 0] });
    expect(near(sphere.volume, (4 / 3) * PI * 64)).toBe(true);
    expect(sphere.bbox).toEqual({ min: [6, -4, -4], max: [14, 4, 4] });
    const [r1, r2, hh] = [5, 2, 7];
    expect(
      near(
        (await make("create_cone", { radius1: r1, radius2: r2, height: hh })).volume,
        (PI * hh * (r1 * r1 + r1 * r2 + r2 * r2)) / 3,
      ),
    ).toBe(true);
    expect(near((await make("create_cone", { radius1: 4, radius2: 0, height: 9 })).volume, (PI * 16 * 9) / 3)).toBe(
      true,
    );
    const torus = await make("create_torus", { radius1: 10, radius2: 2 });
    expect(near(torus.volume, 2 * PI * PI * 10 * 4)).toBe(true);
    expect(torus.bbox).toEqual({ min: [-12, -12, -2], max: [12, 12, 2] });
    const [n, R, ph] = [6, 10, 4];
    const prism = await make("create_prism", { name: "hex", sides: n, circumradius: R, height: ph });
    expect(near(prism.volume, (n / 2) * R * R * Math.sin((2 * PI) / n) * ph)).toBe(true);
    expect(prism.faces).toBe(8);
    expect(prism.bbox.max[0]).toBeCloseTo(10, 6); // a corner points along +X
  });

  it("rotation turns the object about its own origin", async () => {
    const r = await make("create_box", {
      name: "rot",
      length: 10,
      width: 2,
      height: 1,
      position: [5, 0, 0],
      rotation: { axis: [0, 0, 1], angle: 90 },
    });
    expect(r.bbox.min[0]).toBeCloseTo(3, 6);
    expect(r.bbox.max[0]).toBeCloseTo(5, 6);
    expect(r.bbox.min[1]).toBeCloseTo(0, 6);
    expect(r.bbox.max[1]).toBeCloseTo(10, 6);
  });

  it("bad dimensions come back as tool errors with a hint and leave nothing behind", async () => {
    const before = ((await h.tool("list_objects", {})).objects as unknown[]).length;
    const neg = await h.tryTool("create_box", { length: -1, width: 1, height: 1 });
    expect(neg.ok).toBe(false);
    expect(neg.error?.code).toBe("bad_arguments");
    expect(neg.error?.hint).toContain("length");
    const zeroExpr = await h.tryTool("create_cylinder", { radius: "0*1", height: 3 });
    expect(zeroExpr.ok).toBe(false);
    expect(zeroExpr.error?.message).toContain("radius must be > 0");
    const torus = await h.tryTool("create_torus", { radius1: 2, radius2: 3 });
    expect(torus.error?.message).toContain("radius2");
    const missing = await h.tryTool("create_box", { length: 1, width: 1 });
    expect(missing.error?.code).toBe("bad_arguments");
    const unknownParam = await h.tryTool("create_box", { length: "nope * 2", width: 1, height: 1 });
    expect(unknownParam.error?.code).toBe("unknown_parameter");
    expect(unknownParam.error?.hint).toContain("set_parameter");
    expect(((await h.tool("list_objects", {})).objects as unknown[]).length).toBe(before);
  });

  it("names: taken or invalid names are refused", async () => {
    await make("create_box", { name: "taken", length: 1, width: 1, height: 1 });
    const dup = await h.tryTool("create_sphere", { name: "taken", radius: 1 });
    expect(dup.error?.code).toBe("name_taken");
    expect(dup.error?.hint).toContain("taken");
    const bad = await h.tryTool("create_sphere", { name: "1abc", radius: 1 });
    expect(bad.error?.code).toBe("bad_arguments");
  });
});

describe("parameters", () => {
  it("binds dimensions and positions to parameters; set_parameter re-drives the geometry", async () => {
    await h.tool("set_parameter", { name: "w", value: 40, description: "plate width" });
    await h.tool("set_parameter", { name: "t", value: 5 });
    await h.tool("set_parameter", { name: "tilt", value: 0, unit: "deg" });
    const p = await make("create_box", {
      name: "pbox",
      length: "w",
      width: "w/2",
      height: "t",
      position: ["-w/2", 0, "t*2"],
      rotation: { axis: [1, 0, 0], angle: "tilt" },
    });
    expect(near(p.volume, 40 * 20 * 5)).toBe(true);
    expect(p.bbox.min).toEqual([-20, 0, 10]);
    const obj = await h.tool("get_object", { name: "pbox" });
    expect(obj.expressions).toMatchObject({
      Length: "w",
      Width: "w / 2",
      Height: "t",
      "Placement.Base.x": "-w / 2",
      "Placement.Base.z": "t * 2",
      "Placement.Rotation.Angle": "tilt",
    });
    expect((obj.properties as Record<string, unknown>).Length).toBe(40);

    const set = await h.tool("set_parameter", { name: "w", value: 60 });
    expect(set.value).toBe(60);
    expect(near(await volumeOf("pbox"), 60 * 30 * 5)).toBe(true);
    expect(((await h.tool("measure", { object: "pbox" })).bbox as GeometryHealth["bbox"]).min[0]).toBeCloseTo(-30, 6);

    // Angle 0 at creation must keep the X axis once the parameter turns it.
    await h.tool("set_parameter", { name: "tilt", value: 90 });
    const tilted = await h.tool("measure", { object: "pbox" });
    const bb = tilted.bbox as GeometryHealth["bbox"];
    expect(bb.max[0] - bb.min[0]).toBeCloseTo(60, 6);
    expect(bb.max[2] - bb.min[2]).toBeCloseTo(30, 6);
    await h.tool("set_parameter", { name: "tilt", value: 0 });
  });

  it("prism sides and cylinder angle bind too", async () => {
    await h.tool("set_parameter", { name: "n", value: 4, unit: "" });
    const sq = await make("create_prism", { name: "sq", sides: "n", circumradius: 10, height: 1 });
    expect(near(sq.volume, 200)).toBe(true);
    await h.tool("set_parameter", { name: "n", value: 3 });
    expect(near(await volumeOf("sq"), 1.5 * 100 * Math.sin((2 * PI) / 3))).toBe(true);
  });

  it("rejects reserved and malformed parameter names", async () => {
    expect((await h.tryTool("set_parameter", { name: "pi", value: 3 })).ok).toBe(false);
    expect((await h.tryTool("set_parameter", { name: "a-b", value: 3 })).error?.code).toBe("bad_arguments");
  });
});

describe("inspection", () => {
  it("list_objects reports parts, visibility and parameters", async () => {
    const r = await h.tool("list_objects", {});
    const objects = r.objects as { name: string; visible: boolean; part: boolean; volume?: number }[];
    const b1 = objects.find((o) => o.name === "b1");
    expect(b1).toMatchObject({ visible: true, part: true, volume: 6000 });
    expect(objects.some((o) => o.name === "Params")).toBe(false);
    expect(r.parts).toContain("b1");
    expect(Object.keys(r.parameters as object)).toContain("w");
  });

  it("get_object: unknown names are errors that list what exists", async () => {
    const r = await h.tryTool("get_object", { name: "nosuch" });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe("unknown_object");
    expect(r.error?.hint).toContain("b1");
  });

  it("list_topology lists faces with normals and areas, edges with directions", async () => {
    const faces = await h.tool("list_topology", { object: "b1", kind: "faces" });
    expect(faces.count).toBe(6);
    const items = faces.faces as { name: string; type: string; normal: number[]; area: number; center: number[] }[];
    const top = items.find((f) => f.normal[2] === 1);
    expect(top).toMatchObject({ type: "PLANE", area: 200, center: [6, 12, 33] });
    expect(items.map((f) => f.name)).toEqual(["Face1", "Face2", "Face3", "Face4", "Face5", "Face6"]);
    const edges = await h.tool("list_topology", { object: "b1", kind: "edges" });
    const vertical = (edges.edges as { direction?: number[]; length: number }[]).filter(
      (e) => e.direction && Math.abs(e.direction[2] ?? 0) === 1,
    );
    expect(vertical).toHaveLength(4);
    expect(vertical[0]?.length).toBe(30);
  });

  it("list_topology filters with selectors and reports a selector that matches nothing", async () => {
    const top = await h.tool("list_topology", { object: "b1", kind: "faces", selector: ">Z" });
    expect(top.count).toBe(1);
    expect((top.faces as { normal: number[] }[])[0]?.normal).toEqual([0, 0, 1]);
    const circles = await h.tryTool("list_topology", { object: "b1", kind: "edges", selector: "%CIRCLE" });
    expect(circles.ok).toBe(false);
    expect(circles.error?.hint).toContain("LINE");
  });

  it("delete_object refuses objects in use and restores what a deleted boolean consumed", async () => {
    await make("create_box", { name: "dbase", length: 10, width: 10, height: 10, position: [100, 0, 0] });
    await make("create_cylinder", { name: "dtool", radius: 2, height: 20, position: [105, 5, -5] });
    await h.tool("boolean", { name: "dcut", op: "cut", base: "dbase", tools: ["dtool"] });
    const inUse = await h.tryTool("delete_object", { name: "dbase" });
    expect(inUse.error?.code).toBe("in_use");
    expect(inUse.error?.hint).toContain("dcut");
    const del = await h.tool("delete_object", { name: "dcut" });
    expect(del.deleted).toEqual(["dcut"]);
    expect(del.restored).toEqual(["dbase", "dtool"]);
    expect(del.parts).toContain("dbase");
    await h.tool("delete_object", { name: "dtool" });
    expect((await h.tool("list_objects", {})).parts).not.toContain("dtool");
  });
});

describe("run_python", () => {
  it("returns printed output and the health of created objects", async () => {
    const r = await h.tool("run_python", {
      code: "b = doc.addObject('Part::Box', 'pybox')\nb.Length = 2\nprint('hello', len(doc.Objects) > 0)",
    });
    expect(r.output).toBe("hello True\n");
    expect((r.created as GeometryHealth[])[0]).toMatchObject({ name: "pybox", volume: 200 });
  });

  it("an exception is a tool error with the traceback, and what the code added is removed", async () => {
    const r = await h.tryTool("run_python", {
      code: "doc.addObject('Part::Box', 'doomed')\nprint('before')\nraise ValueError('boom')",
    });
    expect(r.ok).toBe(false);
    expect(r.mutates).toBe(true);
    expect(r.error?.message).toContain("before");
    expect(r.error?.message).toContain("ValueError: boom");
    const names = ((await h.tool("list_objects", {})).objects as { name: string }[]).map((o) => o.name);
    expect(names).not.toContain("doomed");
  });
});

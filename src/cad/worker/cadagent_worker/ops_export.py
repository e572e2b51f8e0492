"""File export. The Node side resolves and vets the path (inside the output folder, right
extension); the worker checks containment again and writes atomically through ConfinedWrite
(a private temp folder, then a rename by directory handle), so a reader never sees a
half-written model and a symlink planted or swapped in meanwhile cannot redirect the write."""

import os

import FreeCAD

from . import mesh_helper
from .registry import op, OpError
from .oputil import shape_of
from .confined_write import ConfinedWrite
from .tessellation import parts_mesh

EXTENSIONS = {
    "step": (".step", ".stp"),
    "stl": (".stl",),
    "iges": (".iges", ".igs"),
    "brep": (".brep", ".brp"),
    "obj": (".obj",),
    "fcstd": (".fcstd",),
    "dxf": (".dxf",),
    "svg": (".svg",),
    "3mf": (".3mf",),
}
# view -> (direction towards the viewer, drawing x axis); drawing y = direction × x, so Z is up
# in side views. TechDraw picks its own x axis for side views, so the shape is turned into this
# frame and always projected along +Z.
VIEWS = {
    "top": ((0, 0, 1), (1, 0, 0)),
    "bottom": ((0, 0, -1), (1, 0, 0)),
    "front": ((0, -1, 0), (1, 0, 0)),
    "back": ((0, 1, 0), (-1, 0, 0)),
    "right": ((1, 0, 0), (0, 1, 0)),
    "left": ((-1, 0, 0), (0, -1, 0)),
    "iso": ((1, -1, 1), (1, 1, 0)),
}


def _target(args):
    out_dir, path = args.get("out_dir"), args.get("path")
    if (
        not isinstance(out_dir, str)
        or not isinstance(path, str)
        or not os.path.isabs(out_dir)
        or not os.path.isabs(path)
    ):
        raise OpError("export needs absolute out_dir and path", code="bad_argument")
    root = os.path.realpath(out_dir)
    folder = os.path.realpath(os.path.dirname(path))
    if os.path.commonpath([root, folder]) != root or os.path.islink(path):
        raise OpError(
            "export path escapes the output folder",
            hint="give a plain relative filename such as model.step",
            code="bad_path",
        )
    return root, folder, os.path.basename(path)


def _projection(shape, view):
    """(shape in the view's frame, its visible projected edges)."""
    import TechDraw

    d, x = (FreeCAD.Vector(*v).normalize() for v in VIEWS[view])
    y = d.cross(x)
    m = FreeCAD.Matrix(x.x, x.y, x.z, 0, y.x, y.y, y.z, 0, d.x, d.y, d.z, 0, 0, 0, 0, 1)
    turned = shape.transformed(m)
    # projectEx: visible hard, smooth, seam and outline edges come first (indices 0..3).
    parts = TechDraw.projectEx(turned, FreeCAD.Vector(0, 0, 1))[:4]
    return turned, [p for p in parts if not p.isNull() and p.Edges]


def _write_svg(shape, view, tmp):
    import Part
    import TechDraw

    turned, visible = _projection(shape, view)
    if not visible:
        raise OpError(f"the {view} view of the objects has no visible edges", code="empty_result")
    b = Part.makeCompound(visible).BoundBox
    style = {"stroke-width": "0.35", "stroke": "#000000", "fill": "none"}
    body = TechDraw.projectToSVG(turned, FreeCAD.Vector(0, 0, 1), "", 0.01, style, style, style)
    m = max(2.0, 0.05 * max(b.XLength, b.YLength))
    # projectToSVG flips y (scale(1,-1)), so the drawing spans -YMax..-YMin.
    x, y, w, h = b.XMin - m, -b.YMax - m, b.XLength + 2 * m, b.YLength + 2 * m
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.3f}mm" height="{h:.3f}mm" viewBox="{x:.4f} {y:.4f} {w:.4f} {h:.4f}">\n'
            f"<!-- cadagent: {view} view, 1 unit = 1 mm -->\n{body}\n</svg>\n"
        )


def _write(ctx, fmt, objs, tmp, view):
    import Part

    extra = {}
    if fmt in ("step", "iges"):
        # The mesh helper may have written this very STEP while the worker checked the parts.
        if not (fmt == "step" and mesh_helper.take_step(objs, tmp)):
            import Import

            Import.export(objs, tmp)
    elif fmt == "brep":
        shape_of(objs).exportBrep(tmp)
    elif fmt in ("stl", "obj"):
        # The parts' shared tessellation (tessellation.py): the preview reuses it.
        mesh, tol = parts_mesh(objs)
        mesh.write(tmp)
        extra["triangles"] = mesh.CountFacets
        extra["tolerance"] = round(tol, 6)
    elif fmt == "fcstd":
        ctx.doc.saveCopy(tmp)
    elif fmt == "dxf":
        import Import

        _, visible = _projection(shape_of(objs), view)
        if not visible:
            raise OpError(f"the {view} view of the objects has no visible edges", code="empty_result")
        Import.writeDXFShape([Part.makeCompound(visible)], tmp)
    elif fmt == "svg":
        _write_svg(shape_of(objs), view, tmp)
    elif fmt == "3mf":
        from .mesh_3mf import write_3mf

        extra["triangles"] = write_3mf([(o.Name, o) for o in objs], tmp)
    return extra


@op("export", mutating=False)
def export(ctx, args):
    fmt = args.get("format")
    if fmt not in EXTENSIONS:
        raise OpError(f"unknown format {fmt!r}", hint="one of " + ", ".join(EXTENSIONS), code="bad_argument")
    view = args.get("view") or "top"
    if view not in VIEWS:
        raise OpError(f"unknown view {view!r}", hint="one of " + ", ".join(VIEWS), code="bad_argument")
    root, folder, base = _target(args)
    if not base.lower().endswith(EXTENSIONS[fmt]):
        raise OpError(f"a {fmt} file must end with {' or '.join(EXTENSIONS[fmt])}", code="bad_path")
    names = args.get("objects") or ctx.part_names()
    if fmt != "fcstd" and not names:
        raise OpError(
            "nothing to export: the design has no visible solid parts",
            hint="create a part first, or name objects explicitly",
            code="empty_result",
        )
    objs = [ctx.get(n) for n in names] if fmt != "fcstd" else []
    ctx.recompute()
    final = os.path.join(folder, base)
    with ConfinedWrite(root, folder, base) as w:
        extra = _write(ctx, fmt, objs, w.temp_path, view)
        if w.size() == 0:
            raise OpError(
                f"FreeCAD wrote no {fmt} data",
                hint="check the objects are valid solids (measure)",
                code="export_failed",
            )
        size = w.commit()
    result = {
        "format": fmt,
        "path": final,
        "bytes": size,
        "objects": names if fmt != "fcstd" else ctx.part_names(),
    }
    if fmt in ("dxf", "svg"):
        result["view"] = view
    result.update(extra)
    return result

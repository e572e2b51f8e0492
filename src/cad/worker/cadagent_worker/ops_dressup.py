"""Dress-up features on a solid: fillet (Part::Fillet), chamfer (Part::Chamfer), shell
(Part::Thickness). Edges/faces are chosen with selectors (selectors.py).

Part::Fillet/Part::Chamfer store (edge index, radius) pairs that FreeCAD cannot bind to an
expression, so their sizes are evaluated numbers in the FCStd (replaying the design record
re-applies parameters). Part::Thickness's Value is bound.
"""

import math

from .registry import op, OpError
from .oputil import hidden_input_warnings, positive, require_solid, same_volume
from .refs import pick

CONVEX, CONCAVE, UNKNOWN = 1, -1, 0


def edge_convexity(shape, edge):
    """CONVEX when the solid's material angle at the edge is below 180 degrees (a fillet or
    chamfer there removes material), CONCAVE above (it adds), UNKNOWN for smooth or seam edges.

    Test: step from the edge midpoint along n1 - n2 (outward normals of the two faces). For a
    convex edge that point is outside the solid; for a concave one it is inside.
    """
    import Part

    faces = shape.ancestorsOfType(edge, Part.Face)
    if len(faces) != 2:
        return UNKNOWN
    try:
        p = edge.valueAt((edge.FirstParameter + edge.LastParameter) / 2)
        n = [f.normalAt(*f.Surface.parameter(p)) for f in faces]
    except Exception:
        return UNKNOWN
    d = n[0] - n[1]
    if d.Length < 1e-6:
        return UNKNOWN  # tangent faces: no corner to round
    eps = max(1e-4, 1e-3 * min(edge.Length, shape.BoundBox.DiagonalLength))
    q = p + d.normalize() * eps
    return CONCAVE if shape.isInside(q, 1e-9, True) else CONVEX


def _sign_warning(kind, before, after, convexities):
    """A warning when the volume moved the wrong way (or not at all)."""
    if same_volume(before, after):
        return [f"{kind} did not change the volume ({after:.6g} mm^3): check the selected edges"]
    if all(c == CONVEX for c in convexities) and after > before:
        return [f"{kind} on convex edges added material (volume {before:.6g} -> {after:.6g}); the result is suspect"]
    if all(c == CONCAVE for c in convexities) and after < before:
        return [f"{kind} on concave edges removed material (volume {before:.6g} -> {after:.6g}); the result is suspect"]
    return []


def _size_hint(shape, edges, word):
    """How large the radius/size can be, roughly: under half the smallest adjacent face span."""
    import Part

    spans = []
    for _, e in edges:
        spans.append(e.Length)
        for f in shape.ancestorsOfType(e, Part.Face):
            b = f.BoundBox
            dims = [x for x in (b.XLength, b.YLength, b.ZLength) if x > 1e-7]
            if dims:
                spans.append(min(dims))
    limit = min(spans) / 2 if spans else None
    lim = f"; try a {word} below {limit:.3g} mm" if limit else ""
    return f"the {word} is probably too large for the selected edges or their faces{lim}, or select fewer edges (list_topology shows them)"


def _check_dressup(obj, base):
    """Catch the failures FreeCAD reports as success: an over-large fillet can come back as a
    "valid" compound of stray faces with no solid, spilling far outside the original."""
    shape, ref = obj.Shape, base.Shape
    if not shape.Solids or shape.Volume <= 0:
        raise OpError(
            f"FreeCAD could not build '{obj.Name}': the result has no solid (it is a {shape.ShapeType.lower()})",
            code="recompute_failed",
        )
    grow = 1e-4 * max(1.0, ref.BoundBox.DiagonalLength)
    a, b = shape.BoundBox, ref.BoundBox
    if (
        a.XMin < b.XMin - grow
        or a.YMin < b.YMin - grow
        or a.ZMin < b.ZMin - grow
        or a.XMax > b.XMax + grow
        or a.YMax > b.YMax + grow
        or a.ZMax > b.ZMax + grow
    ):
        raise OpError(
            f"FreeCAD built a broken '{obj.Name}' that extends outside the original solid", code="recompute_failed"
        )
    if len(shape.Solids) > len(ref.Solids):
        raise OpError(f"'{obj.Name}' split the solid into {len(shape.Solids)} pieces", code="recompute_failed")


def _edge_feature(ctx, args, type_id, prefix, size_key, word, second=None):
    base = ctx.get(args.get("object"), "object")
    require_solid(base, "object")
    if args.get(size_key) is None:
        raise OpError(f"{size_key} is required", hint=f"the {word} in mm", code="bad_argument")
    size = positive(ctx, args[size_key], size_key)
    edges, moved, refs = pick(base.Shape, "edges", args.get("edges"), base.Name)
    convex = [edge_convexity(base.Shape, e) for _, e in edges]
    warnings = hidden_input_warnings([base]) + moved
    before = base.Shape.Volume
    obj = ctx.add(type_id, args.get("name"), prefix)
    obj.Base = base
    size2 = second(size) if second else size
    obj.Edges = [(int(n[4:]), size, size2) for n, _ in edges]
    try:
        h = ctx.finish_object(obj, consumed=[base], warnings=warnings)
        _check_dressup(obj, base)
    except OpError as e:
        e.hint = f"{word} {size:g} mm failed on {len(edges)} edge(s) of '{base.Name}': " + _size_hint(
            base.Shape, edges, word
        )
        raise
    h["warnings"].extend(_sign_warning(prefix.lower(), before, obj.Shape.Volume, convex))
    h["selected"] = [n for n, _ in edges]
    if refs:
        h["refs"] = refs
    return h


@op("fillet")
def fillet(ctx, args):
    return _edge_feature(ctx, args, "Part::Fillet", "Fillet", "radius", "radius")


@op("chamfer")
def chamfer(ctx, args):
    return _edge_feature(ctx, args, "Part::Chamfer", "Chamfer", "size", "size", _chamfer_second(ctx, args))


def _chamfer_second(ctx, args):
    """The distance along the second face, from `size2` or `angle` (degrees from the first face)."""
    angle, size2 = args.get("angle"), args.get("size2")
    if angle is not None and size2 is not None:
        raise OpError(
            "give angle or size2, not both", hint="angle: degrees; size2: a second distance", code="bad_argument"
        )
    if size2 is not None:
        d2 = positive(ctx, size2, "size2")
        return lambda _size: d2
    if angle is not None:
        a = ctx.num(angle, "angle")
        if not 0 < a < 90:
            raise OpError(
                f"angle must be in (0, 90) degrees, got {a:g}", hint="45 gives an equal chamfer", code="bad_argument"
            )
        return lambda size: size * math.tan(math.radians(a))
    return None


@op("shell")
def shell(ctx, args):
    base = ctx.get(args.get("object"), "object")
    require_solid(base, "object")
    if args.get("thickness") is None:
        raise OpError("thickness is required", hint="wall thickness in mm", code="bad_argument")
    t = positive(ctx, args["thickness"], "thickness")
    faces, moved, refs = pick(base.Shape, "faces", args.get("open_faces"), base.Name)
    if len(faces) == len(base.Shape.Faces):
        raise OpError(
            "open_faces selects every face; nothing would be left",
            hint='select only the faces to remove, e.g. ">Z"',
            code="bad_argument",
        )
    warnings = hidden_input_warnings([base]) + moved
    before = base.Shape.Volume
    obj = ctx.add("Part::Thickness", args.get("name"), "Shell")
    obj.Faces = (base, [n for n, _ in faces])
    # Negative Value offsets inward: the outside keeps its dimensions, walls grow into the solid.
    obj.Value = -t
    ctx.bind_expr(obj, "Value", args["thickness"], "-({})")
    obj.Mode = "Skin"
    obj.Join = "Arc"
    try:
        h = ctx.finish_object(obj, consumed=[base], warnings=warnings)
    except OpError as e:
        b = base.Shape.BoundBox
        e.hint = (
            f"shell with thickness {t:g} mm failed on '{base.Name}' (size {b.XLength:.4g} x {b.YLength:.4g} x {b.ZLength:.4g}); "
            "the walls may be thicker than the solid allows, or small fillets/curved faces cannot be offset: "
            "reduce thickness, or shell before filleting"
        )
        raise
    after = obj.Shape.Volume
    if after >= before or same_volume(before, after):
        # FreeCAD 1.0 returns the solid unchanged for walls too thick to offset, where 0.20
        # failed: either way no shell was made, so both versions fail here (rolled back).
        b = base.Shape.BoundBox
        raise OpError(
            f"shell removed no material from '{base.Name}' (volume {before:.6g} -> {after:.6g})",
            hint=f"thickness {t:g} mm is probably too thick for '{base.Name}' (size {b.XLength:.4g} x {b.YLength:.4g} x {b.ZLength:.4g}); reduce it",
            code="recompute_failed",
        )
    h["removed_faces"] = [n for n, _ in faces]
    if refs:
        h["refs"] = refs
    return h

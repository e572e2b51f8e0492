"""create_helix (Part::Helix) and sweep (Part::Sweep): springs, coils, pipes along a path. Both
are parametric features: the helix's radius, pitch and height stay bound to parameter
expressions, and the sweep follows its profile and path when they change."""

import math

from .registry import op, OpError
from .oputil import apply_placement, hidden_input_warnings, positive


@op("create_helix")
def create_helix(ctx, args):
    obj = ctx.add("Part::Helix", args.get("name"), "Helix")
    for key, prop in (("radius", "Radius"), ("pitch", "Pitch"), ("height", "Height")):
        positive(ctx, args.get(key), key)
        ctx.bind(obj, prop, args[key], key)
    obj.LocalCoord = 1 if args.get("left_handed") else 0
    apply_placement(ctx, obj, args.get("position"), args.get("rotation"))
    ctx.recompute()
    if obj.Shape.isNull() or not obj.Shape.Edges:
        raise OpError(
            "FreeCAD could not build the helix", hint="check radius, pitch and height", code="recompute_failed"
        )
    h = ctx.finish_object(obj)
    r, p, z = (ctx.num(args[k]) for k in ("radius", "pitch", "height"))
    h.update(length=round(obj.Shape.Length, 6), turns=round(z / p, 6))
    h["warnings"] = [w for w in h["warnings"] if "has no solid" not in w]
    h["note"] = (
        f"a curve, not a part: use it as a sweep path ({z / p:.4g} turns, exact length {z / p * math.hypot(2 * math.pi * r, p):.6g} mm)"
    )
    return h


def _path(ctx, name):
    obj = ctx.get(name, "path")
    shape = obj.Shape
    if shape.Solids or not shape.Edges:
        raise OpError(
            f"path '{name}' must be a helix or a sketch of an open path, not a {shape.ShapeType.lower()}",
            hint="create_helix, or create_sketch with an open_path profile",
            code="bad_argument",
        )
    if len(shape.Wires) > 1:
        raise OpError(
            f"path '{name}' has {len(shape.Wires)} separate wires",
            hint="sweep along one connected path",
            code="bad_argument",
        )
    return obj


@op("sweep")
def sweep(ctx, args):
    profile = ctx.get(args.get("profile"), "profile")
    if profile.Shape.Solids or not profile.Shape.Wires or not all(w.isClosed() for w in profile.Shape.Wires):
        raise OpError(
            f"profile '{profile.Name}' must be a sketch of closed profiles",
            hint="create_sketch with a circle or rectangle, placed at the path's start",
            code="bad_argument",
        )
    path = _path(ctx, args.get("path"))
    obj = ctx.add("Part::Sweep", args.get("name"), "Sweep")
    obj.Sections = [profile]
    obj.Spine = (path, [])
    obj.Solid = True
    # Frenet keeps a profile upright along a helix; the default (corrected Frenet) suits bends.
    frenet = args.get("frenet")
    obj.Frenet = bool(frenet) if frenet is not None else path.TypeId == "Part::Helix"
    start = path.Shape.Wires[0].Vertexes[0].Point if path.Shape.Wires else path.Shape.Vertexes[0].Point
    gap = profile.Shape.distToShape(__import__("Part").Vertex(start))[0]
    warnings = hidden_input_warnings([profile])
    if gap > 0.5 * max(profile.Shape.BoundBox.DiagonalLength, 1e-9):
        warnings.append(f"the profile is {gap:.4g} mm from the path's start; place it there, across the path")
    h = ctx.finish_object(obj, consumed=[profile, path], warnings=warnings)
    if not obj.Shape.Solids:
        raise OpError(
            "the sweep gave no solid", hint="use a closed profile placed across the path's start", code="empty_result"
        )
    return h

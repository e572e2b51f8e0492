"""Linear and polar patterns as Draft Array objects (Part::FeaturePython with the Draft `Array`
proxy): parametric, recomputed headless, and reopened by any FreeCAD that has the Draft module.
Count, spacing, angle and centre stay bound to parameters given as expressions."""

import FreeCAD

from .registry import op, OpError
from .oputil import bind_int, bind_vector, direction, expr_of, hidden_input_warnings, require_solid, vec


def _new_array(ctx, args, prefix):
    from draftobjects.array import Array

    src = ctx.get(args.get("object"), "object")
    require_solid(src, "object")
    obj = ctx.add("Part::FeaturePython", args.get("name"), prefix)
    Array(obj)
    obj.Base = src
    obj.Fuse = bool(args.get("merge", True))
    return src, obj


def _finish(ctx, src, obj, n):
    warnings = hidden_input_warnings([src])
    result = ctx.finish_object(obj, consumed=[src], warnings=warnings)
    solids = result["solids"]
    if solids > 1:
        # health() warns about separate solids in general; for a pattern that is the normal case
        # (holes, pegs), so say what it means here instead.
        result["warnings"] = [w for w in result["warnings"] if "separate solids" not in w]
        if obj.Fuse:
            result["warnings"].append(
                f"the {n} instances do not touch, so '{obj.Name}' is {solids} separate solids: fine as a boolean tool (holes, pegs), not as one part"
            )
    result["instances"] = n
    return result


@op("linear_pattern")
def linear_pattern(ctx, args):
    src, obj = _new_array(ctx, args, "LinearPattern")
    d = direction(ctx, args.get("direction"), "direction")
    if args.get("spacing") is None:
        raise OpError("spacing is required", hint="distance between neighbouring instances in mm", code="bad_argument")
    spacing = ctx.num(args["spacing"], "spacing")
    if spacing == 0:
        raise OpError("spacing must not be 0", hint="instances would coincide", code="bad_argument")
    obj.ArrayType = "ortho"
    n = bind_int(ctx, obj, "NumberX", args.get("count"), "count", 2)
    obj.NumberY = 1
    obj.NumberZ = 1
    obj.IntervalX = d * spacing
    s = expr_of(ctx, args["spacing"])
    if s is not None:
        for c in "xyz":
            k = getattr(d, c)
            if abs(k) > 1e-12:
                obj.setExpression(f".IntervalX.{c}", f"({s}) * {k!r}")
    return _finish(ctx, src, obj, n)


@op("polar_pattern")
def polar_pattern(ctx, args):
    src, obj = _new_array(ctx, args, "PolarPattern")
    axis = direction(ctx, args.get("axis") or "Z", "axis")
    obj.ArrayType = "polar"
    n = bind_int(ctx, obj, "NumberPolar", args.get("count"), "count", 2)
    raw = 360 if args.get("angle") is None else args["angle"]
    angle = ctx.num(raw, "angle")
    if angle == 0 or abs(angle) > 360:
        raise OpError(
            f"angle must be in [-360, 360] and not 0, got {angle:g}",
            hint="360 spreads the instances evenly round a full circle",
            code="bad_argument",
        )
    expr = expr_of(ctx, raw)
    if angle < 0:
        # Draft spreads a full turn evenly only for +360 exactly: turn the axis round instead.
        axis, angle = axis * -1, -angle
        expr = f"-({expr})" if expr is not None else None
    obj.Axis = axis
    obj.Center = vec(ctx, args.get("center"), "center", (0, 0, 0))
    bind_vector(ctx, obj, "Center", args.get("center"))
    obj.IntervalAxis = FreeCAD.Vector(0, 0, 0)
    # Exactly 360 (not 359.9999…), so Draft divides by count and no instance lands on the first.
    obj.Angle = 360 if abs(angle - 360) < 1e-9 else angle
    if expr is not None:
        obj.setExpression("Angle", expr)
    return _finish(ctx, src, obj, n)

"""offset (Part::Offset: parametric, the distance stays bound to its parameter expression) and
scale (a Part::Feature: FreeCAD 0.20 has no scale feature, so `build --set` replays the op)."""

import FreeCAD

from .registry import op, OpError
from .oputil import hidden_input_warnings, require_solid, vec


@op("offset")
def offset(ctx, args):
    base = ctx.get(args.get("object"), "object")
    require_solid(base, "object")
    d = ctx.num(args.get("distance"), "distance")
    if d == 0:
        raise OpError(
            "distance must not be 0", hint="positive grows the solid, negative shrinks it", code="bad_argument"
        )
    obj = ctx.add("Part::Offset", args.get("name"), "Offset")
    obj.Source = base
    obj.Mode = "Skin"
    obj.Join = "Arc"  # rounded outside corners: a constant distance everywhere
    obj.Fill = False
    ctx.bind(obj, "Value", args["distance"], "distance")
    try:
        h = ctx.finish_object(obj, consumed=[base], warnings=hidden_input_warnings([base]))
    except OpError as e:
        raise OpError(
            str(e),
            hint="a negative distance must be under half the thinnest wall; try a smaller distance",
            code=e.code,
        )
    if not obj.Shape.Solids:
        raise OpError("the offset gave no solid", hint="try a smaller distance", code="empty_result")
    return h


@op("scale")
def scale(ctx, args):
    base = ctx.get(args.get("object"), "object")
    require_solid(base, "object")
    f = args.get("factor")
    factors = (
        [ctx.num(c, f"factor[{i}]") for i, c in enumerate(f)] if isinstance(f, list) else [ctx.num(f, "factor")] * 3
    )
    if len(factors) != 3 or any(k <= 0 for k in factors):
        raise OpError(
            f"factor must be a positive number or three, got {f!r}", hint="e.g. 2 or [1, 1, 0.5]", code="bad_argument"
        )
    shape = base.Shape
    centre = vec(ctx, args.get("center"), "center", (0, 0, 0))
    m = FreeCAD.Matrix()
    m.move(-centre)
    s = FreeCAD.Matrix()
    s.scale(*factors)
    m = s.multiply(m)
    back = FreeCAD.Matrix()
    back.move(centre)
    m = back.multiply(m)
    uniform = max(factors) - min(factors) < 1e-12
    # A uniform scale keeps circles circles; a non-uniform one needs NURBS (transformGeometry).
    out = shape.copy()
    if uniform:
        out.transformShape(m, True)
    else:
        out = shape.toNurbs().transformGeometry(m)  # NURBS poles transform exactly
    obj = ctx.add("Part::Feature", args.get("name"), "Scale")
    obj.Shape = out
    h = ctx.finish_object(obj, consumed=[base], warnings=hidden_input_warnings([base]))
    h["factor"] = factors
    return h

"""Part workbench primitives. Every dimension and placement component given as an expression is
bound to the Params sheet, so the saved FCStd stays parametric."""

from .registry import op, OpError
from .oputil import apply_placement, bind_int, positive


def _dims(ctx, obj, args, props):
    """Validate then bind each (arg, property, allow_zero) dimension."""
    for key, prop, allow_zero in props:
        if args.get(key) is None:
            raise OpError(
                f"{key} is required", hint=f"give {key} in mm (number or parameter expression)", code="bad_argument"
            )
        positive(ctx, args[key], key, allow_zero)
        ctx.bind(obj, prop, args[key], key)


@op("create_box")
def create_box(ctx, args):
    obj = ctx.add("Part::Box", args.get("name"), "Box")
    _dims(ctx, obj, args, [("length", "Length", False), ("width", "Width", False), ("height", "Height", False)])
    apply_placement(ctx, obj, args.get("position"), args.get("rotation"))
    return ctx.finish_object(obj)


@op("create_cylinder")
def create_cylinder(ctx, args):
    obj = ctx.add("Part::Cylinder", args.get("name"), "Cylinder")
    _dims(ctx, obj, args, [("radius", "Radius", False), ("height", "Height", False)])
    if args.get("angle") is not None:
        _angle(ctx, obj, args["angle"])
    apply_placement(ctx, obj, args.get("position"), args.get("rotation"))
    return ctx.finish_object(obj)


@op("create_sphere")
def create_sphere(ctx, args):
    obj = ctx.add("Part::Sphere", args.get("name"), "Sphere")
    _dims(ctx, obj, args, [("radius", "Radius", False)])
    apply_placement(ctx, obj, args.get("position"), args.get("rotation"))
    return ctx.finish_object(obj)


@op("create_cone")
def create_cone(ctx, args):
    obj = ctx.add("Part::Cone", args.get("name"), "Cone")
    _dims(ctx, obj, args, [("radius1", "Radius1", True), ("radius2", "Radius2", True), ("height", "Height", False)])
    if ctx.num(args["radius1"]) == 0 and ctx.num(args["radius2"]) == 0:
        raise OpError(
            "radius1 and radius2 cannot both be 0",
            hint="radius1 is the base radius, radius2 the top radius; one may be 0 for a pointed cone",
            code="bad_argument",
        )
    apply_placement(ctx, obj, args.get("position"), args.get("rotation"))
    return ctx.finish_object(obj)


@op("create_torus")
def create_torus(ctx, args):
    obj = ctx.add("Part::Torus", args.get("name"), "Torus")
    _dims(ctx, obj, args, [("radius1", "Radius1", False), ("radius2", "Radius2", False)])
    r1, r2 = ctx.num(args["radius1"]), ctx.num(args["radius2"])
    if r2 >= r1:
        raise OpError(
            f"radius2 ({r2:g}) must be smaller than radius1 ({r1:g})",
            hint="radius1 is the distance from the centre to the tube's centre line, radius2 the tube radius",
            code="bad_argument",
        )
    apply_placement(ctx, obj, args.get("position"), args.get("rotation"))
    return ctx.finish_object(obj)


@op("create_prism")
def create_prism(ctx, args):
    obj = ctx.add("Part::Prism", args.get("name"), "Prism")
    if args.get("sides") is None:
        raise OpError("sides is required", hint="number of polygon sides, >= 3", code="bad_argument")
    bind_int(ctx, obj, "Polygon", args["sides"], "sides", 3)
    _dims(ctx, obj, args, [("circumradius", "Circumradius", False), ("height", "Height", False)])
    apply_placement(ctx, obj, args.get("position"), args.get("rotation"))
    return ctx.finish_object(obj)


def _angle(ctx, obj, value):
    a = ctx.num(value, "angle")
    if not 0 < a <= 360:
        raise OpError(
            f"angle must be in (0, 360], got {a:g}",
            hint="the swept angle of a partial cylinder in degrees; omit for a full one",
            code="bad_argument",
        )
    ctx.bind(obj, "Angle", value, "angle")

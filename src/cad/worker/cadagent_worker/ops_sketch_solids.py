"""Solids from sketches: extrude (Part::Extrusion), revolve (Part::Revolution), loft (Part::Loft).

Lengths and angles given as expressions stay bound to the Params sheet; the consumed sketches
are hidden, as FreeCAD does.
"""

import FreeCAD

from .registry import op, OpError
from .oputil import AXES, bind_vector, direction, hidden_input_warnings, vec
from .ops_sketch import plane_axis, profile_face

DIRECTIONS = ("normal", "reversed", "symmetric")


def _sketch(ctx, name, what="sketch"):
    obj = ctx.get(name, what)
    if obj.Shape.Solids:
        raise OpError(
            f"{what} '{name}' is a solid, not a sketch",
            hint="pass the name returned by create_sketch",
            code="bad_argument",
        )
    return obj


@op("extrude")
def extrude(ctx, args):
    sk = _sketch(ctx, args.get("sketch"))
    profile_face(sk)  # fails early, with a reason, on open or missing profiles
    dist = args.get("distance")
    d = ctx.num(dist, "distance") if dist is not None else None
    if d is None or d <= 0:
        raise OpError(
            f"distance must be > 0, got {dist!r}",
            hint='give a positive length; use direction "reversed" to go the other way',
            code="bad_argument",
        )
    mode = args.get("direction", "normal")
    if mode not in DIRECTIONS:
        raise OpError(f"direction must be one of {', '.join(DIRECTIONS)}, got {mode!r}", code="bad_argument")
    warnings = hidden_input_warnings([sk])
    obj = ctx.add("Part::Extrusion", args.get("name"), "Extrude")
    obj.Base = sk
    obj.DirMode = "Custom"
    obj.Dir = plane_axis(sk)
    obj.Solid = True
    ctx.bind(obj, "LengthFwd", dist, "distance")
    obj.Reversed = mode == "reversed"
    obj.Symmetric = mode == "symmetric"
    taper = args.get("taper")
    if taper is not None:
        t = ctx.num(taper, "taper")
        if not -89 < t < 89:
            raise OpError(f"taper must be between -89 and 89 degrees, got {t:g}", code="bad_argument")
        # FreeCAD's positive TaperAngle widens the profile; a draft that narrows is what
        # "taper" means to most designers, so the sign is flipped.
        obj.TaperAngle = -t
        ctx.bind_expr(obj, "TaperAngle", taper, "-({})")
        if mode == "symmetric":
            obj.TaperAngleRev = -t
            ctx.bind_expr(obj, "TaperAngleRev", taper, "-({})")
    try:
        return ctx.finish_object(obj, consumed=[sk], warnings=warnings)
    except OpError as e:
        if taper is not None:
            e.hint = "the taper may close the profile before the full distance: reduce taper or distance"
        raise


@op("revolve")
def revolve(ctx, args):
    sk = _sketch(ctx, args.get("sketch"))
    face = profile_face(sk)
    angle = args.get("angle", 360)
    a = ctx.num(angle, "angle")
    if not 0 < a <= 360:
        raise OpError(f"angle must be in (0, 360], got {a:g}", hint="degrees swept about the axis", code="bad_argument")
    axis_arg = args.get("axis")
    if isinstance(axis_arg, str) and axis_arg.upper() in AXES:
        base, axis, point_raw, dir_raw = FreeCAD.Vector(), FreeCAD.Vector(*AXES[axis_arg.upper()]), None, None
    elif isinstance(axis_arg, dict):
        point_raw, dir_raw = axis_arg.get("point", [0, 0, 0]), axis_arg.get("direction")
        base = vec(ctx, point_raw, "axis.point")
        axis = direction(ctx, dir_raw, "axis.direction")
    else:
        raise OpError(
            f'axis must be "X", "Y", "Z" or {{point, direction}}, got {axis_arg!r}',
            hint="global axes through the origin, or a line through `point` along `direction`",
            code="bad_argument",
        )
    # A profile reaching across the axis would sweep through itself: refuse it with the numbers.
    on_axis = face.distToShape(_axis_line(base, axis, face))[0]
    if on_axis < 1e-7 and _crosses(face, base, axis):
        raise OpError(
            f"sketch '{sk.Name}' crosses the revolve axis",
            hint="the profile must lie entirely on one side of the axis (touching it is fine); move the profile or the axis",
            code="bad_profile",
        )
    warnings = hidden_input_warnings([sk])
    obj = ctx.add("Part::Revolution", args.get("name"), "Revolve")
    obj.Source = sk
    obj.Base = base
    obj.Axis = axis
    obj.Solid = True
    if "FaceMakerClass" in obj.PropertiesList:  # nested profiles must become holes, as in extrude
        obj.FaceMakerClass = "Part::FaceMakerBullseye"
    ctx.bind(obj, "Angle", angle, "angle")
    if point_raw is not None:
        bind_vector(ctx, obj, "Base", point_raw)
        bind_vector(ctx, obj, "Axis", dir_raw if isinstance(dir_raw, (list, tuple)) else None)
    return ctx.finish_object(obj, consumed=[sk], warnings=warnings)


def _axis_line(base, axis, face):
    import Part

    span = face.BoundBox.DiagonalLength + (face.BoundBox.Center - base).Length + 1.0
    return Part.makeLine(base - axis * span, base + axis * span)


def _crosses(face, base, axis):
    """True when the face has points strictly on both sides of the axis within its plane."""
    n = face.normalAt(0, 0) if face.Surface is not None else None
    if n is None:
        return False
    side = n.cross(axis)  # in-plane direction perpendicular to the axis
    if side.Length < 1e-9:
        return False  # axis normal to the sketch plane: revolving spins the face in its plane
    side.normalize()
    vals = [(v.Point - base).dot(side) for v in face.Vertexes]
    # Vertexes miss circles' extent; sample the edges as well.
    for e in face.Edges:
        vals += [(p - base).dot(side) for p in e.discretize(24)]
    return min(vals) < -1e-7 and max(vals) > 1e-7


@op("loft")
def loft(ctx, args):
    names = args.get("sketches")
    if not isinstance(names, list) or len(names) < 2:
        raise OpError(
            "sketches must list at least two sketch names",
            hint="create one sketch per section (e.g. on XY at offsets 0 and 30), in order",
            code="bad_argument",
        )
    sks = [_sketch(ctx, n, f"sketches[{i}]") for i, n in enumerate(names)]
    for s in sks:
        if len(s.Shape.Wires) != 1:
            raise OpError(
                f"loft section '{s.Name}' has {len(s.Shape.Wires)} profiles; each section needs exactly one",
                hint="loft the outer shapes, then cut holes with boolean or hole",
                code="bad_profile",
            )
        profile_face(s)
    if len(set(names)) != len(names):
        raise OpError("the same sketch appears twice in sketches", code="bad_argument")
    warnings = hidden_input_warnings(sks)
    obj = ctx.add("Part::Loft", args.get("name"), "Loft")
    obj.Sections = sks
    obj.Solid = True
    obj.Ruled = bool(args.get("ruled", False))
    try:
        return ctx.finish_object(obj, consumed=sks, warnings=warnings)
    except OpError as e:
        e.hint = "sections must be separate closed profiles in order along the loft, with compatible shapes (e.g. no twisted vertex order)"
        raise

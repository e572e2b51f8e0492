"""Helpers shared by the op modules: vectors, parameter-bound placements, helper objects,
volume comparisons. Not an `ops_*` module, so ops_all does not import it as one."""

import FreeCAD

from .registry import OpError

AXES = {"X": (1.0, 0.0, 0.0), "Y": (0.0, 1.0, 0.0), "Z": (0.0, 0.0, 1.0)}
PLANE_NORMALS = {"XY": (0.0, 0.0, 1.0), "XZ": (0.0, 1.0, 0.0), "YZ": (1.0, 0.0, 0.0)}
# Marks hidden objects an op creates as plumbing (e.g. the fused tools of a multi-tool cut), so
# delete_object removes them with their owner instead of resurfacing them as parts.
HELPER_PROP = "CadagentHelperOf"


def vec(ctx, v, what, default=None):
    """[x, y, z] of numbers/expressions (or "X"/"-Z" style axis names) evaluated to a Vector."""
    if v is None:
        if default is None:
            raise OpError(f"{what} is required", hint=f"give {what} as [x, y, z]", code="bad_argument")
        return FreeCAD.Vector(*default)
    if isinstance(v, str):
        sign = -1.0 if v.strip().startswith("-") else 1.0
        key = v.strip().lstrip("+-").upper()
        if key in AXES:
            return FreeCAD.Vector(*AXES[key]) * sign
    if not isinstance(v, (list, tuple)) or len(v) != 3:
        raise OpError(
            f"{what} must be [x, y, z], got {v!r}", hint="three numbers or parameter expressions", code="bad_argument"
        )
    return FreeCAD.Vector(*[ctx.num(c, f"{what}[{i}]") for i, c in enumerate(v)])


def direction(ctx, v, what):
    """A unit vector; a zero vector is an argument error rather than a silent no-op."""
    d = vec(ctx, v, what)
    if d.Length < 1e-12:
        raise OpError(f"{what} must not be the zero vector", hint='e.g. [0, 0, 1] or "Z"', code="bad_argument")
    return d.normalize()


def positive(ctx, value, what, allow_zero=False):
    v = ctx.num(value, what)
    if v < 0 or (v == 0 and not allow_zero):
        raise OpError(
            f"{what} must be {'>= 0' if allow_zero else '> 0'}, got {v:g}",
            hint=f"give a positive {what} in mm",
            code="bad_argument",
        )
    return v


# Same bound as MAX_COUNT in src/tools/schemas.ts; here it also covers counts given as expressions.
MAX_COUNT = 1000


def count(ctx, value, what, minimum, maximum=MAX_COUNT):
    v = ctx.num(value, what)
    if abs(v - round(v)) > 1e-9 or round(v) < minimum or round(v) > maximum:
        raise OpError(f"{what} must be a whole number from {minimum} to {maximum}, got {v:g}", code="bad_argument")
    return int(round(v))


def expr_of(ctx, value):
    """The FreeCAD expression for a parameter expression string, None for a plain number."""
    return ctx.params.to_freecad_expr(value) if isinstance(value, str) else None


def bind_int(ctx, obj, prop, value, what, minimum):
    """Integer properties (polygon sides, pattern counts) refuse floats, so ctx.bind cannot set them."""
    n = count(ctx, value, what, minimum)
    setattr(obj, prop, n)
    ctx.bind_expr(obj, prop, value)
    return n


def bind_vector(ctx, obj, prop, values):
    """Attach expressions to the components of a vector property that already holds the values."""
    if not isinstance(values, (list, tuple)):
        return
    for c, v in zip("xyz", values):
        if isinstance(v, str):
            ctx.bind(obj, f"{prop}.{c}", v)


def apply_placement(ctx, obj, position=None, rotation=None):
    """Set `obj.Placement` from `position` and `{axis, angle}`; expression components stay bound
    to the Params sheet (FreeCAD 0.20 keeps the axis even at angle 0, so binding only the angle is safe)."""
    base = vec(ctx, position, "position", (0, 0, 0))
    rot = FreeCAD.Rotation()
    if rotation is not None:
        if not isinstance(rotation, dict):
            raise OpError("rotation must be {axis: [x, y, z], angle}", code="bad_argument")
        axis = direction(ctx, rotation.get("axis"), "rotation.axis")  # finite: ctx.num refuses inf/nan
        angle = ctx.num(rotation.get("angle"), "rotation.angle")
        rot = FreeCAD.Rotation(axis, angle)
    obj.Placement = FreeCAD.Placement(base, rot)
    bind_vector(ctx, obj, "Placement.Base", position)
    if rotation is not None:
        bind_vector(ctx, obj, "Placement.Rotation.Axis", rotation.get("axis"))
        if isinstance(rotation.get("angle"), str):
            ctx.bind(obj, "Placement.Rotation.Angle", rotation["angle"])


def expressions(obj, prefix=""):
    """{path: expression} of `obj`, paths as FreeCAD lists them (".Placement.Base.x", "Length")."""
    return {p: e for p, e in obj.ExpressionEngine if p.lstrip(".").startswith(prefix)}


def add_helper(ctx, type_id, owner_name, suffix):
    """A hidden plumbing object named after its owner (`<owner>_<suffix>` when free)."""
    wanted = f"{owner_name}_{suffix}"
    name = wanted if ctx.doc.getObject(wanted) is None else ctx.new_name(None, wanted)
    obj = ctx.add(type_id, name, wanted)
    obj.addProperty("App::PropertyString", HELPER_PROP, "cadagent", "object this helper belongs to")
    setattr(obj, HELPER_PROP, owner_name)
    obj.Visibility = False
    return obj


def is_helper(obj):
    return HELPER_PROP in obj.PropertiesList


def require_solid(obj, what):
    if len(obj.Shape.Solids) == 0:
        raise OpError(
            f"{what} '{obj.Name}' is not a solid (it is a {obj.Shape.ShapeType.lower()})",
            hint="extrude or revolve a sketch first; booleans and patterns need solids",
            code="not_solid",
        )


def hidden_input_warnings(objs):
    """Reusing an input another op already consumed is legal but usually a slip worth naming."""
    out = []
    for o in objs:
        if not o.Visibility:
            users = [u.Name for u in o.InList if not is_helper(u)]
            used = f" (used by {', '.join(users)})" if users else ""
            out.append(f"'{o.Name}' was hidden{used}; it is used again here")
    return out


def same_volume(a, b):
    """Volumes equal within what OCCT's boolean noise allows."""
    return abs(a - b) <= max(1e-6, 1e-7 * max(abs(a), abs(b)))


def shape_of(objs):
    """One shape for several objects (a compound when more than one)."""
    import Part

    shapes = [o.Shape for o in objs]
    return shapes[0] if len(shapes) == 1 else Part.makeCompound(shapes)


def xml_escape(text, quote=False):
    """XML character data (and with `quote`, a double-quoted attribute). Not xml.sax.saxutils:
    importing it costs ~20 ms of every worker start, for two drawing/3MF ops."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text

"""transform (move in place), copy (parametric Draft clone) and mirror (Part::Mirroring).

Moving changes an existing object's Placement, which the generic rollback (it only removes added
objects) does not undo; transform restores the old Placement and expressions itself on failure,
so a failed call leaves nothing behind and the journal replays exactly the successful calls."""

import FreeCAD

from .registry import op, OpError
from .oputil import (
    PLANE_NORMALS,
    add_helper,
    bind_vector,
    direction,
    expr_of,
    expressions,
    hidden_input_warnings,
    require_solid,
    same_volume,
    vec,
)


def _translate_expressions(ctx, obj, old_base, translate):
    """Keep Placement.Base parametric: a bound component becomes `(old expression) + (delta)`."""
    old = expressions(obj, "Placement.Base.")
    for i, c in enumerate("xyz"):
        path = f".Placement.Base.{c}"
        delta = expr_of(ctx, translate[i])
        if path not in old and delta is None:
            continue
        prev = old.get(path, repr(float(old_base[i])))
        step = delta if delta is not None else repr(ctx.num(translate[i]))
        obj.setExpression(path, f"({prev}) + ({step})")


def _clear_placement_expressions(obj):
    cleared = list(expressions(obj, "Placement"))
    for path in cleared:
        obj.setExpression(path, None)
    return cleared


@op("transform")
def transform(ctx, args):
    obj = ctx.get(args.get("object"), "object")
    translate, rotate = args.get("translate"), args.get("rotate")
    if translate is None and rotate is None:
        raise OpError(
            "nothing to do: give translate and/or rotate",
            hint="translate: [dx, dy, dz]; rotate: {axis, angle, center?}",
            code="bad_argument",
        )
    saved_pl, saved_expr = FreeCAD.Placement(obj.Placement), expressions(obj, "Placement")
    warnings = []
    try:
        if rotate is not None:
            if not isinstance(rotate, dict):
                raise OpError("rotate must be {axis, angle, center?}", code="bad_argument")
            axis = direction(ctx, rotate.get("axis"), "rotate.axis")
            angle = ctx.num(rotate.get("angle"), "rotate.angle")
            center = vec(ctx, rotate.get("center"), "rotate.center", (0, 0, 0))
            if _clear_placement_expressions(obj):
                warnings.append(
                    f"'{obj.Name}' had a parameter-bound placement; after this rotation its placement is fixed numbers"
                )
            obj.Placement = FreeCAD.Placement(FreeCAD.Vector(), FreeCAD.Rotation(axis, angle), center).multiply(
                obj.Placement
            )
        if translate is not None:
            d = vec(ctx, translate, "translate")
            old_base = FreeCAD.Vector(obj.Placement.Base)
            obj.Placement = FreeCAD.Placement(old_base + d, obj.Placement.Rotation)
            _translate_expressions(ctx, obj, old_base, translate)
        result = ctx.finish_object(obj, warnings=warnings)
    except BaseException:
        _restore(ctx, obj, saved_pl, saved_expr)
        raise
    users = sorted(u.Name for u in obj.InListRecursive if not u.TypeId.startswith("Spreadsheet::"))
    if users:
        result["dependents"] = users
        result["warnings"].append(f"'{obj.Name}' is used by {', '.join(users)}, which were recomputed with the change")
    return result


def _restore(ctx, obj, placement, exprs):
    try:
        _clear_placement_expressions(obj)
        obj.Placement = placement
        for path, e in exprs.items():
            obj.setExpression(path, e)
        ctx.recompute()
    except Exception:
        pass


@op("copy")
def copy(ctx, args):
    """A Draft clone: follows the source's shape (and its parameters), placed at source + translate."""
    from draftobjects.clone import Clone

    src = ctx.get(args.get("object"), "object")
    require_solid(src, "object")
    obj = ctx.add("Part::FeaturePython", args.get("name"), "Copy")
    Clone(obj)
    obj.Objects = [src]
    translate = args.get("translate") or [0, 0, 0]
    d = vec(ctx, translate, "translate")
    # The clone shows the source's local shape at its own Placement: start from the source's.
    obj.Placement = FreeCAD.Placement(src.Placement.Base + d, src.Placement.Rotation)
    for path, e in expressions(src, "Placement").items():
        obj.setExpression(path, e)
    _translate_expressions(ctx, obj, src.Placement.Base, translate)
    return ctx.finish_object(obj, warnings=hidden_input_warnings([src]))


@op("mirror")
def mirror(ctx, args):
    src = ctx.get(args.get("object"), "object")
    require_solid(src, "object")
    plane = args.get("plane")
    if plane not in PLANE_NORMALS:
        raise OpError(
            f"plane must be XY, XZ or YZ, got {plane!r}",
            hint="XY mirrors z, XZ mirrors y, YZ mirrors x",
            code="bad_argument",
        )
    through = args.get("through")
    merge = bool(args.get("merge", False))
    name = ctx.new_name(args.get("name"), "Mirror")
    m = add_helper(ctx, "Part::Mirroring", name, "mirrored") if merge else ctx.add("Part::Mirroring", name, "Mirror")
    m.Source = src
    m.Normal = FreeCAD.Vector(*PLANE_NORMALS[plane])
    m.Base = vec(ctx, through, "through", (0, 0, 0))
    bind_vector(ctx, m, "Base", through)
    warnings = hidden_input_warnings([src])
    if not merge:
        return ctx.finish_object(m, warnings=warnings)
    obj = ctx.add("Part::MultiFuse", name, "Mirror")
    obj.Shapes = [src, m]
    obj.Refine = True
    ctx.recompute()
    if same_volume(obj.Shape.Volume, src.Shape.Volume):
        warnings.append(
            f"the mirrored copy coincides with '{src.Name}' (it is already symmetric about this plane): merge added nothing"
        )
    elif len(obj.Shape.Solids) > 1:
        warnings.append(
            "the mirrored copy does not touch the original; use `through` on the face you want to mirror about"
        )
    return ctx.finish_object(obj, consumed=[src], warnings=warnings)

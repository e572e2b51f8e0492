"""Booleans as parametric Part features: Part::Cut (several tools are fused first by a hidden
helper), Part::MultiFuse, Part::Common (several tools chain hidden two-input commons).
Volumes are compared before and after because OCCT happily returns an unchanged or empty
result for inputs that do not overlap.

Part::MultiCommon is not used: FreeCAD 1.0 computes base ∩ (t1 ∪ t2) for base + 2 tools
(FreeCAD issue #17689), 0.20 base ∩ t1 ∩ t2; chained Part::Common means the same on both."""

from .health import volume_of
from .registry import op, OpError
from .oputil import add_helper, hidden_input_warnings, require_solid, same_volume

TYPES = {
    "union": ("Part::MultiFuse", "Union"),
    "cut": ("Part::Cut", "Cut"),
    "intersect": ("Part::Common", "Common"),
}


def _inputs(ctx, args):
    base = ctx.get(args.get("base"), "base")
    names = args.get("tools")
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not names:
        raise OpError(
            "tools must be a non-empty list of object names", hint='e.g. tools: ["hole1", "hole2"]', code="bad_argument"
        )
    if len(set(names)) != len(names):
        raise OpError("tools lists the same object twice", code="bad_argument")
    if base.Name in names:
        raise OpError(
            f"'{base.Name}' is both the base and a tool",
            hint="the base is the object kept (cut) or the first operand",
            code="bad_argument",
        )
    tools = [ctx.get(n, "tool") for n in names]
    for o in [base] + tools:
        require_solid(o, "input")
    return base, tools


def _set_refine(obj):
    # Refine merges the coplanar faces a boolean leaves behind, so selectors like ">Z" see one face.
    if "Refine" in obj.PropertiesList:
        obj.Refine = True


@op("boolean")
def boolean(ctx, args):
    kind = args.get("op")
    if kind not in TYPES:
        raise OpError(f"op must be union, cut or intersect, got {kind!r}", code="bad_argument")
    base, tools = _inputs(ctx, args)
    warnings = hidden_input_warnings([base] + tools)
    type_id, prefix = TYPES[kind]
    name = ctx.new_name(args.get("name"), prefix)
    consumed = [base] + tools
    if kind == "cut":
        tool = tools[0]
        if len(tools) > 1:
            tool = add_helper(ctx, "Part::MultiFuse", name, "tools")
            tool.Shapes = tools
            _set_refine(tool)
        obj = ctx.add(type_id, name, prefix)
        obj.Base = base
        obj.Tool = tool
    elif kind == "intersect":
        first = base
        for i, t in enumerate(tools[:-1], start=1):
            step = add_helper(ctx, "Part::Common", name, f"common{i}")
            step.Base, step.Tool = first, t
            _set_refine(step)
            first = step
        obj = ctx.add(type_id, name, prefix)
        obj.Base = first
        obj.Tool = tools[-1]
    else:
        obj = ctx.add(type_id, name, prefix)
        obj.Shapes = [base] + tools
    _set_refine(obj)
    ctx.recompute()
    if kind == "intersect" and _empty(obj):
        raise OpError(
            f"the intersection of {', '.join(o.Name for o in consumed)} is empty",
            hint="the inputs do not overlap; compare their bboxes with measure",
            code="empty_result",
        )
    if kind == "cut" and _empty(obj):
        raise OpError(
            f"cutting {', '.join(o.Name for o in tools)} from '{base.Name}' removes all of it",
            hint="the tools enclose the base; check which object is the base and which are tools",
            code="empty_result",
        )
    warnings += _volume_warnings(kind, base, tools, obj)
    return ctx.finish_object(obj, consumed=consumed, warnings=warnings)


def _empty(obj):
    s = obj.Shape
    return s.isNull() or len(s.Solids) == 0 or volume_of(s) < 1e-9


def _volume_warnings(kind, base, tools, obj):
    before, after = volume_of(base.Shape), volume_of(obj.Shape)
    out = []
    if kind == "cut":
        if same_volume(before, after):
            out.append(
                f"the cut removed no material: {', '.join(t.Name for t in tools)} do not overlap '{base.Name}'; check their positions (measure / list_topology)"
            )
        else:
            out += _misses(base, tools)
    elif kind == "union":
        if same_volume(before, after):
            out.append(
                f"the union added no material: {', '.join(t.Name for t in tools)} lie entirely inside '{base.Name}'"
            )
    elif kind == "intersect" and same_volume(before, after):
        out.append(f"the intersection equals '{base.Name}': it lies entirely inside the tools")
    return out


def _misses(base, tools):
    """Name the individual tools that miss the base, e.g. one hole of a pattern placed off the part."""
    if len(tools) < 2:
        return []
    missed = []
    bb = base.Shape.BoundBox
    for t in tools:
        if not bb.intersect(t.Shape.BoundBox) or base.Shape.common(t.Shape).Volume < 1e-9:
            missed.append(t.Name)
    return [f"{', '.join(missed)} removed nothing: they do not overlap '{base.Name}'"] if missed else []

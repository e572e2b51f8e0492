"""Inspection (list_objects, get_object, list_topology) and delete_object."""

import FreeCAD

from .registry import op, OpError
from .health import bbox_of, health, r
from .oputil import HELPER_PROP, is_helper
from .selectors import describe, select, subshapes

# Bookkeeping properties that say nothing about the geometry.
SKIP_PROPS = {
    "Shape",
    "Proxy",
    "ExpressionEngine",
    "Label",
    "Label2",
    "Visibility",
    "PlacementList",
    "VisibilityList",
    HELPER_PROP,
}
MAX_TOPOLOGY = 300


def _value(v):
    if isinstance(v, FreeCAD.Placement):
        axis = v.Rotation.Axis
        return {
            "position": [r(x) for x in v.Base],
            "rotation": {"axis": [r(x) for x in axis], "angle": r(v.Rotation.Angle * 180 / 3.141592653589793)},
        }
    if isinstance(v, FreeCAD.Vector):
        return [r(x) for x in v]
    if hasattr(v, "Value") and hasattr(v, "Unit"):
        return r(v.Value)
    if isinstance(v, FreeCAD.DocumentObject):
        return v.Name
    if isinstance(v, (list, tuple)):
        return [_value(x) for x in v][:50]
    if isinstance(v, bool) or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return r(v)
    return None


def _hidden(obj, prop):
    try:
        return "Hidden" in obj.getPropertyStatus(prop)
    except Exception:
        return False


@op("list_objects", mutating=False)
def list_objects(ctx, args):
    out = []
    for o in ctx.doc.Objects:
        if o.Name == "Params" or is_helper(o):
            continue
        entry = {"name": o.Name, "type": o.TypeId, "visible": bool(o.Visibility), "part": ctx.is_part(o)}
        shape = getattr(o, "Shape", None)
        if shape is not None and not shape.isNull():
            entry.update(volume=r(shape.Volume) if shape.Solids else 0.0, bbox=bbox_of(shape), solids=len(shape.Solids))
        # A helper stands for the object that owns it (the cut, not its fused tools).
        users = {u.getPropertyByName(HELPER_PROP) if is_helper(u) else u.Name for u in o.InList}
        if users:
            entry["used_by"] = sorted(users)
        out.append(entry)
    return {"objects": out, "parts": ctx.part_names(), "parameters": ctx.params.snapshot()}


@op("get_object", mutating=False)
def get_object(ctx, args):
    obj = ctx.get(args.get("name"), need_shape=False)
    props = {}
    for p in obj.PropertiesList:
        if p in SKIP_PROPS or _hidden(obj, p):
            continue
        try:
            v = _value(obj.getPropertyByName(p))
        except Exception:
            continue
        if v is not None and v != "":
            props[p] = v
    out = {
        "name": obj.Name,
        "type": obj.TypeId,
        "visible": bool(obj.Visibility),
        "properties": props,
        "expressions": {p.lstrip("."): ctx.params.to_model_expr(e) for p, e in obj.ExpressionEngine},
        "depends_on": [o.Name for o in obj.OutList if o.Name != "Params"],
        "used_by": [o.Name for o in obj.InList],
    }
    if hasattr(obj, "Shape") and not obj.Shape.isNull():
        out["health"] = health(obj)
    return out


@op("list_topology", mutating=False)
def list_topology(ctx, args):
    obj = ctx.get(args.get("object"), "object")
    kind = args.get("kind")
    selector = args.get("selector")
    # list_topology's names and descriptions come from the selector module, so what it lists is
    # exactly what a selector (and fillet/chamfer/hole) will see.
    picked = select(obj.Shape, kind, selector, owner=obj.Name) if selector else subshapes(obj.Shape, kind)
    items = [describe(n, s) for n, s in picked[:MAX_TOPOLOGY]]
    out = {"object": obj.Name, "kind": kind, "count": len(picked), kind: items}
    if len(picked) > MAX_TOPOLOGY:
        out["truncated"] = f"only the first {MAX_TOPOLOGY} are listed; narrow with a selector"
    return out


@op("delete_object")
def delete_object(ctx, args):
    obj = ctx.get(args.get("name"), need_shape=False)
    users = [u.Name for u in obj.InList if u.Name != "Params"]
    if users:
        raise OpError(
            f"'{obj.Name}' is used by {', '.join(users)}", hint=f"delete {', '.join(users)} first", code="in_use"
        )
    doomed = [obj]
    inputs = []
    for i in obj.OutList:
        if is_helper(i) and i.getPropertyByName(HELPER_PROP) == obj.Name:
            doomed.append(i)
            inputs += i.OutList
        else:
            inputs.append(i)
    deleted = [o.Name for o in doomed]
    input_names = [i.Name for i in inputs]
    for n in deleted:
        ctx.doc.removeObject(n)
    # Inputs the deleted object consumed become parts again when nothing else uses them.
    restored = []
    for n in input_names:
        i = ctx.doc.getObject(n)
        if i is None or n == "Params" or is_helper(i):
            continue
        if not [u for u in i.InList if u.Name != "Params"] and not i.Visibility:
            i.Visibility = True
            restored.append(n)
    ctx.recompute()
    return {"deleted": deleted, "restored": sorted(set(restored)), "parts": ctx.part_names(), "warnings": []}

"""Read-only measurements: per-object properties, minimum distances, and a whole-design check
(validity, interferences between parts) the model runs before finishing."""

import FreeCAD

from .registry import op, OpError
from .health import bbox_of, health, r, volume_of
from .oputil import vec
from .materials import density_of, mass_g

INTERFERENCE_MIN = 1e-6  # mm³: below this a common volume is boolean noise from touching faces
# Exact booleans are the slow part (seconds each on curved solids): a design with hundreds of
# touching parts would otherwise hold the worker for minutes.
MAX_EXACT_PAIRS = 200


def centre_of_mass(shape):
    solids = shape.Solids
    total = sum(s.Volume for s in solids)
    if solids and total > 0:
        c = FreeCAD.Vector()
        for s in solids:
            c += s.CenterOfMass * (s.Volume / total)
        return c
    if hasattr(shape, "CenterOfMass"):
        return shape.CenterOfMass
    return shape.BoundBox.Center


def check_text(shape):
    """FreeCAD's reason a shape is invalid (check(True) raises with it), or None when valid."""
    if shape.isValid():
        return None
    try:
        shape.check(True)
        return "shape is invalid"
    except Exception as e:
        return str(e).strip() or "shape is invalid"


def measure_obj(obj):
    h = health(obj)
    shape = obj.Shape
    lo, hi = h["bbox"]["min"], h["bbox"]["max"]
    h.update(
        size=[r(b - a) for a, b in zip(lo, hi)],
        center_of_mass=[r(x) for x in centre_of_mass(shape)],
        visible=bool(obj.Visibility),
    )
    problem = check_text(shape)
    if problem:
        h["check"] = problem
    return h


@op("measure", mutating=False)
def measure(ctx, args):
    density = density_of(args)
    if args.get("object"):
        return _with_mass(measure_obj(ctx.get(args["object"])), density)
    parts = ctx.part_names()
    out = {"parts": [_with_mass(measure_obj(ctx.get(n)), density) for n in parts], "count": len(parts)}
    if density is not None:
        out.update(density=density, mass_g=round(sum(p["mass_g"] for p in out["parts"]), 6))
    return out


@op("masses", mutating=False)
def masses(ctx, args):
    """Each named part's mass_g, as `measure {material}` gives it, for report.json. Only the
    (memoized) volume: no validity check, which delivery has just made on these very parts."""
    density = density_of(args)
    if density is None:
        raise OpError("masses needs a material or a density", code="bad_argument")
    out = {}
    for n in args.get("names") or ctx.part_names():
        shape = ctx.get(n).Shape
        out[n] = mass_g(r(volume_of(shape)) if shape.Solids else 0.0, density)
    return {"density": density, "masses": out}


def _with_mass(h, density):
    if density is not None:
        h.update(density=density, mass_g=mass_g(h["volume"], density))
    return h


def _ref(ctx, ref, what):
    """`name`, `name.Face3` / `name.Edge2` / `name.Vertex1`, or a point [x, y, z]."""
    import Part

    if isinstance(ref, (list, tuple)):
        return f"point {list(ref)}", Part.Vertex(vec(ctx, ref, what))
    if not isinstance(ref, str) or not ref:
        raise OpError(f"{what} must be an object name, 'name.Face3' or a point [x, y, z]", code="bad_argument")
    name, _, sub = ref.partition(".")
    obj = ctx.get(name, what)
    if not sub:
        return name, obj.Shape
    try:
        return ref, obj.Shape.getElement(sub)
    except Exception:
        raise OpError(
            f"'{name}' has no sub-element '{sub}'",
            hint=f"it has Face1..Face{len(obj.Shape.Faces)}, Edge1..Edge{len(obj.Shape.Edges)}; see list_topology",
            code="bad_argument",
        )


@op("measure_distance", mutating=False)
def measure_distance(ctx, args):
    la, sa = _ref(ctx, args.get("a"), "a")
    lb, sb = _ref(ctx, args.get("b"), "b")
    dist, pairs, _info = sa.distToShape(sb)
    pa, pb = pairs[0] if pairs else (FreeCAD.Vector(), FreeCAD.Vector())
    out = {"a": la, "b": lb, "distance": r(dist), "point_a": [r(x) for x in pa], "point_b": [r(x) for x in pb]}
    if dist < 1e-7 and sa.Solids and sb.Solids:
        common = sa.common(sb).Volume
        out["overlap_volume"] = r(common)
        out["note"] = "the solids overlap" if common > INTERFERENCE_MIN else "the shapes touch"
    return out


def _overlapping_boxes(ctx, names):
    """Pairs whose bounding boxes overlap, by sweep and prune along X: sorted by their low X,
    each part is compared only with the parts whose X range it reaches, not with all of them."""
    order = {n: i for i, n in enumerate(names)}
    boxes = sorted(((ctx.doc.getObject(n).Shape.BoundBox, n) for n in names), key=lambda t: t[0].XMin)
    pairs = []
    for i, (ba, a) in enumerate(boxes):
        for bb, b in boxes[i + 1 :]:
            if bb.XMin > ba.XMax:
                break
            if ba.intersect(bb):
                pairs.append((a, b) if order[a] < order[b] else (b, a))
    return sorted(pairs, key=lambda p: (order[p[0]], order[p[1]]))


@op("check_design", mutating=False)
def check_design(ctx, args):
    names = ctx.part_names()
    warnings, parts = [], []
    for n in names:
        o = ctx.doc.getObject(n)
        h = health(o)
        problem = check_text(o.Shape)
        entry = {k: h[k] for k in ("name", "type", "volume", "bbox", "valid", "solids")}
        if problem:
            entry["check"] = problem
            warnings.append(f"'{n}' is not a valid solid: {problem}")
        warnings += h["warnings"]
        parts.append(entry)
    broken = [o.Name for o in ctx.doc.Objects if {"Invalid", "Error"} & set(getattr(o, "State", []))]
    if broken:
        warnings.append(f"these objects failed to recompute: {', '.join(broken)}")
    interferences = []
    pairs = _overlapping_boxes(ctx, names)
    if len(pairs) > MAX_EXACT_PAIRS:
        warnings.append(
            f"{len(pairs)} pairs of parts have overlapping bounding boxes; only the first {MAX_EXACT_PAIRS} were tested for interference"
        )
    for a, b in pairs[:MAX_EXACT_PAIRS]:
        c = ctx.doc.getObject(a).Shape.common(ctx.doc.getObject(b).Shape)
        v = c.Volume
        if v > INTERFERENCE_MIN:
            interferences.append({"a": a, "b": b, "volume": r(v), "bbox": bbox_of(c)})
            warnings.append(
                f"'{a}' and '{b}' overlap by {v:.6g} mm³; fuse them (boolean union) if they are one part, or move them apart"
            )
    if not names:
        warnings.append("the design has no visible solid parts yet")
    ok = bool(names) and not broken and not interferences and all("check" not in p for p in parts)
    return {"ok": ok, "parts": parts, "interferences": interferences, "warnings": warnings}

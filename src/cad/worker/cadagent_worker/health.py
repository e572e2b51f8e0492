"""Geometry health reported after every mutating op."""

# Replay fast path (`checks` op): while a record replays, steps skip the per-step isValid()
# (O(shape), so O(n²) over a build) and report "valid": null; the replay checks the delivered
# parts once at the end, and re-runs with checks on to name the step when that check fails.
_checks = {"valid": True}


def set_validity_checks(on):
    _checks["valid"] = bool(on)


def validity_checks():
    return _checks["valid"]


# Volume is a numerical integration over the faces (~20 ms on a plate with a few dozen holes),
# and an op asks for the same shape's volume several times (empty result? material removed?
# health), and the next op for its input's again. Entries hold the shape, so its memory cannot
# be reused by another shape that would then hash the same.
_VOLUMES = {}
_MEMO_SIZE = 64


def volume_of(shape):
    return _memo(_VOLUMES, shape, lambda: shape.Volume)


# The tight bbox deep-copies the shape (~20 ms on that plate); the delivered parts' health and
# the preview that follows ask for the same one.
_BBOXES = {}


def _memo(table, shape, compute):
    key = shape.hashCode()
    hit = table.get(key)
    if hit is not None and hit[0].isEqual(shape):
        return hit[1]
    v = compute()
    if len(table) >= _MEMO_SIZE:
        table.pop(next(iter(table)))
    table[key] = (shape, v)
    return v


def _loose_bbox(shape):
    b = shape.BoundBox
    return {"min": [r(b.XMin), r(b.YMin), r(b.ZMin)], "max": [r(b.XMax), r(b.YMax), r(b.ZMax)]}


def bbox_of(shape):
    # BoundBox is loose on curved faces (a torus R10 r2 reports ±12.99 instead of ±12), which
    # reads as a wrong dimension. optimalBoundingBox is tight and as fast; call it without
    # arguments: 0.20.2 segfaults on optimalBoundingBox(False). It raises on void shapes.
    # It measures a stored triangulation when there is one (an STL export or a render leaves
    # one, up to the mesh deflection outside the exact surface); a copy carries none.
    def tight():
        try:
            b = shape.copy().optimalBoundingBox()
        except Exception:
            b = shape.BoundBox
        return {"min": [r(b.XMin), r(b.YMin), r(b.ZMin)], "max": [r(b.XMax), r(b.YMax), r(b.ZMax)]}

    box = _memo(_BBOXES, shape, tight)
    return {"min": list(box["min"]), "max": list(box["max"])}


def r(x, nd=6):
    return round(float(x), nd)


def health(obj, valid=None):
    """`valid`: the caller's isValid() of this very shape, when it has one (it costs ~0.5 ms)."""
    shape = obj.Shape
    warnings = []
    solids = len(shape.Solids)
    if solids > 1:
        warnings.append(
            f"'{obj.Name}' has {solids} separate solids; if one part was intended, check that the pieces touch or overlap"
        )
    is_sketch = obj.TypeId.startswith("Sketcher::")
    if solids == 0 and not is_sketch:
        warnings.append(f"'{obj.Name}' has no solid (it is a {shape.ShapeType.lower()})")
    checked = _checks["valid"]
    # Replay fast path: a step's figures only go to the transcript, so the tight bbox (a deep copy
    # of the shape) and the area give way to BoundBox and null; the delivered parts get both.
    return {
        "name": obj.Name,
        "type": obj.TypeId,
        "volume": r(volume_of(shape)) if solids else 0.0,
        "area": r(shape.Area) if checked else None,
        "bbox": bbox_of(shape) if checked else _loose_bbox(shape),
        "valid": valid if valid is not None else (bool(shape.isValid()) if checked else None),
        "solids": solids,
        "faces": len(shape.Faces),
        "edges": len(shape.Edges),
        "warnings": warnings,
    }

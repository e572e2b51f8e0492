"""Geometric signatures of explicitly named sub-elements ("Edge3,Edge7", "Face6").

FreeCAD numbers faces and edges differently across versions after fillet, chamfer, shell,
refined booleans and hole (0.20 vs 1.0: 7 of the 18 edges of a filleted box). Every op that
takes an explicit name (fillet, chamfer, shell, hole, thread, engrave_text) reports each name's signature (type, centre, length or area, radius); the
design record stores it beside the step, and replay hands it back (`expect_refs`) before the
step, so a name whose current geometry differs is re-matched to the sub-element that still has
the recorded geometry. Selectors by direction or type (">Z", "%CIRCLE") need none of this.
"""

import re

from .selectors import center, geom_type, select, subshapes

_NAME = re.compile(r"\b((?:face|edge)\d+)\b", re.IGNORECASE)
_pending = {}


def expect_refs(refs):
    """Keep `refs` for the next op that selects by name; returns how many were given."""
    _pending.clear()
    if isinstance(refs, dict):
        _pending.update({k: v for k, v in refs.items() if isinstance(v, dict)})
    return len(_pending)


def _take():
    out = dict(_pending)
    _pending.clear()
    return out


def _canon(raw):
    return raw[0].upper() + raw[1:].lower()


def signature(sub):
    c = center(sub)
    sig = {"type": geom_type(sub), "center": [round(float(v), 6) + 0.0 for v in (c.x, c.y, c.z)]}
    sig["length" if sub.ShapeType == "Edge" else "area"] = round(
        float(sub.Length if sub.ShapeType == "Edge" else sub.Area), 6
    )
    try:
        g = sub.Curve if sub.ShapeType == "Edge" else sub.Surface
        if sig["type"] in ("CIRCLE", "CYLINDER", "SPHERE"):
            sig["radius"] = round(float(g.Radius), 6)
    except Exception:
        pass
    return sig


def _same(a, b, tol):
    if a.get("type") != b.get("type"):
        return False
    ca, cb = a.get("center") or [], b.get("center") or []
    if len(ca) != 3 or len(cb) != 3 or max(abs(float(x) - float(y)) for x, y in zip(ca, cb)) > tol:
        return False
    for k in ("length", "area", "radius"):
        if (k in a) != (k in b) or (k in a and abs(float(a[k]) - float(b[k])) > tol * max(1.0, abs(float(a[k])))):
            return False
    return True


def signatures(shape, kind, selector):
    """{name: signature} of the explicit names in `selector` that exist on `shape`."""
    if not isinstance(selector, str):
        return {}
    items = dict(subshapes(shape, kind))
    out = {}
    for m in _NAME.finditer(selector):
        name = _canon(m.group(1))
        if name in items:
            out[name] = signature(items[name])
    return out


def rematch(shape, kind, selector):
    """(selector with recorded names re-pointed at the sub-elements that carry their recorded
    geometry, warnings). Consumes the pending refs; a no-op when none were given."""
    refs = _take()
    if not refs or not isinstance(selector, str):
        return selector, []
    items = subshapes(shape, kind)
    by_name = dict(items)
    tol = 1e-5 * max(1.0, shape.BoundBox.DiagonalLength)
    warnings = []

    def swap(m):
        name = _canon(m.group(1))
        ref = refs.get(name)
        if ref is None or (name in by_name and _same(ref, signature(by_name[name]), tol)):
            return m.group(1)
        found = [n for n, s in items if _same(ref, signature(s), tol)]
        if len(found) == 1:
            warnings.append(f"{name} of the record is {found[0]} in this FreeCAD (matched by geometry)")
            return found[0]
        warnings.append(f"{name} no longer has its recorded geometry and none matches it; used {name} as numbered")
        return m.group(1)

    return _NAME.sub(swap, selector), warnings


def pick(shape, kind, selector, owner):
    """select() with recorded names re-matched first: ([(name, sub)], warnings, refs), where refs
    are the signatures of the explicit names used, for the op's result (`refs`)."""
    chosen, moved = rematch(shape, kind, selector)
    return select(shape, kind, chosen, owner=owner), moved, signatures(shape, kind, chosen)


def with_refs(h, moved, refs):
    """An op's result with the re-match warnings and the explicit names' signatures added."""
    h.setdefault("warnings", []).extend(moved)
    if refs:
        h["refs"] = refs
    return h

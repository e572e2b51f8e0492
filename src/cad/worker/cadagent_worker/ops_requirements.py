"""Requirements: the brief's checkable numbers, declared once by the model and measured on the
delivered parts at finish. They live in the worker with the document, so a replayed record (build,
edit, a restarted worker) carries them without any state on the Node side."""

import math

from .registry import op, OpError
from .health import bbox_of, r
from .materials import DENSITY

DEFAULT_TOL_MM = 0.1
DEFAULT_TOL_PCT = 1.0
AXES = {"x": 0, "y": 1, "z": 2}
KINDS = ("size", "holes", "volume", "mass", "fits_in", "parts")


def _requirements(ctx):
    return getattr(ctx, "requirements", [])


def _number(req, key, positive=True):
    v = req.get(key)
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v < 0 or (positive and v == 0):
        raise OpError(
            f"requirement '{req.get('id')}': {key} must be a {'positive' if positive else 'non-negative'} number",
            hint="state the brief's number, e.g. {id: 'width', kind: 'size', axis: 'x', value: 60}",
            code="bad_argument",
        )
    return float(v)


def _check_one(req):
    kind = req.get("kind")
    if kind not in KINDS:
        raise OpError(f"unknown requirement kind {kind!r}", hint="kinds: " + ", ".join(KINDS), code="bad_argument")
    if kind == "size":
        if req.get("axis") not in AXES:
            raise OpError(f"requirement '{req.get('id')}': axis must be x, y or z", code="bad_argument")
        _number(req, "value")
    elif kind == "holes":
        _number(req, "diameter")
        _number(req, "count", positive=False)  # "no holes" is a requirement too
    elif kind in ("volume", "mass"):
        _number(req, "value")
        if kind == "mass" and req.get("material") not in DENSITY and req.get("density") is None:
            raise OpError(
                f"requirement '{req.get('id')}': mass needs a material or a density (g/cm³)",
                hint="materials: " + ", ".join(DENSITY),
                code="bad_argument",
            )
        if kind == "mass" and req.get("density") is not None:
            _number(req, "density")
    elif kind == "fits_in":
        size = req.get("size")
        if not isinstance(size, list) or len(size) != 3:
            raise OpError(f"requirement '{req.get('id')}': size must be [x, y, z]", code="bad_argument")
    elif kind == "parts":
        _number(req, "count")


@op("declare_requirements")
def declare_requirements(ctx, args):
    reqs = args.get("requirements")
    if not isinstance(reqs, list):
        raise OpError("requirements must be a list", code="bad_argument")
    ids = [q.get("id") for q in reqs if isinstance(q, dict)]
    if len(ids) != len(reqs) or len(set(ids)) != len(ids):
        raise OpError("every requirement is an object with a unique id", code="bad_argument")
    for q in reqs:
        _check_one(q)
    # A second declaration replaces the first: the model restates the whole list.
    ctx.requirements = [dict(q) for q in reqs]
    return {"declared": len(reqs), "ids": ids, "note": "checked against the delivered parts at finish"}


def _is_hole(face):
    """A cylindrical face whose material lies outside the cylinder: its normal points at the axis."""
    surf = face.Surface
    u0, u1, v0, v1 = face.ParameterRange
    u, v = (u0 + u1) / 2, (v0 + v1) / 2
    p = face.valueAt(u, v)
    n = face.normalAt(u, v)
    rel = p - surf.Center
    radial = rel - surf.Axis * rel.dot(surf.Axis)
    return n.dot(radial) < 0


def _axis_key(surf):
    d = surf.Axis
    d = d * (1 / d.Length)
    comps = [d.x, d.y, d.z]
    lead = next(c for c in comps if abs(c) > 1e-9)
    if lead < 0:
        d = d * -1
    c = surf.Center
    foot = c - d * c.dot(d)
    return tuple(round(x, 3) + 0.0 for x in (d.x, d.y, d.z, foot.x, foot.y, foot.z))


def holes_of(shapes):
    """Holes as {axis-line key: diameter}: half-cylinder faces of one bore share an axis line."""
    found = {}
    for shape in shapes:
        for face in shape.Faces:
            if type(face.Surface).__name__ != "Cylinder" or not _is_hole(face):
                continue
            found[_axis_key(face.Surface)] = 2 * face.Surface.Radius
    return found


def _measure(req, parts):
    import Part

    shapes = [p.Shape for p in parts]
    kind = req["kind"]
    pct = float(req.get("tol_pct", DEFAULT_TOL_PCT))
    tol = float(req.get("tol", DEFAULT_TOL_MM))
    out = {"id": req["id"], "kind": kind}
    if kind in ("size", "fits_in"):
        b = bbox_of(Part.makeCompound(shapes))
        extent = [r(hi - lo) for lo, hi in zip(b["min"], b["max"])]
    if kind == "size":
        m = extent[AXES[req["axis"]]]
        out.update(expected=req["value"], measured=m, pass_=abs(m - req["value"]) <= tol, axis=req["axis"])
    elif kind == "fits_in":
        # Any orientation of the part's bbox axes may go into the box.
        box = sorted(float(x) for x in req["size"])
        ext = sorted(extent)
        out.update(expected=req["size"], measured=extent, pass_=all(a <= b + tol for a, b in zip(ext, box)))
    elif kind == "holes":
        holes = holes_of(shapes)
        d = req["diameter"]
        n = sum(1 for dia in holes.values() if abs(dia - d) <= tol)
        sizes = {}
        for dia in holes.values():
            sizes[round(dia, 3)] = sizes.get(round(dia, 3), 0) + 1
        detail = ", ".join(f"Ø{k:g}×{v}" for k, v in sorted(sizes.items())) or "none"
        out.update(expected=req["count"], measured=n, pass_=n == req["count"], diameter=d, detail=f"holes: {detail}")
    elif kind == "parts":
        n = sum(len(s.Solids) for s in shapes)
        out.update(expected=req["count"], measured=n, pass_=n == req["count"])
    else:
        volume = sum(s.Volume for s in shapes)
        m = volume
        if kind == "mass":
            density = float(req["density"]) if req.get("density") is not None else DENSITY[req["material"]]
            m = volume * density / 1000.0  # mm³ · g/cm³ → g
        m = r(m, 3)
        out.update(expected=req["value"], measured=m, pass_=abs(m - req["value"]) <= abs(req["value"]) * pct / 100)
    out["pass"] = out.pop("pass_")
    return out


@op("check_requirements", mutating=False)
def check_requirements(ctx, args):
    names = args.get("parts") or ctx.part_names()
    parts = [ctx.get(n, "part") for n in names]
    return {"requirements": [_measure(q, parts) for q in _requirements(ctx)]}

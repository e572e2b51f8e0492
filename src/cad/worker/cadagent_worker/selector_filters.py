"""Size filters and proximity for selectors (TOOLS.md "Selectors, more forms").

`%CIRCLE[d=8]`, `%CIRCLE[r<5]`, `%LINE[len>20]`, `%CYLINDER[d=6.6]`: a type atom narrowed by
diameter, radius or length with =, <, >, <=, >= (several joined by commas, all must hold);
equality is to 1e-6 mm. `near(x, y, z)`: the one face or edge nearest to a point.
Kept apart from selectors.py so the grammar there stays a small recursive-descent parser.
"""

import re

import FreeCAD
import Part

from .registry import OpError

EQ_TOL = 1e-6  # mm, as TOOLS.md promises for "="
_FILTER = re.compile(
    r"^\s*(?P<key>d|r|len)\s*(?P<op><=|>=|=|<|>)\s*(?P<value>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)
_OPS = {
    "=": lambda a, b: abs(a - b) <= EQ_TOL,
    "<": lambda a, b: a < b - EQ_TOL,
    ">": lambda a, b: a > b + EQ_TOL,
    "<=": lambda a, b: a <= b + EQ_TOL,
    ">=": lambda a, b: a >= b - EQ_TOL,
}
FILTER_HINT = 'size filters: "%CIRCLE[d=8]", "%CIRCLE[r<5]", "%CYLINDER[d>=6]", "%LINE[len>20]", joined by commas'


def parse_filters(text, selector):
    """ "d=8, len>2" → [(key, op, value)]; a bad filter is a bad_selector error."""
    out = []
    for part in text.split(","):
        m = _FILTER.match(part)
        if not m:
            raise OpError(
                f"cannot read size filter '{part.strip()}' in selector {selector!r}",
                hint=FILTER_HINT,
                code="bad_selector",
            )
        out.append((m.group("key"), m.group("op"), float(m.group("value"))))
    return out


def _radius(sub):
    try:
        g = sub.Surface if sub.ShapeType == "Face" else sub.Curve
        name = type(g).__name__
        if name in ("RectangularTrimmedSurface", "TrimmedCurve"):
            g = g.BasisSurface if name == "RectangularTrimmedSurface" else g.BasisCurve
        return float(g.Radius)
    except Exception:  # no radius: a plane, a line, a spline
        return None


def size_of(sub, key):
    """The measure a filter compares: radius, diameter or length; None when it has none."""
    if key == "len":
        return float(sub.Length) if sub.ShapeType == "Edge" else None
    r = _radius(sub)
    if r is None:
        return None
    return r if key == "r" else 2 * r


def matches(sub, filters):
    for key, op, value in filters:
        v = size_of(sub, key)
        if v is None or not _OPS[op](v, value):
            return False
    return True


def parse_point(text, selector):
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 3:
        raise OpError(
            f"near(...) needs three numbers x, y, z in selector {selector!r}",
            hint='e.g. "near(50, 0, 10)" picks the face or edge nearest to that point',
            code="bad_selector",
        )
    return FreeCAD.Vector(*parts)


def nearest(items, point):
    """Index of the item nearest to `point` (distance to the face/edge itself; a tie goes to the
    one whose centre is nearer, so a point on a box's top face picks that face, not a side)."""
    probe = Part.Vertex(point)
    best, best_key = None, None
    for i, (_, sub) in enumerate(items):
        try:
            d = sub.distToShape(probe)[0]
        except Exception:  # degenerate sub-shape
            continue
        try:
            c = (sub.CenterOfMass - point).Length
        except Exception:
            c = float("inf")
        key = (round(d / EQ_TOL), c)
        if best_key is None or key < best_key:
            best, best_key = i, key
    return set() if best is None else {best}

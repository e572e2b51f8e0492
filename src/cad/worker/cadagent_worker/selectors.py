"""CadQuery-style selectors over the faces or edges of one shape (TOOLS.md "Selectors").

Grammar (case-insensitive except sub-element names, which are normalised):
    expr   := term (("or" | ",") term)*
    term   := factor ("and" factor)*
    factor := "not" factor | "(" expr ")" | atom
    atom   := ">D" | "<D" | ">D[i]" | "<D[i]"   farthest (i-th farthest group) along D
            | "|D" | "#D"                      parallel / perpendicular to D
            | "+D" | "-D"                      planar faces whose outward normal points along +D / -D
            | "%TYPE" | "%TYPE[f, ...]"          geometry type (LINE, CIRCLE, PLANE, CYLINDER, ...), with size
                                               filters f := (d | r | len) (= | < | > | <= | >=) number
            | "near(x, y, z)"                  the one item nearest to a point
            | "*"                              everything
            | Face3 | Edge7                    explicit FreeCAD sub-element names
    D      := X | Y | Z | (x, y, z)

Every atom is evaluated against the full list of candidates, then combined as sets (as CadQuery
does), so ">Z and %LINE" means "the top-most group, restricted to lines".

"Parallel"/"perpendicular" follow TOOLS.md, which for faces differs from CadQuery: `|Z` faces
are those parallel to Z (planar faces whose normal is perpendicular to Z, and cylinders whose
axis is along Z); `#Z` faces are planar faces perpendicular to Z (normal along Z). For edges,
`|Z` is line edges along Z; `#Z` is line edges perpendicular to Z plus circles/ellipses lying in
a plane perpendicular to Z (e.g. the rims of a vertical cylinder).
"""

import re

import FreeCAD

from .registry import OpError
from .selector_filters import matches, nearest, parse_filters, parse_point

AXES = {"X": (1.0, 0.0, 0.0), "Y": (0.0, 1.0, 0.0), "Z": (0.0, 0.0, 1.0)}
KINDS = {"faces": "Face", "edges": "Edge"}
ANGLE_TOL = 1e-6  # |sin| / |cos| tolerance for parallel / perpendicular tests
REL_TOL = 1e-6  # "farthest" groups: relative to the shape's bbox diagonal

# FreeCAD geometry class names -> selector type names.
_TYPE_NAMES = {
    "Line": "LINE",
    "LineSegment": "LINE",
    "Circle": "CIRCLE",
    "ArcOfCircle": "CIRCLE",
    "Ellipse": "ELLIPSE",
    "ArcOfEllipse": "ELLIPSE",
    "Hyperbola": "HYPERBOLA",
    "Parabola": "PARABOLA",
    "BSplineCurve": "BSPLINE",
    "BezierCurve": "BEZIER",
    "OffsetCurve": "OFFSET",
    "Plane": "PLANE",
    "Cylinder": "CYLINDER",
    "Cone": "CONE",
    "Sphere": "SPHERE",
    "Toroid": "TORUS",
    "BSplineSurface": "BSPLINE",
    "BezierSurface": "BEZIER",
    "SurfaceOfRevolution": "REVOLUTION",
    "SurfaceOfExtrusion": "EXTRUSION",
    "OffsetSurface": "OFFSET",
}
GRAMMAR_HINT = (
    'selectors: ">Z" "<X" (farthest; ">Z[1]" second farthest), "|Z" (parallel), "#Z" (perpendicular), '
    '"+Z"/"-Z" (face normal direction), "%LINE" "%CIRCLE" "%PLANE" "%CYLINDER" "%CONE" "%SPHERE" "%TORUS" "%BSPLINE", '
    'sized "%CIRCLE[d=8]" "%CYLINDER[r<5]" "%LINE[len>20]", "near(x,y,z)", '
    '"*", combined with and/or/not and parentheses; or names like "Face6" or "Edge3,Edge7" (see list_topology)'
)

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<dir>[><|#+\-])\s*(?P<axis>[XYZxyz]|\(\s*[-+\d.eE]+\s*,\s*[-+\d.eE]+\s*,\s*[-+\d.eE]+\s*\))(?:\[(?P<idx>-?\d+)\])?"
    r"|%(?P<type>[A-Za-z]+)(?:\[(?P<filt>[^\]]*)\])?"
    r"|near\s*\((?P<near>[^)]*)\)"
    r"|(?P<name>(?:[Ff]ace|[Ee]dge|[Vv]ertex)\d+)"
    r"|(?P<kw>and|or|not)\b"
    r"|(?P<punct>[(),*])"
    r")",
    re.IGNORECASE,
)


# --- geometry helpers (also used by list_topology) ---------------------------------------------
def geom_type(sub):
    """Selector type name of a face or edge ("PLANE", "LINE", ...; "OTHER" when unknown)."""
    try:
        g = sub.Surface if sub.ShapeType == "Face" else sub.Curve
    except Exception:  # degenerate edges have no curve
        return "OTHER"
    name = type(g).__name__
    if name == "RectangularTrimmedSurface" or name == "TrimmedCurve":
        try:
            g = g.BasisSurface if name == "RectangularTrimmedSurface" else g.BasisCurve
            name = type(g).__name__
        except Exception:
            pass
    return _TYPE_NAMES.get(name, name.upper() or "OTHER")


def center(sub):
    """Centre of mass of a face/edge (the circle centre for a full circle)."""
    try:
        return sub.CenterOfMass
    except Exception:  # some degenerate sub-shapes have no mass properties
        b = sub.BoundBox
        return FreeCAD.Vector(b.Center)


def face_normal(face):
    """Outward normal of a planar face (orientation-aware), else None."""
    if geom_type(face) != "PLANE":
        return None
    try:
        u0, u1, v0, v1 = face.ParameterRange
        n = face.normalAt((u0 + u1) / 2, (v0 + v1) / 2)
        return n.normalize() if n.Length > 0 else None
    except Exception:
        return None


def axis_of(sub):
    """Axis of a circle, cylinder, cone, sphere-less revolved geometry; None otherwise."""
    t = geom_type(sub)
    try:
        if sub.ShapeType == "Face" and t in ("CYLINDER", "CONE", "TORUS", "REVOLUTION"):
            s = sub.Surface
            d = s.Axis if hasattr(s, "Axis") else s.Direction
            return FreeCAD.Vector(d).normalize()
        if sub.ShapeType == "Edge" and t in ("CIRCLE", "ELLIPSE"):
            return FreeCAD.Vector(sub.Curve.Axis).normalize()
    except Exception:
        return None
    return None


def line_direction(edge):
    if geom_type(edge) != "LINE":
        return None
    d = (
        edge.Vertexes[-1].Point - edge.Vertexes[0].Point
        if len(edge.Vertexes) >= 2
        else edge.tangentAt(edge.FirstParameter)
    )
    return FreeCAD.Vector(d).normalize() if d.Length > 0 else None


def describe(name, sub, nd=6):
    """{name, type, center, normal|direction|axis, radius?, area|length} for list_topology."""
    rr = lambda x: round(float(x), nd) + 0.0  # noqa: E731  (+0.0 turns -0.0 into 0.0)
    vv = lambda v: [rr(v.x), rr(v.y), rr(v.z)]  # noqa: E731
    out = {"name": name, "type": geom_type(sub), "center": vv(center(sub))}
    if sub.ShapeType == "Face":
        n = face_normal(sub)
        if n is not None:
            out["normal"] = vv(n)
        out["area"] = rr(sub.Area)
    else:
        d = line_direction(sub)
        if d is not None:
            out["direction"] = vv(d)
        out["length"] = rr(sub.Length)
    a = axis_of(sub)
    if a is not None:
        out["axis"] = vv(a)
    try:
        g = sub.Surface if sub.ShapeType == "Face" else sub.Curve
        if out["type"] in ("CIRCLE", "CYLINDER", "SPHERE"):
            out["radius"] = rr(g.Radius)
    except Exception:
        pass
    return out


def subshapes(shape, kind):
    """[(name, subshape)] in FreeCAD index order ("Face1", ...)."""
    if kind not in KINDS:
        raise OpError(f"kind must be 'faces' or 'edges', got {kind!r}", code="bad_argument")
    items = shape.Faces if kind == "faces" else shape.Edges
    prefix = KINDS[kind]
    return [(f"{prefix}{i + 1}", s) for i, s in enumerate(items)]


# --- evaluation ------------------------------------------------------------------------------------
class _Eval:
    def __init__(self, shape, kind, text):
        self.kind = kind
        self.items = subshapes(shape, kind)
        self.text = text
        diag = shape.BoundBox.DiagonalLength if not shape.isNull() else 1.0
        self.tol = REL_TOL * max(diag, 1.0)
        self.centres = [center(s) for _, s in self.items]
        self.all = set(range(len(self.items)))
        self.tokens = self._lex(text)
        self.pos = 0

    def _lex(self, text):
        out, i = [], 0
        while i < len(text):
            if text[i:].strip() == "":
                break
            m = _TOKEN.match(text, i)
            if not m or m.end() == i:
                raise OpError(
                    f"cannot parse selector {text!r} at '{text[i:].strip()}'", hint=GRAMMAR_HINT, code="bad_selector"
                )
            out.append(m)
            i = m.end()
        if not out:
            raise OpError("empty selector", hint=GRAMMAR_HINT, code="bad_selector")
        return out

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    @staticmethod
    def _word(m):
        if m is None:
            return None
        if m.group("kw"):
            return m.group("kw").lower()
        return m.group("punct")

    def parse(self):
        result = self._expr()
        if self._peek() is not None:
            raise OpError(
                f"unexpected '{self._peek().group(0).strip()}' in selector {self.text!r}",
                hint=GRAMMAR_HINT,
                code="bad_selector",
            )
        return result

    def _expr(self):
        acc = self._term()
        while self._word(self._peek()) in ("or", ","):
            self.pos += 1
            acc = acc | self._term()
        return acc

    def _term(self):
        acc = self._factor()
        while self._word(self._peek()) == "and":
            self.pos += 1
            acc = acc & self._factor()
        return acc

    def _factor(self):
        m = self._peek()
        w = self._word(m)
        if m is None:
            raise OpError(f"selector {self.text!r} ends too early", hint=GRAMMAR_HINT, code="bad_selector")
        self.pos += 1
        if w == "not":
            return self.all - self._factor()
        if w == "(":
            inner = self._expr()
            if self._word(self._peek()) != ")":
                raise OpError(f"missing ')' in selector {self.text!r}", hint=GRAMMAR_HINT, code="bad_selector")
            self.pos += 1
            return inner
        if w == "*":
            return set(self.all)
        if m.group("dir"):
            return self._direction(m.group("dir"), _axis(m.group("axis")), m.group("idx"))
        if m.group("type"):
            want = m.group("type").upper()
            filters = parse_filters(m.group("filt"), self.text) if m.group("filt") is not None else []
            return {i for i, (_, s) in enumerate(self.items) if geom_type(s) == want and matches(s, filters)}
        if m.group("near") is not None:
            return nearest(self.items, parse_point(m.group("near"), self.text))
        if m.group("name"):
            return {self._by_name(m.group("name"))}
        raise OpError(
            f"unexpected '{m.group(0).strip()}' in selector {self.text!r}", hint=GRAMMAR_HINT, code="bad_selector"
        )

    def _by_name(self, raw):
        name = raw[0].upper() + raw[1:].lower()
        prefix = KINDS[self.kind]
        if not name.startswith(prefix):
            raise OpError(
                f"'{raw}' is not one of the {self.kind}",
                hint=f"{self.kind} are named {prefix}1..{prefix}{len(self.items)}",
                code="bad_selector",
            )
        idx = int(name[len(prefix) :]) - 1
        if not 0 <= idx < len(self.items):
            raise OpError(
                f"'{name}' does not exist: the shape has {len(self.items)} {self.kind}",
                hint=f"use {prefix}1..{prefix}{len(self.items)}; see list_topology",
                code="bad_selector",
            )
        return idx

    def _direction(self, op, d, idx):
        if op in "><":
            return self._extreme(d if op == ">" else -d, int(idx) if idx is not None else 0)
        if idx is not None:
            raise OpError(
                f"an index [..] only applies to > and < (in {self.text!r})", hint=GRAMMAR_HINT, code="bad_selector"
            )
        out = set()
        for i, (_, s) in enumerate(self.items):
            if self.kind == "faces":
                n, a = face_normal(s), axis_of(s)
                if op == "|" and (
                    (n is not None and _perp(n, d)) or (a is not None and geom_type(s) == "CYLINDER" and _par(a, d))
                ):
                    out.add(i)
                elif op == "#" and n is not None and _par(n, d):
                    out.add(i)
                elif op in "+-" and n is not None and n.dot(d if op == "+" else -d) > 1 - ANGLE_TOL:
                    out.add(i)
            else:
                ld, a = line_direction(s), axis_of(s)
                if op == "|" and ld is not None and _par(ld, d):
                    out.add(i)
                elif op == "#" and ((ld is not None and _perp(ld, d)) or (a is not None and _par(a, d))):
                    out.add(i)
                elif op in "+-":
                    raise OpError(
                        "+D / -D select faces by normal; for edges use |D or #D", hint=GRAMMAR_HINT, code="bad_selector"
                    )
        return out

    def _extreme(self, d, index):
        """The index-th group (0 = farthest) of items by centre projected on d."""
        if not self.items:
            return set()
        proj = sorted(((c.dot(d), i) for i, c in enumerate(self.centres)), reverse=True)
        groups = []
        for p, i in proj:
            if groups and groups[-1][0] - p <= self.tol:
                groups[-1][1].append(i)
            else:
                groups.append([p, [i]])
        if not -len(groups) <= index < len(groups):
            raise OpError(
                f"index [{index}] out of range: only {len(groups)} distinct levels in that direction",
                hint=GRAMMAR_HINT,
                code="bad_selector",
            )
        chosen = groups[index][1]
        if self.kind == "faces":
            # As CadQuery does: among equally far faces, planes facing that way win over curved
            # faces whose centres happen to share the level.
            facing = [
                i for i in chosen if (n := face_normal(self.items[i][1])) is not None and n.dot(d) > 1 - ANGLE_TOL
            ]
            if facing:
                chosen = facing
        return set(chosen)


def _axis(text):
    t = text.strip()
    if t.upper() in AXES:
        return FreeCAD.Vector(*AXES[t.upper()])
    try:
        parts = [float(p) for p in t.strip("()").split(",")]
        v = FreeCAD.Vector(*parts)
    except Exception:
        raise OpError(f"bad direction {text!r}", hint=GRAMMAR_HINT, code="bad_selector")
    if v.Length < 1e-12:
        raise OpError("selector direction must not be the zero vector", hint=GRAMMAR_HINT, code="bad_selector")
    return v.normalize()


def _par(a, b):
    return a.cross(b).Length < ANGLE_TOL * max(a.Length * b.Length, 1e-12) * 10


def _perp(a, b):
    return abs(a.dot(b)) < ANGLE_TOL * 10


def summary(shape, kind):
    """What exists, for error messages: counts by type and the extreme centres along each axis."""
    items = subshapes(shape, kind)
    if not items:
        return f"the shape has no {kind}"
    counts = {}
    for _, s in items:
        t = geom_type(s)
        counts[t] = counts.get(t, 0) + 1
    parts = [f"{len(items)} {kind} (" + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())) + ")"]
    for ax, k in (("X", "x"), ("Y", "y"), ("Z", "z")):
        vals = [(getattr(center(s), k), name) for name, s in items]
        lo, hi = min(vals), max(vals)
        parts.append(f"{ax} centres {lo[0]:.6g} ({lo[1]}) .. {hi[0]:.6g} ({hi[1]})")
    return "; ".join(parts)


def select(shape, kind, selector, owner=None):
    """[(name, subshape)] of the `kind` ("faces"|"edges") of `shape` matching `selector`, in index
    order. Raises OpError (code "bad_selector" / "no_match") saying what exists when nothing matches."""
    if not isinstance(selector, str) or not selector.strip():
        raise OpError("selector must be a non-empty string", hint=GRAMMAR_HINT, code="bad_selector")
    ev = _Eval(shape, kind, selector)
    chosen = ev.parse()
    if not chosen:
        of = f" of '{owner}'" if owner else ""
        raise OpError(
            f"selector {selector!r} matched no {kind}{of}",
            hint=f"{summary(shape, kind)}. Use list_topology to see each one. " + GRAMMAR_HINT,
            code="no_match",
        )
    return [ev.items[i] for i in sorted(chosen)]

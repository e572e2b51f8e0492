"""Builds constrained Sketcher geometry for create_sketch's profiles.

Every profile is fully constrained against the sketch origin, and every dimensional constraint
whose input was a parameter expression is bound to it (`.Constraints[i]` -> `Params.width`), so
set_parameter re-drives the sketch and everything built on it. Derived dimensions (a centred
rectangle's corner, a rounded rectangle's arc-centre spacing) carry derived expressions.
"""

import math

import FreeCAD
import Part

from .registry import OpError
from .sketch_corners import corners

V = FreeCAD.Vector


def Con(*args):
    """Sketcher.Constraint, imported on first use: the module costs ~6 ms of every worker start."""
    import Sketcher

    return Sketcher.Constraint(*args)


ROOT = (-1, 1)  # the sketch origin: start point of the horizontal axis
START, END, MID = 1, 2, 3  # Sketcher point ids (MID = centre of a circle/arc)
EPS = 1e-9


class Q:
    """A value with the FreeCAD expression it came from (None for plain numbers)."""

    def __init__(self, value, expr=None):
        self.value = float(value)
        self.expr = expr

    def text(self):
        return f"({self.expr})" if self.expr else repr(self.value)

    def _op(self, other, sym, fn):
        o = other if isinstance(other, Q) else Q(other)
        expr = f"{self.text()} {sym} {o.text()}" if (self.expr or o.expr) else None
        return Q(fn(self.value, o.value), expr)

    def __add__(self, o):
        return self._op(o, "+", lambda a, b: a + b)

    def __sub__(self, o):
        return self._op(o, "-", lambda a, b: a - b)

    def __mul__(self, o):
        return self._op(o, "*", lambda a, b: a * b)

    def __truediv__(self, o):
        return self._op(o, "/", lambda a, b: a / b)


class Builder:
    """Accumulates geometry and constraints for one sketch, then commits them in one go."""

    def __init__(self, ctx, sketch):
        self.ctx = ctx
        self.sketch = sketch
        self.cons = []
        self.exprs = []  # (constraint index, FreeCAD expression)
        self.profiles = []  # one Part.Face per profile, for nesting checks and area

    # --- inputs ------------------------------------------------------------------------------
    def q(self, value, what):
        if value is None:
            raise OpError(f"{what} is required", hint="give a number or parameter expression", code="bad_argument")
        v = self.ctx.num(value, what)
        return Q(v, self.ctx.params.to_freecad_expr(value) if isinstance(value, str) else None)

    def pt(self, p, what):
        if not isinstance(p, (list, tuple)) or len(p) != 2:
            raise OpError(
                f"{what} must be [x, y], got {p!r}",
                hint="two numbers or parameter expressions in the sketch plane",
                code="bad_argument",
            )
        return self.q(p[0], f"{what}[0]"), self.q(p[1], f"{what}[1]")

    def positive(self, value, what):
        q = self.q(value, what)
        if q.value <= 0:
            raise OpError(
                f"{what} must be > 0, got {q.value:g}", hint=f"give a positive {what} in mm", code="bad_argument"
            )
        return q

    # --- constraints -------------------------------------------------------------------------
    def add(self, geo, construction=False):
        i = self.sketch.addGeometry(geo, construction)
        return i

    def con(self, c, q=None):
        self.cons.append(c)
        if q is not None and q.expr:
            self.exprs.append((len(self.cons) - 1, q.expr))

    def fix(self, g, pos, qx, qy):
        self.con(Con("DistanceX", ROOT[0], ROOT[1], g, pos, qx.value), qx)
        self.con(Con("DistanceY", ROOT[0], ROOT[1], g, pos, qy.value), qy)

    def commit(self):
        base = self.sketch.ConstraintCount
        if self.cons:
            self.sketch.addConstraint(self.cons)
        for i, expr in self.exprs:
            self.sketch.setExpression(f".Constraints[{base + i}]", expr)

    def face(self, edges, what):
        try:
            wire = Part.Wire(Part.__sortEdges__(edges))
            f = Part.Face(wire)
        except Exception as e:
            raise OpError(
                f"{what} is not a closed profile ({e})",
                hint="check the points: consecutive points must differ and the outline must close",
                code="bad_profile",
            )
        if not wire.isClosed() or f.Area <= EPS or not f.isValid():
            raise OpError(
                f"{what} does not enclose an area (self-intersecting or degenerate)",
                hint="the outline must not cross itself",
                code="bad_profile",
            )
        self.profiles.append((what, f))

    # --- profiles ----------------------------------------------------------------------------
    def rectangle(self, p, what):
        w, h = self.positive(p.get("width"), f"{what}.width"), self.positive(p.get("height"), f"{what}.height")
        x, y = self.q(p.get("x", 0), f"{what}.x"), self.q(p.get("y", 0), f"{what}.y")
        if p.get("centered"):
            x, y = x - w / 2, y - h / 2
        r = p.get("corner_radius")
        if r is not None and self.q(r, f"{what}.corner_radius").value > 0:
            return self._rounded(x, y, w, h, self.q(r, f"{what}.corner_radius"), what)
        X, Y, W, H = x.value, y.value, w.value, h.value
        pts = [V(X, Y, 0), V(X + W, Y, 0), V(X + W, Y + H, 0), V(X, Y + H, 0)]
        segs = [Part.LineSegment(pts[i], pts[(i + 1) % 4]) for i in range(4)]
        g = [self.add(s) for s in segs]
        for i in range(4):
            self.con(Con("Coincident", g[i], END, g[(i + 1) % 4], START))
        self.con(Con("Horizontal", g[0]))
        self.con(Con("Horizontal", g[2]))
        self.con(Con("Vertical", g[1]))
        self.con(Con("Vertical", g[3]))
        self.fix(g[0], START, x, y)
        self.con(Con("DistanceX", g[0], START, g[0], END, W), w)
        self.con(Con("DistanceY", g[1], START, g[1], END, H), h)
        self.face([s.toShape() for s in segs], what)

    def _rounded(self, x, y, w, h, r, what):
        if 2 * r.value >= min(w.value, h.value) - EPS:
            raise OpError(
                f"{what}.corner_radius {r.value:g} is too large for a {w.value:g} x {h.value:g} rectangle",
                hint=f"use a corner_radius below {min(w.value, h.value) / 2:g}",
                code="bad_argument",
            )
        X, Y, W, H, R = x.value, y.value, w.value, h.value, r.value
        lines = [
            Part.LineSegment(V(X + R, Y, 0), V(X + W - R, Y, 0)),
            Part.LineSegment(V(X + W, Y + R, 0), V(X + W, Y + H - R, 0)),
            Part.LineSegment(V(X + W - R, Y + H, 0), V(X + R, Y + H, 0)),
            Part.LineSegment(V(X, Y + H - R, 0), V(X, Y + R, 0)),
        ]
        centres = [V(X + W - R, Y + R, 0), V(X + W - R, Y + H - R, 0), V(X + R, Y + H - R, 0), V(X + R, Y + R, 0)]
        arcs = [
            Part.ArcOfCircle(Part.Circle(centres[i], V(0, 0, 1), R), math.radians(-90 + 90 * i), math.radians(90 * i))
            for i in range(4)
        ]
        g = []
        for i in range(4):
            g.append(self.add(lines[i]))
            g.append(self.add(arcs[i]))
        # Chain: line_i -> corner arc_i -> line_{i+1}; endpoint tangency also makes them coincident.
        for k in range(8):
            self.con(Con("Tangent", g[k], END, g[(k + 1) % 8], START))
        self.con(Con("Horizontal", g[0]))
        self.con(Con("Horizontal", g[4]))
        self.con(Con("Vertical", g[2]))
        self.con(Con("Vertical", g[6]))
        bl, br, tl = g[7], g[1], g[5]
        self.con(Con("Radius", bl, R), r)
        for a in (g[1], g[3], g[5]):
            self.con(Con("Equal", bl, a))
        self.fix(bl, MID, x + r, y + r)
        self.con(Con("DistanceX", bl, MID, br, MID, W - 2 * R), w - r * 2)
        self.con(Con("DistanceY", bl, MID, tl, MID, H - 2 * R), h - r * 2)
        self.face([s.toShape() for s in lines + arcs], what)

    def circle(self, p, what):
        cx, cy = self.q(p.get("cx", 0), f"{what}.cx"), self.q(p.get("cy", 0), f"{what}.cy")
        r = self.positive(p.get("radius"), f"{what}.radius")
        c = Part.Circle(V(cx.value, cy.value, 0), V(0, 0, 1), r.value)
        g = self.add(c)
        self.fix(g, MID, cx, cy)
        self.con(Con("Radius", g, r.value), r)
        self.face([c.toShape()], what)

    def polygon(self, p, what):
        raw = p.get("points")
        if not isinstance(raw, (list, tuple)) or len(raw) < 3:
            raise OpError(
                f"{what}.points needs at least 3 [x, y] points", hint="e.g. [[0,0],[10,0],[5,8]]", code="bad_argument"
            )
        pts = [self.pt(q, f"{what}.points[{i}]") for i, q in enumerate(raw)]
        if _same(pts[0], pts[-1]):
            pts = pts[:-1]  # the outline closes itself; a repeated first point is harmless
        self._chain(pts, [None] * len(pts), what, self._corner_radius(p, what))

    def regular_polygon(self, p, what):
        cx, cy = self.q(p.get("cx", 0), f"{what}.cx"), self.q(p.get("cy", 0), f"{what}.cy")
        R = self.positive(p.get("circumradius"), f"{what}.circumradius")
        n = self.q(p.get("sides"), f"{what}.sides").value
        if abs(n - round(n)) > 1e-9 or round(n) < 3 or round(n) > 1000:
            raise OpError(f"{what}.sides must be a whole number from 3 to 1000, got {n:g}", code="bad_argument")
        n = int(round(n))
        # First vertex on +x from the centre, as Part::Prism (create_prism) places it.
        pts = [
            V(cx.value + R.value * math.cos(2 * math.pi * k / n), cy.value + R.value * math.sin(2 * math.pi * k / n), 0)
            for k in range(n)
        ]
        segs = [Part.LineSegment(pts[k], pts[(k + 1) % n]) for k in range(n)]
        g = [self.add(s) for s in segs]
        circ = self.add(Part.Circle(V(cx.value, cy.value, 0), V(0, 0, 1), R.value), True)
        spoke = self.add(Part.LineSegment(V(cx.value, cy.value, 0), pts[0]), True)
        for k in range(n):
            self.con(Con("Coincident", g[k], END, g[(k + 1) % n], START))
            self.con(Con("PointOnObject", g[k], START, circ))
            if k:
                self.con(Con("Equal", g[0], g[k]))
        self.fix(circ, MID, cx, cy)
        self.con(Con("Radius", circ, R.value), R)
        self.con(Con("Coincident", spoke, START, circ, MID))
        self.con(Con("Coincident", spoke, END, g[0], START))
        self.con(Con("Horizontal", spoke))
        self.face([s.toShape() for s in segs], what)

    def slot(self, p, what):
        x1, y1 = self.q(p.get("x1"), f"{what}.x1"), self.q(p.get("y1"), f"{what}.y1")
        x2, y2 = self.q(p.get("x2"), f"{what}.x2"), self.q(p.get("y2"), f"{what}.y2")
        r = self.positive(p.get("radius"), f"{what}.radius")
        c1, c2 = V(x1.value, y1.value, 0), V(x2.value, y2.value, 0)
        if (c2 - c1).Length < 1e-7:
            raise OpError(
                f"{what}: the slot's two centres coincide",
                hint="use a circle instead, or move (x2, y2)",
                code="bad_argument",
            )
        d = (c2 - c1).normalize()
        n = V(-d.y, d.x, 0)
        R = r.value
        th = math.atan2(d.y, d.x)
        lineA = Part.LineSegment(c1 - n * R, c2 - n * R)
        arc2 = Part.ArcOfCircle(Part.Circle(c2, V(0, 0, 1), R), th - math.pi / 2, th + math.pi / 2)
        lineB = Part.LineSegment(c2 + n * R, c1 + n * R)
        arc1 = Part.ArcOfCircle(Part.Circle(c1, V(0, 0, 1), R), th + math.pi / 2, th + 3 * math.pi / 2)
        g = [self.add(s) for s in (lineA, arc2, lineB, arc1)]
        for k in range(4):
            self.con(Con("Tangent", g[k], END, g[(k + 1) % 4], START))
        self.con(Con("Radius", g[3], R), r)
        self.con(Con("Equal", g[3], g[1]))
        self.fix(g[3], MID, x1, y1)
        self.fix(g[1], MID, x2, y2)
        self.face([s.toShape() for s in (lineA, arc2, lineB, arc1)], what)

    def path(self, p, what):
        start = self.pt(p.get("start"), f"{what}.start")
        segs = p.get("segments")
        if not isinstance(segs, (list, tuple)) or not segs:
            raise OpError(
                f"{what}.segments must be a non-empty list",
                hint='e.g. [{"line_to": [10, 0]}, {"arc_to": [0, 10], "through": [7, 7]}]',
                code="bad_argument",
            )
        pts, throughs = [start], []
        for i, s in enumerate(segs):
            w = f"{what}.segments[{i}]"
            if not isinstance(s, dict) or ("line_to" in s) == ("arc_to" in s):
                raise OpError(
                    f"{w} must be {{line_to: [x, y]}} or {{arc_to: [x, y], through: [x, y]}}", code="bad_argument"
                )
            if "line_to" in s:
                pts.append(self.pt(s["line_to"], f"{w}.line_to"))
                throughs.append(None)
            else:
                if s.get("through") is None:
                    raise OpError(f"{w}: arc_to needs through (a point on the arc)", code="bad_argument")
                pts.append(self.pt(s["arc_to"], f"{w}.arc_to"))
                throughs.append(self.pt(s["through"], f"{w}.through"))
        if _same(pts[0], pts[-1]):
            pts = pts[:-1]  # already closed
        else:
            throughs.append(None)  # closing line back to start
        self._chain(pts, throughs, what, self._corner_radius(p, what))

    def _corner_radius(self, p, what):
        if p.get("corner_radius") is None:
            return None
        r = self.q(p["corner_radius"], f"{what}.corner_radius")
        if r.value < 0:
            raise OpError(f"{what}.corner_radius must be >= 0, got {r.value:g}", code="bad_argument")
        return r if r.value > 0 else None

    def _chain(self, pts, throughs, what, radius=None):
        """Closed chain through `pts` (Q pairs); segment k runs pts[k] -> pts[k+1], an arc when
        throughs[k] is given. Every vertex and through point is fixed by DistanceX/Y; with a
        radius, corners between straight segments are rounded (sketch_corners)."""
        n = len(pts)
        if n < 2 or (n == 2 and all(t is None for t in throughs)):
            raise OpError(f"{what} needs at least 3 distinct points", code="bad_profile")
        P = [V(x.value, y.value, 0) for x, y in pts]
        for k in range(n):
            if (P[(k + 1) % n] - P[k]).Length < 1e-7:
                raise OpError(
                    f"{what}: points {k} and {(k + 1) % n} coincide",
                    hint="remove the repeated point",
                    code="bad_profile",
                )
        rounded = corners(P, throughs, radius.value, what) if radius else {}
        geos, ends, shapes = [], [], []
        for k in range(n):
            a, b, t = P[k], P[(k + 1) % n], throughs[k]
            if t is None:
                seg = Part.LineSegment(
                    rounded[k].t2 if k in rounded else a, rounded[(k + 1) % n].t1 if (k + 1) % n in rounded else b
                )
                geos.append(self.add(seg))
                ends.append((START, END))
            else:
                tp = V(t[0].value, t[1].value, 0)
                turn = (tp - a).cross(b - tp).z
                if abs(turn) < 1e-9:
                    raise OpError(
                        f"{what}: arc {k} is a straight line (through point collinear with its ends)",
                        hint="move the through point off the chord, or use line_to",
                        code="bad_profile",
                    )
                # Sketcher arcs run counter-clockwise; a clockwise arc is stored reversed.
                seg = Part.Arc(a, tp, b) if turn > 0 else Part.Arc(b, tp, a)
                gi = self.add(seg)
                geos.append(gi)
                ends.append((START, END) if turn > 0 else (END, START))
                tpg = self.add(Part.Point(tp), True)
                self.con(Con("PointOnObject", tpg, 1, gi))
                self.fix(tpg, 1, t[0], t[1])
            shapes.append(seg.toShape())
        for k in range(n):
            nxt = (k + 1) % n
            if nxt in rounded:
                shapes.append(self._round(rounded[nxt], geos[k], ends[k][1], geos[nxt], pts[nxt], radius))
                continue
            self.con(Con("Coincident", geos[k], ends[k][1], geos[nxt], ends[nxt][0]))
            self.fix(geos[nxt], ends[nxt][0], *pts[nxt])
        self.face(shapes, what)

    def _round(self, c, line_in, end_in, line_out, vertex, radius):
        """The fillet arc of corner `c` between two lines; returns its shape."""
        arc = Part.Arc(c.t1, c.mid, c.t2) if c.left else Part.Arc(c.t2, c.mid, c.t1)
        g = self.add(arc)
        first, last = (START, END) if c.left else (END, START)
        self.con(Con("Tangent", line_in, end_in, g, first))
        self.con(Con("Tangent", g, last, line_out, START))
        self.con(Con("Radius", g, radius.value), radius)
        corner = self.add(Part.Point(V(vertex[0].value, vertex[1].value, 0)), True)
        self.fix(corner, 1, *vertex)
        self.con(Con("PointOnObject", corner, 1, line_in))
        self.con(Con("PointOnObject", corner, 1, line_out))
        return arc.toShape()


def _same(a, b):
    return abs(a[0].value - b[0].value) < 1e-9 and abs(a[1].value - b[1].value) < 1e-9


def check_nesting(profiles):
    """Profiles may be disjoint or nested (holes, islands); overlapping or touching ones cannot
    be made into faces, so they are rejected up front with their names."""
    for i in range(len(profiles)):
        for j in range(i + 1, len(profiles)):
            (na, fa), (nb, fb) = profiles[i], profiles[j]
            if fa.distToShape(fb)[0] > 1e-7:
                continue
            common = fa.common(fb).Area
            small = min(fa.Area, fb.Area)
            if common > 1e-9 and abs(common - small) <= 1e-7 * max(1.0, small):
                # nested: the boundaries must not touch
                if fa.Edges and fb.Edges and Part.Compound(fa.Edges).distToShape(Part.Compound(fb.Edges))[0] > 1e-7:
                    continue
            raise OpError(
                f"{na} and {nb} overlap or touch",
                hint="profiles must be separate or strictly inside one another (an inner profile becomes a hole); merge overlapping shapes into one path",
                code="bad_profile",
            )

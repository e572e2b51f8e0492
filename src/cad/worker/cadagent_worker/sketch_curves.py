"""Sketch profiles without Sketcher dimensions: ellipse and closed spline. Their geometry is
blocked (Sketcher "Block") rather than dimensioned, so their sizes are evaluated numbers in the
FCStd; replaying the design record re-applies parameters. Not an `ops_*` module."""

import math

import FreeCAD
import Part

from .registry import OpError
from .sketch_build import Con

V = FreeCAD.Vector


def ellipse(b, p, what):
    cx, cy = b.q(p.get("cx", 0), f"{what}.cx").value, b.q(p.get("cy", 0), f"{what}.cy").value
    rx, ry = b.positive(p.get("rx"), f"{what}.rx").value, b.positive(p.get("ry"), f"{what}.ry").value
    a = math.radians(b.q(p.get("angle", 0), f"{what}.angle").value)
    if ry > rx:  # Part.Ellipse wants the major axis first
        rx, ry, a = ry, rx, a + math.pi / 2
    c = V(cx, cy, 0)
    major = c + V(rx * math.cos(a), rx * math.sin(a), 0)
    minor = c + V(-ry * math.sin(a), ry * math.cos(a), 0)
    e = Part.Ellipse(major, minor, c) if rx > ry else Part.Circle(c, V(0, 0, 1), rx)
    g = b.add(e)
    b.con(Con("Block", g))
    b.face([e.toShape()], what)


def spline(b, p, what):
    raw = p.get("points")
    if not isinstance(raw, (list, tuple)) or len(raw) < 3:
        raise OpError(
            f"{what}.points needs at least 3 [x, y] points",
            hint="the closed curve passes through them",
            code="bad_argument",
        )
    pts = []
    for i, q in enumerate(raw):
        x, y = b.pt(q, f"{what}.points[{i}]")
        pts.append(V(x.value, y.value, 0))
    if (pts[0] - pts[-1]).Length < 1e-9:
        pts = pts[:-1]
    curve = Part.BSplineCurve()
    try:
        curve.interpolate(pts, PeriodicFlag=True)
    except Exception as e:
        raise OpError(
            f"{what}: cannot pass a closed spline through the points ({e})",
            hint="use distinct points",
            code="bad_profile",
        )
    g = b.add(curve)
    b.con(Con("Block", g))
    b.face([curve.toShape()], what)


def open_path(b, p, what):
    """Lines and three-point arcs from `start`, not closed: only a sweep path."""
    cur = b.pt(p.get("start"), f"{what}.start")
    cur = V(cur[0].value, cur[1].value, 0)
    segs = p.get("segments")
    if not isinstance(segs, list) or not segs:
        raise OpError(f"{what}.segments must be a non-empty list", hint="[{line_to: [x, y]}, ...]", code="bad_argument")
    for i, s in enumerate(segs):
        w = f"{what}.segments[{i}]"
        if not isinstance(s, dict) or ("line_to" not in s and "arc_to" not in s):
            raise OpError(f"{w} must be {{line_to}} or {{arc_to, through}}", code="bad_argument")
        end = b.pt(s.get("line_to", s.get("arc_to")), w)
        end = V(end[0].value, end[1].value, 0)
        if (end - cur).Length < 1e-9:
            raise OpError(f"{w} ends where it starts", hint="consecutive points must differ", code="bad_profile")
        if "arc_to" in s:
            mid = b.pt(s.get("through"), f"{w}.through")
            try:
                g = Part.Arc(cur, V(mid[0].value, mid[1].value, 0), end)
            except Exception as e:
                raise OpError(f"{w}: no arc through these points ({e})", code="bad_profile")
        else:
            g = Part.LineSegment(cur, end)
        b.con(Con("Block", b.add(g)))
        cur = end
    b.open_paths = getattr(b, "open_paths", 0) + 1

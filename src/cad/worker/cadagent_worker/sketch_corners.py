"""corner_radius on polygon and path profiles: a tangent arc at every corner between two straight
segments (a corner next to an arc segment is left sharp: it has no single fillet the user meant).

Geometry: at a corner V with incoming direction d1 and outgoing d2, the interior angle φ satisfies
cos φ = -d1·d2; the arc of radius r touches the lines at distance t = r / tan(φ/2) from V, and its
centre lies on the bisector at r / sin(φ/2). Constraints (sketch_build.Builder._chain): the corner
V stays as a construction point fixed at its coordinates (bound to any parameter expression) and
on both lines, the arc is tangent to both at its ends, and its radius is bound to corner_radius,
so set_parameter re-drives the rounding.
"""

import math

import FreeCAD

from .registry import OpError

V = FreeCAD.Vector


class Corner:
    """One rounded corner: tangent points t1 (on the incoming line), t2 (outgoing), arc midpoint."""

    def __init__(self, vertex, d1, d2, r):
        phi = math.acos(max(-1.0, min(1.0, -d1.dot(d2))))
        self.t = r / math.tan(phi / 2)
        self.t1 = vertex - d1 * self.t
        self.t2 = vertex + d2 * self.t
        bis = (d2 - d1).normalize()
        centre = vertex + bis * (r / math.sin(phi / 2))
        self.mid = centre + (vertex - centre).normalize() * r
        self.left = d1.cross(d2).z > 0  # counter-clockwise turn


def corners(P, throughs, r, what):
    """{vertex index: Corner} for the corners of the closed chain P (segment k: P[k] -> P[k+1],
    an arc when throughs[k] is given) that join two straight segments; an OpError when the
    radius does not fit a segment."""
    n = len(P)
    out = {}
    for k in range(n):
        if throughs[k - 1] is not None or throughs[k] is not None:
            continue
        d1 = (P[k] - P[k - 1]).normalize()
        d2 = (P[(k + 1) % n] - P[k]).normalize()
        if abs(d1.cross(d2).z) < 1e-9:
            continue  # straight on (or folding back): no corner to round
        out[k] = Corner(P[k], d1, d2, r)
    worst = None  # (largest radius that fits, side) over the sides the radius overfills
    for k in range(n):
        if throughs[k] is not None:
            continue
        used = (out[k].t if k in out else 0.0) + (out[(k + 1) % n].t if (k + 1) % n in out else 0.0)
        length = (P[(k + 1) % n] - P[k]).Length
        if used > length - 1e-7 and (worst is None or r * length / used < worst[0]):
            worst = (r * length / used, k, used, length)
    if worst:
        fit, k, used, length = worst
        raise OpError(
            f"{what}.corner_radius {r:g} is too large: the roundings at points {k} and {(k + 1) % n} "
            f"need {used:.4g} mm of a {length:.4g} mm side",
            hint=f"use a corner_radius below {fit:.4g}",
            code="bad_argument",
        )
    return out

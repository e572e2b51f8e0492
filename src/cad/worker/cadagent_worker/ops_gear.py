"""create_gear: an involute spur gear (ISO 53 basic rack: addendum m, dedendum 1.25·m).

Flanks are curves, not polylines: FreeCAD has no involute curve type, so each flank is a cubic
B-spline interpolating 40 exact involute points; the op measures the spline against the exact
involute and reports the largest deviation (`involute_max_deviation`, well under 1 µm for module
1). The result is a Part::Feature: `build --set teeth=20` replays the op with the new values
(module and teeth may be parameter expressions, evaluated when the op runs)."""

import math

import FreeCAD

from .registry import op, OpError
from .oputil import apply_placement, count, positive

SAMPLES = 40


def _inv(a):
    return math.tan(a) - a


class Gear:
    def __init__(self, module, teeth, pressure_deg):
        self.m, self.z = module, teeth
        self.alpha = math.radians(pressure_deg)
        self.r = module * teeth / 2
        self.rb = self.r * math.cos(self.alpha)
        self.ra = self.r + module
        self.rf = self.r - 1.25 * module
        self.half = math.pi / (2 * teeth) + _inv(self.alpha)  # half tooth angle at the base circle

    def flank_angle(self, rho):
        """Polar angle of the lower flank at radius rho (>= rb); the upper flank mirrors it."""
        return -(self.half - _inv(math.acos(self.rb / rho)))

    def tip_half_angle(self):
        return -self.flank_angle(self.ra)


def _pt(rho, ang):
    return FreeCAD.Vector(rho * math.cos(ang), rho * math.sin(ang), 0)


def _flank(g, r0, sign):
    """A B-spline through exact involute points from radius r0 to ra (sign -1: lower flank)."""
    import Part

    # Involute parameter t: rho = rb·sqrt(1 + t²); sampling in t clusters points near the base.
    t0, t1 = math.sqrt(max(0.0, (r0 / g.rb) ** 2 - 1)), math.sqrt((g.ra / g.rb) ** 2 - 1)
    pts = []
    for i in range(SAMPLES + 1):
        t = t0 + (t1 - t0) * i / SAMPLES
        rho = g.rb * math.sqrt(1 + t * t)
        pts.append(_pt(rho, sign * -g.flank_angle(rho)))
    b = Part.BSplineCurve()
    b.interpolate(pts)
    return b


def _deviation(g, curve, sign):
    worst = 0.0
    for i in range(201):
        p = curve.value(curve.FirstParameter + (curve.LastParameter - curve.FirstParameter) * i / 200)
        rho = math.hypot(p.x, p.y)
        if rho < g.rb:
            return float("inf")
        exact = sign * -g.flank_angle(rho)
        worst = max(worst, rho * abs(math.atan2(p.y, p.x) - exact))
    return worst


def gear_face(g):
    import Part

    r0 = max(g.rb, g.rf)
    lower, upper = _flank(g, r0, -1), _flank(g, r0, 1)
    dev = max(_deviation(g, lower, -1), _deviation(g, upper, 1))
    a0 = -g.flank_angle(r0)  # half angle where the flank starts
    pitch = 2 * math.pi / g.z
    centre, axis = FreeCAD.Vector(0, 0, 0), FreeCAD.Vector(0, 0, 1)
    edges = []
    for k in range(g.z):
        rot = FreeCAD.Placement(centre, FreeCAD.Rotation(axis, math.degrees(k * pitch)))
        tooth = []
        if g.rf < g.rb:
            tooth.append(Part.LineSegment(_pt(g.rf, -a0), _pt(g.rb, -a0)).toShape())
        tooth.append(lower.toShape())
        th = g.tip_half_angle()
        tooth.append(Part.ArcOfCircle(Part.Circle(centre, axis, g.ra), -th, th).toShape())
        up = upper.toShape()
        up.reverse()
        tooth.append(up)
        if g.rf < g.rb:
            tooth.append(Part.LineSegment(_pt(g.rb, a0), _pt(g.rf, a0)).toShape())
        tooth.append(Part.ArcOfCircle(Part.Circle(centre, axis, g.rf), a0, pitch - a0).toShape())
        for e in tooth:
            e = e.copy()
            e.Placement = rot
            edges.append(e)
    wire = Part.Wire(Part.__sortEdges__(edges))
    if not wire.isClosed():
        raise OpError("the gear outline did not close", hint="try another module or teeth", code="recompute_failed")
    return Part.Face(wire), dev


@op("create_gear")
def create_gear(ctx, args):
    import Part

    module = positive(ctx, args.get("module"), "module")
    teeth = count(ctx, args.get("teeth"), "teeth", 1)
    if teeth < 6:
        raise OpError(
            f"a gear needs at least 6 teeth, got {teeth}",
            hint="use 6 or more teeth (17+ avoids undercut at 20°); for a smaller gear lower the module instead",
            code="bad_argument",
        )
    thickness = positive(ctx, args.get("thickness"), "thickness")
    pa = ctx.num(args.get("pressure_angle", 20), "pressure_angle")
    if not 10 <= pa <= 35:
        raise OpError(
            f"pressure_angle must be in [10, 35] degrees, got {pa:g}", hint="20 is standard", code="bad_argument"
        )
    g = Gear(module, teeth, pa)
    if g.tip_half_angle() <= 0:
        raise OpError(
            "the teeth come to a point before the tip circle",
            hint="use more teeth or a larger pressure angle",
            code="bad_argument",
        )
    face, dev = gear_face(g)
    solid = face.extrude(FreeCAD.Vector(0, 0, thickness))
    if args.get("bore") is not None:
        bore = positive(ctx, args["bore"], "bore")
        if bore >= 2 * g.rf - 2 * module:
            raise OpError(
                f"bore Ø{bore:g} leaves no rim under the teeth (root Ø{2 * g.rf:g})",
                hint=f"use a bore under Ø{2 * g.rf - 2 * module:g}",
                code="bad_argument",
            )
        solid = solid.cut(Part.makeCylinder(bore / 2, thickness + 2, FreeCAD.Vector(0, 0, -1)))
    obj = ctx.add("Part::Feature", args.get("name"), "Gear")
    obj.Shape = solid.Solids[0]
    apply_placement(ctx, obj, args.get("position"), args.get("rotation"))
    h = ctx.finish_object(obj)
    h["gear"] = {
        "module": module,
        "teeth": teeth,
        "pitch_diameter": round(2 * g.r, 6),
        "outside_diameter": round(2 * g.ra, 6),
        "root_diameter": round(2 * g.rf, 6),
        "base_diameter": round(2 * g.rb, 6),
        "involute_max_deviation": float(f"{dev:.3g}"),
    }
    return h

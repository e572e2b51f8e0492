"""create_sketch: closed profiles on a base plane, as a constrained Sketcher::SketchObject.

The sketch is placed on XY/XZ/YZ with an offset along the remaining axis (bound to its
expression) rather than attached to a face: face names move when upstream geometry changes
(topological naming in 0.20), base planes do not.
"""

import FreeCAD
import Part

from .registry import op, OpError
from .health import r as rnd
from .sketch_build import Builder, check_nesting

# Sketch placement per plane: sketch (x, y) -> global axes. XZ is FreeCAD's own convention
# (x -> X, y -> Z; its normal is -Y), so "offset" is measured along the missing global axis and
# extrude's "normal" direction is the positive missing axis (see plane_axis).
PLANES = {
    "XY": (FreeCAD.Rotation(), "z"),
    "XZ": (FreeCAD.Rotation(FreeCAD.Vector(1, 0, 0), 90), "y"),
    "YZ": (FreeCAD.Rotation(FreeCAD.Vector(1, 1, 1), 120), "x"),
}
KINDS = ("rectangle", "circle", "polygon", "regular_polygon", "slot", "path")


def profile_face(sketch):
    """The sketch's wires made into one face with holes (what extrude/revolve will build)."""
    wires = sketch.Shape.Wires
    if not wires:
        raise OpError(
            f"sketch '{sketch.Name}' has no closed profile",
            hint="create_sketch with at least one profile",
            code="bad_profile",
        )
    open_w = [i for i, w in enumerate(wires) if not w.isClosed()]
    if open_w:
        raise OpError(f"sketch '{sketch.Name}' has open outlines", hint="every profile must close", code="bad_profile")
    return Part.makeFace(wires, "Part::FaceMakerBullseye")


def plane_axis(sketch):
    """The global axis a sketch extrudes along by default: +Z for XY, +Y for XZ, +X for YZ
    (for other placements, the sketch normal)."""
    n = sketch.Placement.Rotation.multVec(FreeCAD.Vector(0, 0, 1))
    if abs(n.y + 1) < 1e-9:  # XZ: FreeCAD's normal is -Y; the model expects +Y
        n = FreeCAD.Vector(0, 1, 0)
    return n


@op("create_sketch")
def create_sketch(ctx, args):
    plane = args.get("plane", "XY")
    if plane not in PLANES:
        raise OpError(
            f"plane must be XY, XZ or YZ, got {plane!r}",
            hint="XY: (x, y) -> (X, Y); XZ: (x, y) -> (X, Z); YZ: (x, y) -> (Y, Z)",
            code="bad_argument",
        )
    profiles = args.get("profiles")
    if not isinstance(profiles, list) or not profiles:
        raise OpError(
            "profiles must be a non-empty list",
            hint='e.g. [{"type": "rectangle", "x": 0, "y": 0, "width": 40, "height": 20}]',
            code="bad_argument",
        )
    sk = ctx.add("Sketcher::SketchObject", args.get("name"), "Sketch")
    rot, axis = PLANES[plane]
    offset = args.get("offset", 0)
    off = ctx.num(offset, "offset")
    base = FreeCAD.Vector(0, 0, 0)
    setattr(base, axis, off)
    sk.Placement = FreeCAD.Placement(base, rot)
    ctx.bind_expr(sk, f".Placement.Base.{axis}", offset)
    b = Builder(ctx, sk)
    for i, p in enumerate(profiles):
        what = f"profiles[{i}]"
        if not isinstance(p, dict) or p.get("type") not in KINDS:
            got = p.get("type") if isinstance(p, dict) else p
            raise OpError(
                f"{what}: unknown profile type {got!r}", hint="types: " + ", ".join(KINDS), code="bad_argument"
            )
        getattr(b, p["type"])(p, f"{what} ({p['type']})")
    check_nesting(b.profiles)
    b.commit()
    ctx.doc.recompute()
    status = sk.solve()
    if status != 0:
        raise OpError(
            f"the sketch solver failed on these profiles (code {status})",
            hint="check for repeated or conflicting points; simplify the profile",
            code="sketch_failed",
        )
    h = ctx.finish_object(sk)
    face = profile_face(sk)
    h.update(
        {
            "plane": plane,
            "offset": off,
            "profiles": len(profiles),
            "wires": len(sk.Shape.Wires),
            "profile_area": rnd(face.Area),
        }
    )
    h["warnings"] = [w for w in h["warnings"] if "has no solid" not in w]
    return h

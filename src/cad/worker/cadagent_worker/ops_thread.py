"""thread: a modelled ISO metric thread (60° profile) on an external cylinder or in a bore.

Construction (fast and exact on OCCT 7.6 and 7.8): four helices of the thread's pitch, one per corner of
the truncated ISO profile, joined by ruled surfaces (flanks, crest, inner face) and closed by two
planar end caps give the helical tooth (external) or groove (internal) as one solid. Each helix is
built turn by turn (one edge per turn): a single many-turn helix is a high-degree B-spline that
makes booleans wrong or slow. The profile reaches 0.1·P past the minor (external) / into the bore
(internal) radius so the boolean sees a volume overlap, not a tangency; it is clipped to the
thread length by a common with a cylinder, then fused onto the part turned down to the minor
diameter (external) or cut from the part (internal). No refine.

Profile: flanks at 30° from the radial, a flat P/8 wide at the outer radius (the crest of an
external thread, the root of an internal one); external depth 5H/8 = 0.541266·P (minor Ø =
d − 1.082532·P, root flat P/4); internal: from the bore (tap drill, the minor Ø) out to the
nominal major Ø. Volume of the thread region = turns · area · 2π · centroid radius (Pappus for a
helical sweep), reported as `modelled_volume` for checking.

The result is a Part::Feature: `build --set` replays the op with the new values."""

import math

import FreeCAD

from .registry import op, OpError
from .oputil import hidden_input_warnings, require_solid
from .selectors import geom_type
from .refs import pick, with_refs

# ISO 261 coarse pitches (mm).
COARSE = {
    "M1": 0.25, "M1.2": 0.25, "M1.6": 0.35, "M2": 0.4, "M2.5": 0.45, "M3": 0.5, "M3.5": 0.6, "M4": 0.7,
    "M5": 0.8, "M6": 1.0, "M7": 1.0, "M8": 1.25, "M10": 1.5, "M12": 1.75, "M14": 2.0, "M16": 2.0,
    "M18": 2.5, "M20": 2.5, "M22": 2.5, "M24": 3.0, "M27": 3.0, "M30": 3.5, "M33": 3.5, "M36": 4.0,
    "M39": 4.0, "M42": 4.5, "M45": 4.5, "M48": 5.0, "M52": 5.0, "M56": 5.5, "M60": 5.5, "M64": 6.0,
}  # fmt: skip
H_FACTOR = math.sqrt(3) / 2  # H = 0.866025·P
EXT_DEPTH = 5 * H_FACTOR / 8  # 0.541266·P
TAN30 = math.tan(math.radians(30))
MAX_TURNS = 200
OVERLAP = 0.1  # ·P past the inner radius


def parse_size(ctx, size, what="size"):
    """(nominal major Ø or None, pitch, depth or None) from "M8" or {pitch, depth}."""
    if isinstance(size, str):
        key = size.strip().upper().replace(" ", "")
        if key.startswith("M") and "X" in key:  # "M8x1": fine pitch given explicitly
            key, p = key.split("X", 1)
            try:
                pitch = float(p)
                d = float(key[1:])
            except ValueError:
                pitch = d = None
            if pitch and d and pitch > 0:
                return d, pitch, None
        if key in COARSE:
            return float(key[1:]), COARSE[key], None
        raise OpError(
            f"unknown thread size {size!r}",
            hint=f"an ISO coarse size {', '.join(COARSE)}, 'M8x1' for a fine pitch, or {{pitch, depth}} in mm",
            code="bad_argument",
        )
    if isinstance(size, dict):
        pitch = ctx.num(size.get("pitch"), f"{what}.pitch")
        depth = ctx.num(size.get("depth"), f"{what}.depth")
        if pitch <= 0 or depth <= 0:
            raise OpError(f"{what}.pitch and {what}.depth must be > 0", code="bad_argument")
        if depth > 0.6 * pitch:
            raise OpError(
                f"thread depth {depth:g} is too deep for pitch {pitch:g} (60° flanks allow at most 0.6·pitch)",
                hint=f"ISO depth is 0.541·pitch = {EXT_DEPTH * pitch:.4g} mm",
                code="bad_argument",
            )
        return None, pitch, depth
    raise OpError('size must be "M2"…"M64" or {pitch, depth}', code="bad_argument")


def _helix(pitch, turns, r, z0):
    import Part

    edges = []
    for k in range(turns):
        e = Part.makeHelix(pitch, pitch, r).Edges[0]
        e.translate(FreeCAD.Vector(0, 0, z0 + k * pitch))
        edges.append(e)
    return Part.Wire(edges)


def profile(pitch, r_lo, r_hi):
    """Trapezoid widths: (width at r_lo, width at r_hi); flat P/8 at r_hi, 30° flanks."""
    crest = pitch / 8
    return crest + 2 * (r_hi - r_lo) * TAN30, crest


def modelled_volume(pitch, r_lo, r_hi, length):
    """Exact volume of the thread region between r_lo and r_hi over `length` (Pappus)."""
    b0, b1 = profile(pitch, r_lo, r_hi)
    h = r_hi - r_lo
    area = 0.5 * (b0 + b1) * h
    rc = r_lo + h * (b0 + 2 * b1) / (3 * (b0 + b1))
    return length / pitch * area * 2 * math.pi * rc


def thread_body(pitch, r_lo, r_hi, length):
    """The helical tooth/groove between r_lo (extended by OVERLAP·P inward) and r_hi, clipped to
    0 <= z <= length, axis +Z."""
    import Part

    r_in = r_lo - OVERLAP * pitch
    crest = pitch / 8
    dz = (r_hi - r_in) * TAN30
    corners = [(r_in, 0.0), (r_hi, dz), (r_hi, dz + crest), (r_in, 2 * dz + crest)]
    turns = int(math.ceil(length / pitch)) + 2
    hel = [_helix(pitch, turns, r, z - pitch) for r, z in corners]
    faces = []
    # Ruled turn by turn, edge pair by edge pair: ruling the two whole multi-edge wires of different
    # radii twists the flanks on OCCT 7.8 (FreeCAD 1.0: 4x the flank area, an open shell).
    for i in range(4):
        for a, b in zip(hel[i].Edges, hel[(i + 1) % 4].Edges):
            faces.append(Part.makeRuledSurface(a, b))
    for zt in (-pitch, -pitch + turns * pitch):
        pts = [FreeCAD.Vector(r, 0, zt + z) for r, z in corners]
        faces.append(Part.Face(Part.makePolygon(pts + [pts[0]])))
    solid = Part.Solid(Part.Shell(faces))
    if solid.Volume < 0:
        solid.reverse()
    clipped = solid.common(Part.makeCylinder(r_hi + pitch, length))
    if clipped.isNull() or not clipped.Solids:
        raise OpError("FreeCAD could not build the thread", hint="try another length", code="recompute_failed")
    return clipped


def cylinder_frame(face):
    """(axis unit vector, point on the axis at the face's lower end, length, radius, external)."""
    s = face.Surface
    axis = FreeCAD.Vector(s.Axis).normalize()
    centre = FreeCAD.Vector(s.Center)
    u0, u1, v0, v1 = face.ParameterRange
    ts = []
    for v in (v0, v1):
        for u in (u0, (u0 + u1) / 2):
            ts.append((face.valueAt(u, v) - centre).dot(axis))
    for vx in face.Vertexes:
        ts.append((vx.Point - centre).dot(axis))
    t0, t1 = min(ts), max(ts)
    um, vm = (u0 + u1) / 2, (v0 + v1) / 2
    p = face.valueAt(um, vm)
    radial = (p - centre) - axis * (p - centre).dot(axis)
    external = face.normalAt(um, vm).dot(radial) > 0
    return axis, centre + axis * t0, t1 - t0, s.Radius, external


def check_turns(length, pitch):
    if length / pitch > MAX_TURNS:
        raise OpError(
            f"a {length:g} mm thread of pitch {pitch:g} has {length / pitch:.0f} turns (at most {MAX_TURNS})",
            hint="thread a shorter length (length argument) or split the part",
            code="bad_argument",
        )


def internal_radii(nominal, pitch, depth, bore_r):
    """(r_lo, r_hi) of an internal groove in a bore of radius bore_r, or an OpError."""
    if depth is None:
        depth = nominal / 2 - bore_r
        if not 0.25 * pitch <= depth <= 0.6 * pitch:
            raise OpError(
                f"M{nominal:g} needs a tap-drill bore of about Ø{nominal - pitch:g}; this bore is Ø{2 * bore_r:g}",
                hint=f"drill Ø{nominal - pitch:g} (or use hole with thread: 'M{nominal:g}'), or pick the size for this bore",
                code="bad_argument",
            )
    return bore_r, bore_r + depth


def external_radii(nominal, pitch, depth, radius):
    if nominal is not None and abs(2 * radius - nominal) > max(0.2, 0.05 * nominal):
        raise OpError(
            f"M{nominal:g} needs a Ø{nominal:g} cylinder; this face is Ø{2 * radius:g}",
            hint=f"make the cylinder Ø{nominal:g}, or pick the size that matches Ø{2 * radius:g}",
            code="bad_argument",
        )
    if depth is None:
        depth = EXT_DEPTH * pitch
    if radius - depth - OVERLAP * pitch <= 0.1 * radius:
        raise OpError(
            f"a thread {depth:g} mm deep (pitch {pitch:g}) does not fit a Ø{2 * radius:g} cylinder",
            hint="use a smaller pitch or depth, or a thicker cylinder",
            code="bad_argument",
        )
    return radius - depth, radius


def placed(shape, axis, start):
    shape = shape.copy()
    shape.Placement = FreeCAD.Placement(start, FreeCAD.Rotation(FreeCAD.Vector(0, 0, 1), axis))
    return shape


@op("thread")
def thread(ctx, args):
    import Part

    base = ctx.get(args.get("object"), "object")
    require_solid(base, "object")
    faces, moved, refs = pick(base.Shape, "faces", args.get("face"), base.Name)
    if len(faces) != 1:
        raise OpError(
            f"face must select one cylindrical face, it matched {len(faces)}",
            hint='e.g. "%CYLINDER" or a face name from list_topology',
            code="bad_argument",
        )
    fname, face = faces[0]
    if geom_type(face) != "CYLINDER":
        raise OpError(
            f"thread needs a cylindrical face; {fname} is {geom_type(face).lower()}",
            hint='select the rod\'s side or the bore wall, e.g. "%CYLINDER"',
            code="bad_argument",
        )
    nominal, pitch, depth = parse_size(ctx, args.get("size"))
    axis, start, face_len, radius, external = cylinder_frame(face)
    length = face_len
    if args.get("length") is not None:
        length = ctx.num(args["length"], "length")
        if not 0 < length <= face_len + 1e-6:
            raise OpError(
                f"length must be in (0, {face_len:g}] (the face's length), got {length:g}",
                code="bad_argument",
            )
        length = min(length, face_len)
    check_turns(length, pitch)
    if external:
        r_lo, r_hi = external_radii(nominal, pitch, depth, radius)
        # A shorter thread starts at the free end: the end farther from the part's centre of mass.
        if length < face_len - 1e-9:
            solids = base.Shape.Solids
            total = sum(x.Volume for x in solids)
            com = FreeCAD.Vector()
            for x in solids:
                com += x.CenterOfMass * (x.Volume / total)
            if abs((start - com).dot(axis)) < abs((start + axis * face_len - com).dot(axis)):
                start = start + axis * (face_len - length)
        ring = Part.makeCylinder(r_hi + pitch, length).cut(Part.makeCylinder(r_lo, length))
        body = thread_body(pitch, r_lo, r_hi, length)
        result = base.Shape.cut(placed(ring, axis, start)).fuse(placed(body, axis, start))
    else:
        if nominal is None:
            nominal = 2 * (radius + depth)
        r_lo, r_hi = internal_radii(nominal, pitch, depth, radius)
        body = thread_body(pitch, r_lo, r_hi, length)
        result = base.Shape.cut(placed(body, axis, start))
    if result.isNull() or len(result.Solids) != 1:
        raise OpError(
            "FreeCAD could not merge the thread into the part",
            hint="check the face is a full cylinder and the thread fits",
            code="recompute_failed",
        )
    obj = ctx.add("Part::Feature", args.get("name"), "Thread")
    obj.Shape = result.Solids[0]
    before = base.Shape.Volume
    h = ctx.finish_object(obj, consumed=[base], warnings=hidden_input_warnings([base]))
    h["thread"] = {
        "face": fname,
        "kind": "external" if external else "internal",
        "pitch": pitch,
        "major_diameter": round(2 * r_hi, 6),
        "minor_diameter": round(2 * r_lo, 6),
        "length": round(length, 6),
        "modelled_volume": round(modelled_volume(pitch, r_lo, r_hi, length), 6),
    }
    h["volume_change"] = round(obj.Shape.Volume - before, 6)
    return with_refs(h, moved, refs)

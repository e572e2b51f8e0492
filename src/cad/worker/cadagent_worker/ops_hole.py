"""hole: drilled, counterbored or countersunk holes into a planar face of a solid.

Built from parametric Part primitives so the FCStd stays editable: per position a
Part::Cylinder drill (plus a Part::Cylinder counterbore or a Part::Cone countersink), all hidden
helpers of the hole, fused by a Part::MultiFuse and removed by a Part::Cut. Diameters, depths
and countersink angles given as expressions stay bound to the Params sheet.

Each cutter starts a little outside the face (CLEAR) so no boolean sees coplanar faces; the
part outside the solid removes nothing, so depths are still measured from the face.
"""

import math

import FreeCAD

from .registry import op, OpError
from .oputil import add_helper, hidden_input_warnings, positive, require_solid, same_volume, vec
from .refs import pick, with_refs
from .selectors import face_normal
from .sketch_build import Q

ON_FACE_TOL = 1e-5


def _q(ctx, value, what):
    v = positive(ctx, value, what)
    return Q(v, ctx.params.to_freecad_expr(value) if isinstance(value, str) else None)


def _set(obj, prop, q):
    setattr(obj, prop, q.value)
    if q.expr:
        obj.setExpression(prop, q.expr)


def _listing(faces, limit=8):
    """What a selector matched: "Face1 (center [x, y, z], normal [...])", the first few."""

    def vec(v):
        return "[" + ", ".join(f"{c:.6g}" for c in (v.x, v.y, v.z)) + "]"

    parts = []
    for name, f in faces[:limit]:
        n = face_normal(f)
        parts.append(
            f"{name} (center {vec(f.CenterOfMass)}" + (f", normal {vec(n)})" if n is not None else ", curved)")
        )
    more = f" and {len(faces) - limit} more" if len(faces) > limit else ""
    return "; ".join(parts) + more


def _planar_faces(base, faces, selector):
    normals = [face_normal(f) for _, f in faces]
    if any(n is None for n in normals):
        bad = [n for (n, _), nv in zip(faces, normals) if nv is None]
        raise OpError(
            f"hole needs a planar face; {', '.join(bad)} is curved",
            hint='select the flat face the holes start on, e.g. ">Z"',
            code="bad_argument",
        )
    n0 = normals[0]
    p0 = faces[0][1].Vertexes[0].Point if faces[0][1].Vertexes else faces[0][1].CenterOfMass
    for (_name, f), n in zip(faces[1:], normals[1:]):
        if n.dot(n0) < 1 - 1e-9 or abs((f.CenterOfMass - p0).dot(n0)) > 1e-6:
            raise OpError(
                f"hole needs one face but {selector!r} matched {len(faces)} faces in different planes: {_listing(faces)}",
                hint='select one flat face (or coplanar faces), e.g. ">Z", "+Y", "near(x,y,z)" or one name above',
                code="bad_argument",
            )
    return faces, n0, p0


@op("hole")
def hole(ctx, args):
    if args.get("origin") is not None or args.get("direction") is not None:
        return _directed_hole(ctx, args)
    base = ctx.get(args.get("object"), "object")
    require_solid(base, "object")
    faces, moved, refs = pick(base.Shape, "faces", args.get("face"), base.Name)
    found = _planar_faces(base, faces, args.get("face"))
    h = _tapped_hole(ctx, args, base, found) if args.get("thread") is not None else _plain_hole(ctx, args, base, found)
    return with_refs(h, moved, refs)


def _plain_hole(ctx, args, base, found):
    faces, outward, plane_pt = found
    inward = -outward
    raw_positions = args.get("positions")
    if not isinstance(raw_positions, list) or not raw_positions:
        raise OpError(
            "positions must be a non-empty list of [x, y, z]",
            hint="global coordinates of the hole centres on the face",
            code="bad_argument",
        )
    if args.get("diameter") is None:
        raise OpError(
            "diameter is required", hint='hole diameter in mm (or thread: "M6" for a tapped hole)', code="bad_argument"
        )
    dia = _q(ctx, args["diameter"], "diameter")
    depth_raw = args.get("depth", "through")
    through = depth_raw == "through"
    depth = None if through else _q(ctx, depth_raw, "depth")
    cb, cs = args.get("counterbore"), args.get("countersink")
    if cb is not None and cs is not None:
        raise OpError("give counterbore or countersink, not both", code="bad_argument")
    cb_d = cb_h = cs_d = cs_a = None
    if cb is not None:
        if not isinstance(cb, dict):
            raise OpError("counterbore must be {diameter, depth}", code="bad_argument")
        cb_d, cb_h = _q(ctx, cb.get("diameter"), "counterbore.diameter"), _q(ctx, cb.get("depth"), "counterbore.depth")
        if cb_d.value <= dia.value:
            raise OpError(
                f"counterbore.diameter ({cb_d.value:g}) must exceed the hole diameter ({dia.value:g})",
                code="bad_argument",
            )
        if depth is not None and cb_h.value >= depth.value:
            raise OpError(
                f"counterbore.depth ({cb_h.value:g}) must be less than the hole depth ({depth.value:g})",
                code="bad_argument",
            )
    if cs is not None:
        if not isinstance(cs, dict):
            raise OpError("countersink must be {diameter, angle}", code="bad_argument")
        cs_d, cs_a = (
            _q(ctx, cs.get("diameter"), "countersink.diameter"),
            _q(ctx, cs.get("angle", 90), "countersink.angle"),
        )
        if cs_d.value <= dia.value:
            raise OpError(
                f"countersink.diameter ({cs_d.value:g}) must exceed the hole diameter ({dia.value:g})",
                code="bad_argument",
            )
        if not 0 < cs_a.value < 180:
            raise OpError(
                f"countersink.angle must be in (0, 180), got {cs_a.value:g}",
                hint="the included cone angle, typically 90 (metric) or 82 (imperial)",
                code="bad_argument",
            )

    shape = base.Shape
    bb = shape.BoundBox
    clear = max(0.01, 0.05 * dia.value)
    corners = [
        FreeCAD.Vector(x, y, z) for x in (bb.XMin, bb.XMax) for y in (bb.YMin, bb.YMax) for z in (bb.ZMin, bb.ZMax)
    ]
    through_len = max(0.0, max((c - plane_pt).dot(inward) for c in corners)) + 1.0
    warnings = hidden_input_warnings([base])
    positions = []
    for i, p in enumerate(raw_positions):
        pt = vec(ctx, p, f"positions[{i}]")
        off = (pt - plane_pt).dot(outward)
        proj = pt - outward * off
        dist = min(f.distToShape(_vertex(proj))[0] for _, f in faces)
        if abs(off) > ON_FACE_TOL:
            warnings.append(
                f"positions[{i}] {_fmt(pt)} is {off:.4g} mm off the face plane; drilled from its projection {_fmt(proj)}"
            )
        if dist > ON_FACE_TOL:
            warnings.append(f"positions[{i}] {_fmt(proj)} is not on the selected face ({dist:.4g} mm outside it)")
        positions.append((p, pt, proj, abs(off) <= ON_FACE_TOL))

    obj = ctx.add("Part::Cut", args.get("name"), "Hole")
    rot = FreeCAD.Rotation(FreeCAD.Vector(0, 0, 1), inward)
    radius = dia / 2
    drill_h = Q(through_len) + clear if through else depth + clear
    tools, per_position = [], []
    for k, (raw, _pt, proj, exact) in enumerate(positions):
        start = proj - inward * clear
        mine = []
        cyl = add_helper(ctx, "Part::Cylinder", obj.Name, f"drill{k + 1}")
        _set(cyl, "Radius", radius)
        _set(cyl, "Height", drill_h)
        _place(ctx, cyl, start, rot, raw if exact else None, inward, clear)
        mine.append(cyl)
        if cb_d is not None:
            c2 = add_helper(ctx, "Part::Cylinder", obj.Name, f"counterbore{k + 1}")
            _set(c2, "Radius", cb_d / 2)
            _set(c2, "Height", cb_h + clear)
            _place(ctx, c2, start, rot, raw if exact else None, inward, clear)
            mine.append(c2)
        if cs_d is not None:
            # Frustum from the face (radius D/2) down to the hole radius, extended outward by
            # `clear`: tan of the half angle gives the slope.
            tan_half = Q(math.tan(math.radians(cs_a.value / 2)), f"tan({cs_a.text()} / 2)" if cs_a.expr else None)
            cone = add_helper(ctx, "Part::Cone", obj.Name, f"countersink{k + 1}")
            _set(cone, "Radius1", cs_d / 2 + tan_half * clear)
            _set(cone, "Radius2", radius)
            _set(cone, "Height", (cs_d / 2 - radius) / tan_half + clear)
            _place(ctx, cone, start, rot, raw if exact else None, inward, clear)
            mine.append(cone)
        tools.extend(mine)
        per_position.append(mine)
    if len(tools) == 1:
        tool = tools[0]
    else:
        tool = add_helper(ctx, "Part::MultiFuse", obj.Name, "cutters")
        tool.Shapes = tools
    obj.Base = base
    obj.Tool = tool
    before = shape.Volume
    h = ctx.finish_object(obj, consumed=[base], warnings=warnings)
    after = obj.Shape.Volume
    for k, mine in enumerate(per_position):
        removed = sum(shape.common(t.Shape).Volume for t in mine)
        if removed <= 1e-9:
            h["warnings"].append(f"the hole at positions[{k}] {_fmt(positions[k][2])} removes no material")
    if same_volume(before, after):
        h["warnings"].append("hole removed no material: check the face and positions")
    elif after > before:
        h["warnings"].append(f"hole added material (volume {before:.6g} -> {after:.6g}); the result is suspect")
    h["removed_volume"] = round(before - after, 6)
    h["direction"] = [round(c, 9) + 0.0 for c in (inward.x, inward.y, inward.z)]
    return h


def _place(ctx, obj, start, rot, raw, inward, clear):
    """Place a cutter at `start`; components given as expressions stay bound (start = position
    - inward*clear, so the same offset goes into the expression)."""
    obj.Placement = FreeCAD.Placement(start, rot)
    if not isinstance(raw, (list, tuple)):
        return
    for c, v, n in zip("xyz", raw, (inward.x, inward.y, inward.z)):
        if isinstance(v, str):
            expr = ctx.params.to_freecad_expr(v)
            off = -n * clear
            obj.setExpression(f".Placement.Base.{c}", f"({expr}) + ({off!r})" if abs(off) > 1e-15 else expr)


def _vertex(p):
    import Part

    return Part.Vertex(p)


def _fmt(v):
    return "[" + ", ".join(f"{c:.6g}" for c in (v.x, v.y, v.z)) + "]"


def _directed_hole(ctx, args):
    """The second form: one hole from `origin` along `direction`, into any face (a radial hole in
    a shaft). A Part::Cylinder cutter starting `clear` before the origin, removed by a Part::Cut;
    diameter and depth stay bound to their expressions."""
    from .oputil import direction as unit

    base = ctx.get(args.get("object"), "object")
    require_solid(base, "object")
    if args.get("face") is not None or args.get("positions") is not None:
        raise OpError(
            "give either face + positions, or origin + direction",
            hint="origin + direction drills one hole in any direction, e.g. into a curved face",
            code="bad_argument",
        )
    origin = vec(ctx, args.get("origin"), "origin")
    d = unit(ctx, args.get("direction"), "direction")
    if args.get("diameter") is None:
        raise OpError("diameter is required", hint="hole diameter in mm", code="bad_argument")
    dia = _q(ctx, args["diameter"], "diameter")
    if args.get("thread") is not None or args.get("counterbore") is not None or args.get("countersink") is not None:
        raise OpError("the origin + direction form drills plain holes only", code="bad_argument")
    depth_raw = args.get("depth", "through")
    clear = max(0.01, 0.05 * dia.value)
    bb = base.Shape.BoundBox
    if depth_raw == "through":
        depth = Q(max(0.0, bb.DiagonalLength + (bb.Center - origin).Length)) + clear
    else:
        depth = _q(ctx, depth_raw, "depth") + clear
    obj = ctx.add("Part::Cut", args.get("name"), "Hole")
    cyl = add_helper(ctx, "Part::Cylinder", obj.Name, "drill1")
    _set(cyl, "Radius", dia / 2)
    _set(cyl, "Height", depth)
    cyl.Placement = FreeCAD.Placement(origin - d * clear, FreeCAD.Rotation(FreeCAD.Vector(0, 0, 1), d))
    obj.Base = base
    obj.Tool = cyl
    before = base.Shape.Volume
    if base.Shape.distToShape(_vertex(origin))[0] > max(1e-6, dia.value):
        warn = [f"origin {_fmt(origin)} is {base.Shape.distToShape(_vertex(origin))[0]:.4g} mm from '{base.Name}'"]
    else:
        warn = []
    h = ctx.finish_object(obj, consumed=[base], warnings=hidden_input_warnings([base]) + warn)
    if same_volume(before, obj.Shape.Volume):
        h["warnings"].append("hole removed no material: check origin and direction (it points into the solid)")
    h["removed_volume"] = round(before - obj.Shape.Volume, 6)
    h["direction"] = [round(c, 9) + 0.0 for c in (d.x, d.y, d.z)]
    return h


def _tapped_hole(ctx, args, base, found):
    """hole with thread: "M6": drilled at the tap drill (d − P; or `diameter` when given, which must
    suit the size) by the plain hole above, then the ISO internal thread (ops_thread) cut into each
    bore. The result is a Part::Feature (the parametric drill stays as its hidden input);
    `build --set` replays the op. Blind holes are threaded to one pitch short of the drill depth."""
    from .ops_thread import check_turns, internal_radii, parse_size, placed, thread_body, modelled_volume

    size = args.get("thread")
    if not isinstance(size, str):
        raise OpError('thread must be an ISO size such as "M6"', code="bad_argument")
    nominal, pitch, _ = parse_size(ctx, size, "thread")
    drill = nominal - pitch
    if args.get("diameter") is not None:
        drill = positive(ctx, args["diameter"], "diameter")
    r_lo, r_hi = internal_radii(nominal, pitch, None, drill / 2)
    plain = _plain_hole(ctx, {**args, "thread": None, "diameter": drill, "name": None}, base, found)
    drilled = ctx.get(plain["name"], "object")
    _faces, outward, plane_pt = found
    inward = -outward
    clear = max(0.01, 0.05 * drill)
    depth_raw = args.get("depth", "through")
    if depth_raw == "through":
        bb = base.Shape.BoundBox
        corners = [
            FreeCAD.Vector(x, y, z) for x in (bb.XMin, bb.XMax) for y in (bb.YMin, bb.YMax) for z in (bb.ZMin, bb.ZMax)
        ]
        length = max(0.0, max((c - plane_pt).dot(inward) for c in corners)) + clear
    else:
        depth = positive(ctx, depth_raw, "depth")
        length = max(depth - pitch, min(depth, pitch))
    check_turns(length + clear, pitch)
    body = thread_body(pitch, r_lo, r_hi, length + clear)
    shape = drilled.Shape
    for i, p in enumerate(args.get("positions") or []):
        pt = vec(ctx, p, f"positions[{i}]")
        proj = pt - outward * (pt - plane_pt).dot(outward)
        groove = placed(body, inward, proj - inward * clear)
        shape = shape.cut(groove)
    if shape.isNull() or len(shape.Solids) != 1:
        raise OpError("FreeCAD could not cut the thread", hint="check the hole positions", code="recompute_failed")
    obj = ctx.add("Part::Feature", args.get("name"), "TappedHole")
    obj.Shape = shape.Solids[0]
    before = base.Shape.Volume
    h = ctx.finish_object(obj, consumed=[drilled])
    h["warnings"] = plain["warnings"] + h["warnings"]
    h["removed_volume"] = round(before - obj.Shape.Volume, 6)
    h["direction"] = plain["direction"]
    h["thread"] = {
        "size": size,
        "pitch": pitch,
        "tap_drill": round(drill, 6),
        "major_diameter": round(2 * r_hi, 6),
        "length": round(length, 6),
        "modelled_volume_per_hole": round(modelled_volume(pitch, r_lo, r_hi, length), 6),
    }
    return h

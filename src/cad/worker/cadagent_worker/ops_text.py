"""engrave_text: lettering cut into (engrave) or raised from (emboss) a planar face, in the
system's DejaVu fonts (Part.makeWireString). The result is a Part::Feature; `build --set`
replays the op."""

import os

import FreeCAD

from .registry import op, OpError
from .oputil import hidden_input_warnings, positive, require_solid, vec
from .selectors import face_normal
from .refs import pick, with_refs

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")
FONTS = {"sans": "DejaVuSans.ttf", "serif": "DejaVuSerif.ttf", "mono": "DejaVuSansMono.ttf"}
FIT_TOL = 1e-6  # relative area of the lettering allowed off the face


def font_path(font):
    if font not in FONTS:
        raise OpError(f"unknown font {font!r}", hint="one of sans, serif, mono", code="bad_argument")
    for d in FONT_DIRS:
        p = os.path.join(d, FONTS[font])
        if os.path.exists(p):
            return p
    raise OpError(
        f"font file {FONTS[font]} is not installed",
        hint="install the DejaVu fonts (Debian: fonts-dejavu-core; scripts/setup does it)",
        code="missing_font",
    )


def text_faces(text, font_file, size):
    """Planar faces of the lettering in XY, baseline at y=0 (holes of o, e, A kept)."""
    import Part

    faces = []
    for char in Part.makeWireString(text, font_file, size, 0):
        wires = [w for w in char if w.isClosed()]
        if wires:
            f = Part.Face(wires, "Part::FaceMakerBullseye")
            faces.extend(f.Faces)
    if not faces:
        raise OpError("the text has no visible characters", hint="give some letters or digits", code="bad_argument")
    return Part.makeCompound(faces)


def face_frame(normal):
    """Text x and y directions on a face: x horizontal, y up the face (or +Y on flat faces)."""
    z = FreeCAD.Vector(0, 0, 1)
    if abs(normal.dot(z)) > 1 - 1e-9:
        x = FreeCAD.Vector(1, 0, 0) if normal.z > 0 else FreeCAD.Vector(-1, 0, 0)
    else:
        x = z.cross(normal).normalize()
    return x, normal.cross(x).normalize()


@op("engrave_text")
def engrave_text(ctx, args):
    base = ctx.get(args.get("object"), "object")
    require_solid(base, "object")
    faces, moved, refs = pick(base.Shape, "faces", args.get("face"), base.Name)
    normal = face_normal(faces[0][1]) if len(faces) == 1 else None
    if normal is None:
        raise OpError(
            "engrave_text needs exactly one planar face",
            hint='select one flat face, e.g. ">Z" for the top',
            code="bad_argument",
        )
    fname, face = faces[0]
    text = args.get("text")
    if not isinstance(text, str) or not text.strip():
        raise OpError("text must be a non-empty string", code="bad_argument")
    size = positive(ctx, args.get("size"), "size")
    depth = positive(ctx, args.get("depth"), "depth")
    mode = args.get("mode", "engrave")
    if mode not in ("engrave", "emboss"):
        raise OpError(f"mode must be engrave or emboss, got {mode!r}", code="bad_argument")
    centre = vec(ctx, args.get("position"), "position")
    letters = text_faces(text, font_path(args.get("font") or "sans"), size)
    # Centre the lettering's box on `position`, projected onto the face plane.
    b = letters.BoundBox
    letters.translate(FreeCAD.Vector(-b.Center.x, -b.Center.y, 0))
    x, y = face_frame(normal)
    on_plane = centre - normal * (centre - face.Vertexes[0].Point).dot(normal)
    m = FreeCAD.Matrix(x.x, y.x, normal.x, on_plane.x, x.y, y.y, normal.y, on_plane.y, x.z, y.z, normal.z, on_plane.z)
    letters.transformShape(m)  # rigid: keeps lines and curves (transformGeometry makes NURBS)
    area = letters.Area
    inside = letters.common(face).Area
    if inside < area * (1 - FIT_TOL):
        bw, bh = b.XLength, b.YLength
        raise OpError(
            f"the text does not fit on {fname}: {100 * (1 - inside / area):.1f}% of its {bw:.3g} × {bh:.3g} mm lettering is off the face",
            hint="use a smaller size, shorter text, or move position towards the face's centre",
            code="bad_argument",
        )
    if mode == "engrave":
        tool = letters.extrude(normal * -(depth + 0.01))
        tool.translate(normal * 0.01)
        result = base.Shape.cut(tool)
    else:
        result = base.Shape.fuse(letters.extrude(normal * depth))
    if result.isNull() or not result.Solids:
        raise OpError("FreeCAD could not cut the lettering", hint="try a smaller depth", code="recompute_failed")
    obj = ctx.add("Part::Feature", args.get("name"), "Text")
    obj.Shape = result.Solids[0] if len(result.Solids) == 1 else result
    before = base.Shape.Volume
    h = ctx.finish_object(obj, consumed=[base], warnings=hidden_input_warnings([base]))
    h.update(
        face=fname,
        text_size=[round(b.XLength, 6), round(b.YLength, 6)],
        volume_change=round(obj.Shape.Volume - before, 6),
    )
    return with_refs(h, moved, refs)

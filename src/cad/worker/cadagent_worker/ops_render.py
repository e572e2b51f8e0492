"""Tessellation for previews: the Node side rasterizes these meshes (no X server needed).

One mesh per object: shared vertices, triangles, and the B-rep face each triangle came from
(so Node can smooth normals inside a curved face yet keep creases between faces), packed as
base64 of 32-bit words, plus the object's feature edges as polylines. Seam edges (where a
cylinder's face closes on itself) and degenerate edges (sphere poles) are left out: they are
not features and would read as cracks.
"""

import base64
import math
import sys
from array import array
from collections import OrderedDict

from .registry import op, OpError
from .health import bbox_of, r
from . import mesh_helper
from .tessellation import ANGULAR, MAX_TRIANGLES, is_cached, mesh_shape, part_mesh

# By default each object's mesh is the shared tessellation (tessellation.py) that STL and 3MF
# export also use, so a build meshes each part once; an explicit `tolerance` meshes anew.
# Edges are sampled at the same angular deflection so they follow the triangles' borders.
ANGULAR_DEFLECTION = ANGULAR
# Meshes of unchanged objects are reused: a model asking for several views of the same design
# should not pay for meshing each time. Entries hold the shape itself, so its memory cannot be
# reused by a new shape that would then compare equal.
CACHE_SIZE = 16
_cache = OrderedDict()


def _bbox(shapes):
    """Tight overall bbox (bbox_of: BoundBox is loose on curved faces) and its diagonal."""
    boxes = [bbox_of(s) for s in shapes if not s.isNull()]
    if not boxes:
        return {"min": [0.0, 0.0, 0.0], "max": [0.0, 0.0, 0.0]}, 0.0
    # + 0.0 turns -0.0 (from rounding tiny negatives) into 0.0.
    lo = [min(b["min"][i] for b in boxes) + 0.0 for i in range(3)]
    hi = [max(b["max"][i] for b in boxes) + 0.0 for i in range(3)]
    return {"min": lo, "max": hi}, math.dist(lo, hi)


def _quantum(diag):
    """Decimals to keep: ~1e-5 of the part's size is sub-pixel and keeps the JSON short."""
    return max(0, min(9, -int(math.floor(math.log10(max(diag, 1e-9) * 1e-5)))))


def _packed(typecode, values):
    """Values as base64 of little-endian 32-bit words, as Node's typed arrays take them: several
    times cheaper to write and to parse than the same numbers as JSON text (render/mesh.ts)."""
    words = array(typecode, values)
    if sys.byteorder != "little":
        words.byteswap()
    return base64.b64encode(words.tobytes()).decode("ascii")


def _flatten(mesh):
    """(vertices, triangles, per-triangle face index) of a segmented mesh, packed (`_packed`)."""
    points, facets = mesh.Topology
    # One segment per B-rep face, in face order (Segments=True).
    face_of = [0] * len(facets)
    for seg in range(mesh.countSegments()):
        for f in mesh.getSegment(seg):
            face_of[f] = seg
    # float32, as the renderer uses them: finer than any pixel for parts up to kilometres.
    vertices = _packed("f", [c for p in points for c in (p.x, p.y, p.z)])
    triangles = _packed("I", [i for t in facets for i in t])
    return vertices, triangles, _packed("I", face_of), len(facets)


def _object_mesh(obj, shape, tol, nd):
    """(render payload, tolerance, triangle count) for one object (`tol` None: the shared
    tessellation), from the cache when its shape has not changed."""
    key = (obj.Name, tol, nd)
    hit = _cache.get(key)
    if hit is not None and hit[0].isEqual(shape):
        _cache.move_to_end(key)
        return hit[1], hit[2], hit[3]
    if not shape.Faces:
        vertices = triangles = face_of = ""
        count = 0
        tol = tol or 1e-3
    else:
        mesh, tol = part_mesh(obj) if tol is None else mesh_shape(shape, tol)
        vertices, triangles, face_of, count = _flatten(mesh)
    # Closed: every shell of a solid is watertight, so the renderer may skip back faces.
    closed = bool(shape.Solids) and all(sh.isClosed() for sh in shape.Shells)
    payload = {
        "name": obj.Name,
        "closed": closed,
        "vertices": vertices,
        "triangles": triangles,
        "faces": face_of,
        "edges": _edges(shape, tol, nd),
    }
    _cache[key] = (shape, payload, tol, count)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return payload, tol, count


def _edges(shape, tol, nd):
    """Feature edges as flat [x, y, z, ...] polylines, seams and degenerate edges left out."""
    seams = set()
    for face in shape.Faces:
        for e in face.Edges:
            if e.isSeam(face):
                seams.add(e.hashCode())
    lines = []
    for e in shape.Edges:
        if e.Degenerated or e.hashCode() in seams:
            continue
        try:
            # Tangential deflection, as BRepMesh uses, so edges follow the triangles' borders.
            pts = e.discretize(Angular=ANGULAR_DEFLECTION, Curvature=tol, Minimum=2)
        except Exception:
            continue  # an edge OCCT cannot sample is not worth failing a preview for
        if len(pts) >= 2:
            lines.append([round(c, nd) for p in pts for c in (p.x, p.y, p.z)])
    return lines


@op("tessellate", mutating=False)
def tessellate(ctx, args):
    """Meshes for rendering: `{objects?: [names], tolerance?: mm}`; every part when omitted."""
    names = args.get("objects") or ctx.part_names()
    if not isinstance(names, list):
        raise OpError("objects must be a list of names", code="bad_argument")
    if not names:
        raise OpError(
            "nothing to render: the design has no visible solid parts",
            hint="create a part first, or name objects explicitly",
            code="empty_result",
        )
    objs = [ctx.get(n) for n in names]
    shapes = [o.Shape for o in objs]
    box, diag = _bbox(shapes)
    tol = args.get("tolerance")
    if tol is not None and (not isinstance(tol, (int, float)) or tol <= 0):
        raise OpError(f"tolerance must be a positive number of mm, got {tol!r}", code="bad_argument")
    nd = _quantum(diag)
    out = []
    total = 0
    used = 0.0
    for o, s in zip(objs, shapes):
        payload, t, count = _object_mesh(o, s, tol, nd)
        used = max(used, t)
        total += count
        if total > MAX_TRIANGLES:
            raise OpError(
                f"the mesh for rendering is too large ({total} triangles)",
                hint="pass a larger tolerance (mm) or fewer objects",
                code="too_large",
            )
        out.append(payload)
    return {
        "tolerance": r(used),
        "bbox": box,
        "objects": out,
    }


@op("prefetch_meshes", mutating=False)
def prefetch_meshes(ctx, args):
    """`{start: true}`: start the mesh helper (mesh_helper.py) while steps run; `{names?}`: hand
    it those parts (every visible part when omitted) to mesh while the worker checks and
    exports them; `step: true`: have it write their STEP too (for an export of exactly these
    parts, in this order); `mesh: false`: only that. Only ever saves time."""
    if args.get("start"):
        mesh_helper.start()
        return {**mesh_helper.status(), "queued": []}
    # Every visible part only when asked for by omission (part_names walks the document).
    names = args["names"] if "names" in args else ctx.part_names()
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise OpError("names must be a list of object names", code="bad_argument")
    for flag in ("step", "mesh"):
        if not isinstance(args.get(flag, False), bool):
            raise OpError(f"{flag} must be true or false", code="bad_argument")
    objs = [ctx.get(n) for n in names]
    to_mesh = [o for o in objs if not is_cached(o)] if args.get("mesh", True) else []
    queued = mesh_helper.prefetch(to_mesh, step=objs if args.get("step") else ())
    return {**mesh_helper.status(), "queued": queued}

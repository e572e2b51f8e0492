"""One tessellation per part, shared by STL/OBJ export, 3MF export and the preview.

`part_mesh(obj)` meshes an object's shape once and keeps the result while the shape is
unchanged, so `build` (STL export, then preview) and a model asking for several views pay for
meshing once. `parts_mesh(objs)` merges the parts' meshes for a single-file export.

Tolerance, relative to the part's size (bbox diagonal d):
- chordal deviation = min(0.1 mm, 0.0005·d), so at most 0.05 % of the part and never more than
  0.1 mm (a fine FDM/SLA print layer) for parts up to 10 m across; beyond that it grows as
  1e-5·d so a huge part cannot explode the mesh (a cylinder of radius 1e7 mm once drove the
  worker past 5 GB at a fixed 0.1 mm);
- angular deviation 0.2 rad (32 segments per full circle at most), so small holes stay round.
A mesh above MAX_TRIANGLES is redone at twice the tolerance until it fits.
"""

from collections import OrderedDict

from . import mesh_helper
from .registry import OpError

RELATIVE = 0.0005
MAX_CHORD = 0.1
# Beyond 10 m the chord grows with the part: the segment count of a circle as large as the
# part stays near π / sqrt(2·1e-5·2√2) ≈ 420.
FLOOR_RELATIVE = 1e-5
ANGULAR = 0.2
MAX_TRIANGLES = 400_000
MAX_COARSENING = 8
CACHE_SIZE = 16
_cache = OrderedDict()


def chord_tolerance(shape):
    """The chordal deviation (mm) `part_mesh` uses for `shape`."""
    diag = max(shape.BoundBox.DiagonalLength, 1e-6)
    return max(min(MAX_CHORD, RELATIVE * diag), FLOOR_RELATIVE * diag, 1e-6)


def mesh_shape(shape, tol=None, fresh=False):
    """(Mesh with one segment per B-rep face, tolerance used) for a shape, not cached.
    `fresh`: the shape is a throw-away that carries no triangulation (mesh_helper.py)."""
    import MeshPart

    tol = chord_tolerance(shape) if tol is None else tol
    for attempt in range(MAX_COARSENING):
        # Mesh a copy: BRepMesh stores triangles on the shape, and optimalBoundingBox then
        # measures the mesh instead of the exact geometry (health.py); a coarser retry would
        # also find the finer triangles and keep them.
        mesh = MeshPart.meshFromShape(
            Shape=shape if fresh and attempt == 0 else shape.copy(),
            LinearDeflection=tol,
            AngularDeflection=ANGULAR,
            Relative=False,
            Segments=True,
        )
        if mesh.CountFacets <= MAX_TRIANGLES:
            return mesh, tol
        tol *= 2
    raise OpError(
        f"the mesh stays above {MAX_TRIANGLES} triangles even at a {tol:.3g} mm tolerance",
        hint="the part has too much fine detail to tessellate; export STEP instead",
        code="too_large",
    )


def part_mesh(obj):
    """(Mesh, tolerance) of `obj`'s shape, from the cache while the shape is unchanged."""
    shape = obj.Shape
    hit = _hit(obj.Name, shape)
    if hit is not None:
        _cache.move_to_end(obj.Name)
        return hit[1], hit[2]
    made = mesh_helper.take(obj)
    mesh, tol = made if made is not None else mesh_shape(shape)
    _cache[obj.Name] = (shape, mesh, tol)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return mesh, tol


def is_cached(obj):
    return _hit(obj.Name, obj.Shape) is not None


def _hit(name, shape):
    """The cache entry for `name` while its shape is still `shape`, else None. The entry holds
    the shape itself, so its memory cannot be reused by a new shape that would then compare equal."""
    hit = _cache.get(name)
    return hit if hit is not None and hit[0].isEqual(shape) else None


def parts_mesh(objs):
    """One Mesh of several parts (each at its own tolerance) and the largest tolerance used."""
    import Mesh

    pairs = [part_mesh(o) for o in objs]
    if len(pairs) == 1:
        return pairs[0]
    merged = Mesh.Mesh()
    for m, _ in pairs:
        merged.addMesh(m)
    return merged, max(t for _, t in pairs)

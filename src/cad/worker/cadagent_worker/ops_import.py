"""import_shape: an existing part (STEP, IGES, BREP, or a closed STL mesh) as a solid object. The
Node side has already checked that the user allowed the file; this only reads it."""

import os

from .registry import op, OpError


def _solid_from_shells(shape):
    """A file of closed shells (common in STEP from surface modellers) becomes solids."""
    import Part

    shells = shape.Shells
    if not shells and shape.Faces:
        # IGES often holds loose faces: sew them into shells first.
        sewn = shape.copy()
        sewn.sewShape()
        shells = sewn.Shells
    solids = []
    for shell in shells:
        if not shell.isClosed():
            return None
        solids.append(Part.makeSolid(shell))
    if not solids:
        return None
    return solids[0] if len(solids) == 1 else Part.makeCompound(solids)


def _read_mesh(path):
    import Mesh
    import Part

    mesh = Mesh.Mesh(path)
    if mesh.CountFacets == 0:
        raise OpError(f"'{os.path.basename(path)}' holds no triangles", code="import_failed")
    if not mesh.isSolid():
        raise OpError(
            f"the mesh in '{os.path.basename(path)}' is not closed, so it is not a solid",
            hint="repair the mesh (close its holes) or import a STEP of the part",
            code="not_solid",
        )
    faces = Part.Shape()
    faces.makeShapeFromMesh(mesh.Topology, 0.05)
    solid = Part.makeSolid(Part.Shell(faces.Faces))
    try:
        solid = solid.removeSplitter()
    except Exception:
        pass
    return solid


@op("import_shape")
def import_shape(ctx, args):
    import Part

    path = args.get("path")
    if not isinstance(path, str) or not os.path.isabs(path):
        raise OpError("import_shape needs an absolute path", code="bad_argument")
    if not os.path.isfile(path):
        raise OpError(f"no such file: {os.path.basename(path)}", code="not_found")
    base = os.path.basename(path)
    if path.lower().endswith(".stl"):
        shape = _read_mesh(path)
    else:
        shape = Part.Shape()
        try:
            shape.read(path)
        except Exception as e:
            raise OpError(
                f"could not read '{base}': {str(e).strip() or 'unreadable file'}",
                hint="check that the file is a valid STEP, IGES or BREP",
                code="import_failed",
            )
        if shape.isNull():
            raise OpError(f"'{base}' holds no shape", code="import_failed")
        if not shape.Solids:
            solid = _solid_from_shells(shape)
            if solid is None:
                kind = shape.ShapeType.lower()
                raise OpError(
                    f"'{base}' holds no solid (only a {kind} with {len(shape.Faces)} faces and no closed shell)",
                    hint="import a file of a closed solid body",
                    code="not_solid",
                )
            shape = solid
    obj = ctx.add("Part::Feature", args.get("name") or "imported", "imported")
    obj.Shape = shape
    return ctx.finish_object(obj)

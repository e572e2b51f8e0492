"""Re-import a STEP file in the worker without touching the document: the eval's check that an
exported part reads back as a valid solid with the same volume."""

import os

from .registry import op, OpError
from .health import bbox_of, r


@op("import_measure", mutating=False)
def import_measure(ctx, args):
    import Part

    path = args.get("path")
    if not isinstance(path, str) or not os.path.isabs(path) or not path.lower().endswith((".step", ".stp")):
        raise OpError("import_measure needs an absolute path to a .step/.stp file", code="bad_argument")
    if not os.path.isfile(path):
        raise OpError(f"no such file: {path}", code="not_found")
    shape = Part.Shape()
    try:
        shape.read(path)
    except Exception as e:
        return {"ok": False, "error": str(e) or "STEP read failed", "volume": 0.0, "valid": False, "solids": 0}
    solids = len(shape.Solids)
    return {
        "ok": not shape.isNull(),
        "error": None,
        "volume": r(shape.Volume) if solids else 0.0,
        "valid": bool(shape.isValid()) if not shape.isNull() else False,
        "solids": solids,
        "bbox": bbox_of(shape) if not shape.isNull() else None,
    }

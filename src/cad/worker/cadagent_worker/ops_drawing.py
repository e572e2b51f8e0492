"""drawing: an orthographic drawing sheet (front, top, right, iso) with visible and hidden edges
from TechDraw.projectEx (works without a GUI), overall dimensions on each orthographic view and
a title block; written as SVG, DXF or PDF (the SVG through rsvg-convert). Third-angle layout:
top above front, right beside front, iso in the remaining corner; a standard scale fits all."""

import os

import FreeCAD

from .registry import op, OpError
from .oputil import shape_of
from .confined_write import ConfinedWrite
from .ops_export import VIEWS, _target
from .drawing_sheet import Sheet, to_dxf, to_svg

SHEETS = (("A4", 297.0, 210.0), ("A3", 420.0, 297.0))
SCALES = (10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01)
CELLS = {"top": (0, 1), "iso": (1, 1), "front": (0, 0), "right": (1, 0)}  # (column, row from bottom)
MARGIN, TITLE_H, DIM_SPACE = 10.0, 28.0, 14.0
EXT = {"svg": ".svg", "dxf": ".dxf", "pdf": ".pdf"}


def _fmt(v):
    return f"{v:.3f}".rstrip("0").rstrip(".")


def _project(shape, view):
    """(view bbox in model mm, [(style, [(x, y)...])]) of a view, in the view's own frame."""
    import TechDraw

    d, x = (FreeCAD.Vector(*v).normalize() for v in VIEWS[view])
    y = d.cross(x)
    m = FreeCAD.Matrix(x.x, x.y, x.z, 0, y.x, y.y, y.z, 0, d.x, d.y, d.z, 0, 0, 0, 0, 1)
    turned = shape.transformed(m)
    groups = TechDraw.projectEx(turned, FreeCAD.Vector(0, 0, 1))
    lines = []
    for i, g in enumerate(groups):
        if g.isNull() or i == 4 or i == 9 or (view == "iso" and i >= 5):
            continue
        style = "visible" if i < 5 else "hidden"
        for e in g.Edges:
            pts = e.discretize(Deflection=0.01 * max(1.0, turned.BoundBox.DiagonalLength / 100))
            lines.append((style, [(p.x, p.y) for p in pts]))
    b = turned.BoundBox
    return (b.XMin, b.YMin, b.XMax, b.YMax), lines


def _layout(boxes):
    for name, w, h in SHEETS:
        cw, ch = (w - 2 * MARGIN) / 2, (h - 2 * MARGIN - TITLE_H) / 2
        for s in SCALES:
            if all((b[2] - b[0]) * s + 2 * DIM_SPACE <= cw and (b[3] - b[1]) * s + 2 * DIM_SPACE <= ch for b in boxes):
                return name, w, h, s, cw, ch
    raise OpError(
        "the part is too large for an A3 sheet at 1:100", hint="draw fewer or smaller parts", code="bad_argument"
    )


def _scale_text(s):
    return f"{_fmt(s)}:1" if s >= 1 else f"1:{_fmt(1 / s)}"


def _dims(texts, lines, x0, y0, x1, y1, w, h):
    """Overall width below the view and height to its right (sheet mm), labelled in model mm."""
    yd = y0 - 7
    lines += [("dim", [(x0, y0 - 1), (x0, yd - 1.5)]), ("dim", [(x1, y0 - 1), (x1, yd - 1.5)])]
    lines += [("dim", [(x0, yd), (x1, yd)]), ("dim", [(x0 + 1.5, yd + 0.8), (x0, yd), (x0 + 1.5, yd - 0.8)])]
    lines += [("dim", [(x1 - 1.5, yd + 0.8), (x1, yd), (x1 - 1.5, yd - 0.8)])]
    texts.append(((x0 + x1) / 2, yd + 1, 3.0, _fmt(w), "dimension", "middle"))
    xd = x1 + 7
    lines += [("dim", [(x1 + 1, y0), (xd + 1.5, y0)]), ("dim", [(x1 + 1, y1), (xd + 1.5, y1)])]
    lines += [("dim", [(xd, y0), (xd, y1)]), ("dim", [(xd - 0.8, y0 + 1.5), (xd, y0), (xd + 0.8, y0 + 1.5)])]
    lines += [("dim", [(xd - 0.8, y1 - 1.5), (xd, y1), (xd + 0.8, y1 - 1.5)])]
    texts.append((xd + 1.5, (y0 + y1) / 2 - 1, 3.0, _fmt(h), "dimension", "start"))


def build_sheet(shape, views, dimensions, title):
    projected = {v: _project(shape, v) for v in views}
    name, w, h, s, cw, ch = _layout([projected[v][0] for v in views])
    sheet = Sheet(w, h)
    for v in views:
        (bx0, by0, bx1, by1), lines = projected[v]
        col, row = CELLS[v]
        cx = MARGIN + cw * (col + 0.5)
        cy = MARGIN + TITLE_H + ch * (row + 0.5)
        ox, oy = cx - (bx0 + bx1) / 2 * s, cy - (by0 + by1) / 2 * s
        _n, vlines, texts = sheet.view(v)
        vlines.extend((st, [(ox + x * s, oy + y * s) for x, y in pts]) for st, pts in lines)
        if dimensions == "overall" and v != "iso":
            _dims(texts, vlines, ox + bx0 * s, oy + by0 * s, ox + bx1 * s, oy + by1 * s, bx1 - bx0, by1 - by0)
        texts.append((cx, MARGIN + TITLE_H + ch * row + 3, 3.5, v.upper(), "view-label", "middle"))
    sheet.frame.append(
        (
            "frame",
            [(MARGIN, MARGIN), (w - MARGIN, MARGIN), (w - MARGIN, h - MARGIN), (MARGIN, h - MARGIN), (MARGIN, MARGIN)],
        )
    )
    import datetime

    tx0, tx1, ty1 = w - MARGIN - 120, w - MARGIN, MARGIN + TITLE_H
    sheet.frame.append(("frame", [(tx0, MARGIN), (tx0, ty1), (tx1, ty1)]))
    sheet.frame.append(("frame", [(tx0, MARGIN + TITLE_H / 2), (tx1, MARGIN + TITLE_H / 2)]))
    rows = [
        (tx0 + 3, MARGIN + TITLE_H * 0.75 - 2, 5.0, title, "title", "start"),
        (tx0 + 3, MARGIN + TITLE_H * 0.25 - 2, 3.0, f"Scale {_scale_text(s)}", "scale", "start"),
        (tx0 + 33, MARGIN + TITLE_H * 0.25 - 2, 3.0, "Units mm", "units", "start"),
        (tx0 + 58, MARGIN + TITLE_H * 0.25 - 2, 3.0, datetime.date.today().isoformat(), "date", "start"),
        (tx1 - 3, MARGIN + TITLE_H * 0.25 - 2, 2.5, "third-angle · cadagent", "note", "end"),
    ]
    sheet.texts.extend(rows)
    dims = {v: [round(b[2] - b[0], 6), round(b[3] - b[1], 6)] for v, (b, _l) in projected.items() if v != "iso"}
    return sheet, {"sheet": name, "scale": _scale_text(s), "dimensions": dims if dimensions == "overall" else {}}


def _pdf(svg_text, tmp):
    # Imported here, as datetime in build_sheet: they cost ~10 ms of every worker start, and few runs draw.
    import shutil
    import subprocess

    exe = shutil.which("rsvg-convert")
    if not exe:
        raise OpError(
            "PDF drawings need rsvg-convert, which is not installed",
            hint="install librsvg2-bin (scripts/setup does it), or ask for format svg or dxf",
            code="missing_tool",
        )
    # Through pipes: the confined temp path (/proc/self/fd/…) means nothing to another process.
    try:
        pdf = subprocess.run([exe, "-f", "pdf"], input=svg_text.encode(), check=True, capture_output=True, timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        raise OpError(f"rsvg-convert failed: {e}", code="export_failed")
    with open(tmp, "wb") as f:
        f.write(pdf.stdout)


@op("drawing", mutating=False)
def drawing(ctx, args):
    fmt = args.get("format")
    if fmt not in EXT:
        raise OpError(f"unknown drawing format {fmt!r}", hint="svg, pdf or dxf", code="bad_argument")
    root, folder, base = _target(args)
    views = args.get("views") or ["front", "top", "right", "iso"]
    bad = [v for v in views if v not in CELLS]
    if bad or len(set(views)) != len(views):
        raise OpError(f"views must be distinct of front, top, right, iso; got {views}", code="bad_argument")
    dimensions = args.get("dimensions") or "overall"
    if dimensions not in ("overall", "none"):
        raise OpError("dimensions must be overall or none", code="bad_argument")
    names = args.get("parts") or ctx.part_names()
    if not names:
        raise OpError(
            "nothing to draw: the design has no visible solid parts", hint="create a part first", code="empty_result"
        )
    objs = [ctx.get(n) for n in names]
    ctx.recompute()
    sheet, info = build_sheet(shape_of(objs), views, dimensions, ", ".join(names))
    final = os.path.join(folder, base)
    # The same confined write as every export: a temp file no link can redirect, renamed in place.
    with ConfinedWrite(root, folder, base) as w:
        if fmt == "pdf":
            _pdf(to_svg(sheet), w.temp_path)
        else:
            with open(w.temp_path, "w", encoding="utf-8") as f:
                f.write(to_svg(sheet) if fmt == "svg" else to_dxf(sheet))
        w.commit()
    return {"format": fmt, "path": final, "bytes": os.path.getsize(final), "parts": names, "views": views, **info}

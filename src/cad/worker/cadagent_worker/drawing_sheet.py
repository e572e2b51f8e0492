"""The drawing sheet as plain geometry (polylines per style, texts) and its writers: SVG (one
<g class="view"> per view, <text class="dimension"> per dimension) and DXF (R12 LINE and TEXT
entities on layers VISIBLE, HIDDEN, DIM, FRAME). Not an `ops_*` module: ops_drawing uses it."""

from .oputil import xml_escape


class Sheet:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.views = []  # [(name, [(style, [(x, y), ...]), ...], [text, ...])]
        self.frame = []  # [(style, points)]
        self.texts = []  # [(x, y, size, text, cls, anchor)]

    def view(self, name):
        v = (name, [], [])
        self.views.append(v)
        return v


def _path(points, h):
    # Sheet y grows upwards (mm from the lower-left corner); SVG's grows downwards.
    return "M " + " L ".join(f"{x:.3f},{h - y:.3f}" for x, y in points)


STYLES = {
    "visible": 'stroke="#000" stroke-width="0.5" fill="none"',
    "hidden": 'stroke="#000" stroke-width="0.25" stroke-dasharray="2,1" fill="none"',
    "dim": 'stroke="#000" stroke-width="0.18" fill="none"',
    "frame": 'stroke="#000" stroke-width="0.35" fill="none"',
}


def _text(t, h):
    x, y, size, text, cls, anchor = t
    return (
        f'<text class="{cls}" x="{x:.3f}" y="{h - y:.3f}" font-size="{size:g}" text-anchor="{anchor}" '
        f'font-family="DejaVu Sans, sans-serif">{xml_escape(text)}</text>'
    )


def to_svg(sheet):
    w, h = sheet.width, sheet.height
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">',
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/>',
    ]
    for name, lines, texts in sheet.views:
        out.append(f'<g class="view" id="view-{name}">')
        out.extend(f'<path class="{s}" d="{_path(p, h)}" {STYLES[s]}/>' for s, p in lines if len(p) > 1)
        out.extend(_text(t, h) for t in texts)
        out.append("</g>")
    out.append('<g class="frame">')
    out.extend(f'<path class="{s}" d="{_path(p, h)}" {STYLES[s]}/>' for s, p in sheet.frame)
    out.extend(_text(t, h) for t in sheet.texts)
    out.append("</g>\n</svg>\n")
    return "\n".join(out)


LAYERS = {"visible": "VISIBLE", "hidden": "HIDDEN", "dim": "DIM", "frame": "FRAME"}


def to_dxf(sheet):
    """A minimal DXF R12: an ENTITIES section that every DXF reader accepts."""
    out = ["0", "SECTION", "2", "ENTITIES"]

    def line(layer, a, b):
        out.extend(["0", "LINE", "8", layer, "10", f"{a[0]:.4f}", "20", f"{a[1]:.4f}", "30", "0"])
        out.extend(["11", f"{b[0]:.4f}", "21", f"{b[1]:.4f}", "31", "0"])

    def text(layer, t):
        x, y, size, s, _cls, anchor = t
        align = {"start": 0, "middle": 1, "end": 2}[anchor]
        out.extend(["0", "TEXT", "8", layer, "10", f"{x:.4f}", "20", f"{y:.4f}", "30", "0", "40", f"{size:g}"])
        out.extend(["1", s.replace("\n", " "), "72", str(align), "11", f"{x:.4f}", "21", f"{y:.4f}", "31", "0"])

    for _name, lines, texts in sheet.views:
        for style, pts in lines:
            for a, b in zip(pts, pts[1:]):
                line(LAYERS[style], a, b)
        for t in texts:
            text("DIM", t)
    for style, pts in sheet.frame:
        for a, b in zip(pts, pts[1:]):
            line(LAYERS[style], a, b)
    for t in sheet.texts:
        text("FRAME", t)
    out.extend(["0", "ENDSEC", "0", "EOF"])
    return "\n".join(out) + "\n"

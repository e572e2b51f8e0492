"""3MF writer: one mesh object per part, millimetres, in the 3MF core package layout
([Content_Types].xml, _rels/.rels, 3D/3dmodel.model). Not an `ops_*` module: export uses it.

The triangles come from the shared tessellation (tessellation.py): one mesh per part, reused by
the STL export and the preview, at the part-relative chord tolerance documented there."""

import zipfile

from .oputil import xml_escape
from .tessellation import part_mesh

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>'
    "</Types>\n"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Target="/3D/3dmodel.model" Id="rel0" '
    'Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>'
    "</Relationships>\n"
)


def triangles(obj):
    """(points, triangles) of one part's shared mesh."""
    mesh, _tol = part_mesh(obj)
    return mesh.Topology


def write_3mf(parts, path):
    """`parts`: [(name, document object)]. Returns the total triangle count."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<model unit="millimeter" xml:lang="en-US" '
        'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">\n<resources>\n',
    ]
    total = 0
    for i, (name, obj) in enumerate(parts, start=1):
        pts, tris = triangles(obj)
        total += len(tris)
        out.append(f'<object id="{i}" type="model" name="{xml_escape(name, quote=True)}"><mesh><vertices>\n')
        out.extend(f'<vertex x="{p.x:.6g}" y="{p.y:.6g}" z="{p.z:.6g}"/>\n' for p in pts)
        out.append("</vertices><triangles>\n")
        out.extend(f'<triangle v1="{a}" v2="{b}" v3="{c}"/>\n' for a, b, c in tris)
        out.append("</triangles></mesh></object>\n")
    out.append("</resources>\n<build>\n")
    out.extend(f'<item objectid="{i}"/>\n' for i in range(1, len(parts) + 1))
    out.append("</build>\n</model>\n")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("3D/3dmodel.model", "".join(out))
    return total

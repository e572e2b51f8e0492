"""A forked helper that meshes the delivered parts, and writes their STEP, on the second core.

The end of a build is serial in one FreeCAD: the validity check, the STEP, the FCStd, and the
tessellation that STL, 3MF and the preview share (a third of the build's tail, plus ~80 ms to
import MeshPart). This process is idle meanwhile on a two-core machine, so the worker forks a
helper (`start`, at the beginning of a replay: the fork costs ~13 ms and the helper imports
MeshPart while the steps run) and hands it the parts' shapes (`prefetch`: an exact binary BREP
each, ~3 ms). The helper meshes them with the very code the worker would use (tessellation.py)
while the worker checks and exports; `take(obj)` then hands the mesh to the shared tessellation
cache, bit for bit the mesh the worker would have made.

The helper also writes the STEP when asked (`prefetch(..., step=objs)`): `Import.export` of a
Part::Feature holding the same shape under the same Name and Label, in a document of the same
name, writes the worker's own DATA section (only the header's timestamp differs; checked on
FreeCAD 0.20 and 1.0 by tests/integration/cad/helper-step.test.ts). That takes ~100 ms (half of
it importing Import, done here while the steps run) off the worker's serial tail. `take_step`
copies the file out only while every object still holds the shape handed off.

Fork, not a second FreeCAD: the child is born with FreeCAD and Part loaded, and the worker is
single-threaded, so forking it is safe. Where there is no fork (Windows), or whenever the helper
fails or dies, the worker meshes in-process as before: the helper only ever saves time.
"""

import json
import os
import signal
import sys

_state = {"pid": None, "jobs": None, "results": None, "dir": None, "next": 0, "taken": 0, "steps": 0}
# Object name -> (the shape handed off, job id) until its mesh is taken or the shape changes.
_pending = {}
# Object name -> the helper's answer for its pending job, once read.
_ready = {}
# The one STEP job awaited: {"job", "names", "labels", "shapes", "answer"}; answer None until read.
_step = {}


def available():
    return hasattr(os, "fork")


def start():
    """Fork the helper if it is not running. False when this platform cannot fork."""
    if _state["pid"] is not None:
        return True
    if not available():
        return False
    jobs_r, jobs_w = os.pipe()
    results_r, results_w = os.pipe()
    work = _state["dir"] or _private_dir()
    parent = os.getpid()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            _child(jobs_r, results_w, parent)
        finally:
            os._exit(0)
    os.close(jobs_r)
    os.close(results_w)
    _state.update(pid=pid, jobs=os.fdopen(jobs_w, "w", buffering=1), results=os.fdopen(results_r, "r"), dir=work)
    return True


def _private_dir():
    """A new folder in the worker's private TMPDIR (removed with it). Not tempfile.mkdtemp:
    importing tempfile costs ~13 ms, and this runs at the start of every replay."""
    base = os.environ.get("TMPDIR") or "/tmp"
    while True:
        path = os.path.join(base, f"meshes-{os.urandom(6).hex()}")
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue


def stop():
    """End the helper (after an interrupt, at worker exit); meshes not yet taken are dropped."""
    pid = _state["pid"]
    _pending.clear()
    _ready.clear()
    _step.clear()
    if pid is None:
        return
    for f in (_state["jobs"], _state["results"]):
        try:
            f.close()
        except OSError:
            pass
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
    _state.update(pid=None, jobs=None, results=None)


def status():
    """The helper's pid (None when not running), and how many meshes and STEP files the worker
    took from it."""
    return {"helper": _state["pid"], "taken": _state["taken"], "steps": _state["steps"]}


def step_exportable(objs):
    """Objects whose STEP the helper can write as the worker would: shape features, not
    containers or links (Import.export walks those into an assembly of their children)."""
    return bool(objs) and all(
        o.isDerivedFrom("Part::Feature") and not o.getSubObjects() and o.getLinkedObject(False) == o for o in objs
    )


def prefetch(objs, step=()):
    """Hand each of `objs` to the helper to mesh and, when `step` names objects, have it write
    their STEP (in that order, as one file). Returns the names handed off to mesh."""
    step = list(step)
    if not step_exportable(step):
        step = []
    if (not objs and not step) or not start():
        return []
    job = _state["next"] = _state["next"] + 1
    parts, briefs = [], {}
    for o in objs:
        shape = o.Shape
        if shape.isNull() or not shape.Faces:
            continue
        queued = _pending.get(o.Name)
        if queued is not None and queued[0].isEqual(shape):
            continue
        parts.append(_brief(o, shape, job, len(parts), briefs, mesh=True))
        _pending[o.Name] = (shape, job)
        _ready.pop(o.Name, None)
    job_step = None
    if step:
        shapes = [o.Shape for o in step]
        for o, shape in zip(step, shapes):
            if o.Name not in briefs:
                parts.append(_brief(o, shape, job, len(parts), briefs, mesh=False))
        names, labels = [o.Name for o in step], [o.Label for o in step]
        job_step = {"doc": step[0].Document.Name, "names": names, "labels": labels}
        job_step["file"] = os.path.join(_state["dir"], f"{job}.step")
        _step.clear()
        _step.update(job=job, names=names, labels=labels, shapes=shapes, answer=None)
    if not parts:
        return []
    try:
        _state["jobs"].write(json.dumps({"job": job, "parts": parts, "step": job_step}) + "\n")
    except OSError:
        stop()
        return []
    return [p["name"] for p in parts if "mesh" in p]


def _brief(obj, shape, job, index, briefs, mesh):
    path = os.path.join(_state["dir"], f"{job}-{index}.brep")
    # Binary BREP round-trips every double exactly (text BREP does not), so the helper
    # meshes and exports the very same geometry.
    shape.exportBinary(path)
    briefs[obj.Name] = path
    part = {"name": obj.Name, "brep": path}
    if mesh:
        part["mesh"] = path[:-5] + ".bms"
    return part


def take(obj):
    """(mesh, tolerance) the helper made for `obj`'s current shape, or None: mesh in-process."""
    queued = _pending.get(obj.Name)
    if queued is None:
        return None
    if not queued[0].isEqual(obj.Shape):
        del _pending[obj.Name]  # its answer is dropped when it comes
        return None
    while obj.Name not in _ready:
        if not _read_answer():
            return None
    del _pending[obj.Name]
    part = _ready.pop(obj.Name)
    if "error" in part:
        return None
    import Mesh

    mesh = Mesh.Mesh(part["mesh"])
    os.unlink(part["mesh"])
    # The binary mesh keeps points and facets but not the segments (one per B-rep face) the
    # preview tells faces apart by.
    for seg in part["segments"]:
        mesh.addSegment(seg)
    _state["taken"] += 1
    return mesh, part["tol"]


def take_step(objs, dest):
    """Copy the STEP the helper wrote for exactly `objs` (same order, names, labels and shapes as
    handed off) to `dest`. False (export in-process) when there is none, or it cannot be copied."""
    if _step.get("shapes") is None:
        return False
    same = (
        [o.Name for o in objs] == _step["names"]
        and [o.Label for o in objs] == _step["labels"]
        and all(o.Shape.isEqual(s) for o, s in zip(objs, _step["shapes"]))
    )
    if not same:
        _step["shapes"] = None  # its answer is dropped when it comes
        return False
    while _step.get("answer") is None:
        if not _read_answer():
            return False
    answer = _step["answer"]
    _step.clear()
    if "error" in answer:
        return False
    try:
        with open(answer["file"], "rb") as src, open(dest, "wb") as dst:
            dst.write(src.read())
    except OSError:
        return False
    finally:
        _unlink(answer["file"])
    _state["steps"] += 1
    return True


def _read_answer():
    """Read one answer; False when the helper is gone (then everything is done in-process)."""
    try:
        line = _state["results"].readline()
    except (OSError, ValueError, AttributeError):
        line = ""
    if not line:
        stop()
        return False
    answer = json.loads(line)
    if "step" in answer:
        if _step.get("job") == answer["job"] and _step["shapes"] is not None:
            _step["answer"] = answer["step"]
        elif "file" in answer["step"]:
            _unlink(answer["step"]["file"])  # a STEP nobody waits for any more
        return True
    for part in answer["parts"]:
        queued = _pending.get(part["name"])
        if queued is not None and queued[1] == answer["job"]:
            _ready[part["name"]] = part
        elif "mesh" in part and "error" not in part:
            _unlink(part["mesh"])  # a mesh nobody waits for any more
    return True


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _child(jobs_fd, results_fd, parent):
    _detach({jobs_fd, results_fd}, parent)
    from .tessellation import mesh_shape

    import Part
    import MeshPart  # noqa: F401  (imported now, while the worker replays)
    import Import  # noqa: F401  (likewise: ~50 ms of the STEP export)

    out = os.fdopen(results_fd, "w", buffering=1)
    for line in os.fdopen(jobs_fd, "r"):
        req = json.loads(line)
        parts, shapes = [], {}
        for p in req["parts"]:
            try:
                shape = Part.Shape()
                shape.importBinary(p["brep"])
                os.unlink(p["brep"])
                shapes[p["name"]] = shape
                if "mesh" not in p:
                    continue
                # A shape fresh from a file carries no triangulation, so it needs no copy.
                mesh, tol = mesh_shape(shape, fresh=True)
                mesh.write(p["mesh"])
                segs = [list(mesh.getSegment(i)) for i in range(mesh.countSegments())]
                parts.append({"name": p["name"], "mesh": p["mesh"], "tol": tol, "segments": segs})
            except Exception as e:  # noqa: BLE001 - the worker meshes in-process instead
                parts.append({"name": p["name"], "error": f"{type(e).__name__}: {e}"})
        # The meshes first: the preview asks for them before the STEP is due.
        out.write(json.dumps({"job": req["job"], "parts": parts}) + "\n")
        if req.get("step"):
            out.write(json.dumps({"job": req["job"], "step": _write_step(req["step"], shapes)}) + "\n")


def _write_step(job, shapes):
    """The STEP of `job`'s objects as the worker would write it: the same shapes, names and
    labels, in a document of the worker's document's name (Import.export names a multi-part
    file's assembly after the document)."""
    import FreeCAD
    import Import

    try:
        if job["doc"] in FreeCAD.listDocuments():
            FreeCAD.closeDocument(job["doc"])  # the fork's copy of the worker's document
        doc = FreeCAD.newDocument(job["doc"])
        try:
            objs = []
            for name, label in zip(job["names"], job["labels"]):
                obj = doc.addObject("Part::Feature", name)
                obj.Shape = shapes[name]
                obj.Label = label
                if obj.Name != name or obj.Label != label:
                    raise RuntimeError(f"could not recreate {name!r} as {label!r}")
                objs.append(obj)
            Import.export(objs, job["file"])
        finally:
            FreeCAD.closeDocument(doc.Name)
        if not os.path.getsize(job["file"]):
            raise RuntimeError("Import.export wrote nothing")
        return {"file": job["file"]}
    except Exception as e:  # noqa: BLE001 - the worker exports in-process instead
        _unlink(job["file"])
        return {"error": f"{type(e).__name__}: {e}"}


def _detach(keep, parent):
    """The helper holds none of the worker's pipes (the Node side must see their ends as the
    worker's alone), ignores the SIGINT meant for the worker, and dies with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass  # elsewhere the helper ends at EOF on its job pipe, when the worker is gone
    if os.getppid() != parent:
        os._exit(0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        fds = [int(x) for x in os.listdir("/proc/self/fd")]
    except OSError:
        fds = range(3, 1024)
    for fd in fds:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass

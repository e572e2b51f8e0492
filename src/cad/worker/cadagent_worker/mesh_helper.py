"""A forked helper that meshes the delivered parts on the second core.

The end of a build is serial in one FreeCAD: the validity check, the STEP, the FCStd, and the
tessellation that STL, 3MF and the preview share (a third of the build's tail, plus ~80 ms to
import MeshPart). This process is idle meanwhile on a two-core machine, so the worker forks a
helper (`start`, at the beginning of a replay: the fork costs ~13 ms and the helper imports
MeshPart while the steps run) and hands it the parts' shapes (`prefetch`: an exact binary BREP
each, ~3 ms). The helper meshes them with the very code the worker would use (tessellation.py)
while the worker checks and exports; `take(obj)` then hands the mesh to the shared tessellation
cache, bit for bit the mesh the worker would have made.

Fork, not a second FreeCAD: the child is born with FreeCAD and Part loaded, and the worker is
single-threaded, so forking it is safe. Where there is no fork (Windows), or whenever the helper
fails or dies, the worker meshes in-process as before: the helper only ever saves time.
"""

import json
import os
import signal
import sys

_state = {"pid": None, "jobs": None, "results": None, "dir": None, "next": 0, "taken": 0}
# Object name -> (the shape handed off, job id) until its mesh is taken or the shape changes.
_pending = {}
# Object name -> the helper's answer for its pending job, once read.
_ready = {}


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
    """The helper's pid (None when not running) and how many meshes the worker took from it."""
    return {"helper": _state["pid"], "taken": _state["taken"]}


def prefetch(objs):
    """Hand each object's shape to the helper; returns the names handed off."""
    if not objs or not start():
        return []
    job = _state["next"] = _state["next"] + 1
    parts = []
    for o in objs:
        shape = o.Shape
        if shape.isNull() or not shape.Faces:
            continue
        queued = _pending.get(o.Name)
        if queued is not None and queued[0].isEqual(shape):
            continue
        path = os.path.join(_state["dir"], f"{job}-{len(parts)}.brep")
        # Binary BREP round-trips every double exactly (text BREP does not), so the helper
        # meshes the very same geometry.
        shape.exportBinary(path)
        parts.append({"name": o.Name, "brep": path, "mesh": path[:-5] + ".bms"})
        _pending[o.Name] = (shape, job)
        _ready.pop(o.Name, None)
    if not parts:
        return []
    try:
        _state["jobs"].write(json.dumps({"job": job, "parts": parts}) + "\n")
    except OSError:
        stop()
        return []
    return [p["name"] for p in parts]


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


def _read_answer():
    """Read one job's answer; False when the helper is gone (then everything is meshed in-process)."""
    try:
        line = _state["results"].readline()
    except (OSError, ValueError, AttributeError):
        line = ""
    if not line:
        stop()
        return False
    answer = json.loads(line)
    for part in answer["parts"]:
        queued = _pending.get(part["name"])
        if queued is not None and queued[1] == answer["job"]:
            _ready[part["name"]] = part
        elif "mesh" in part and "error" not in part:
            try:
                os.unlink(part["mesh"])  # a mesh nobody waits for any more
            except OSError:
                pass
    return True


def _child(jobs_fd, results_fd, parent):
    _detach({jobs_fd, results_fd}, parent)
    from .tessellation import mesh_shape

    import Part
    import MeshPart  # noqa: F401  (imported now, while the worker replays)

    out = os.fdopen(results_fd, "w", buffering=1)
    for line in os.fdopen(jobs_fd, "r"):
        req = json.loads(line)
        parts = []
        for p in req["parts"]:
            try:
                shape = Part.Shape()
                shape.importBinary(p["brep"])
                os.unlink(p["brep"])
                # A shape fresh from a file carries no triangulation, so it needs no copy.
                mesh, tol = mesh_shape(shape, fresh=True)
                mesh.write(p["mesh"])
                segs = [list(mesh.getSegment(i)) for i in range(mesh.countSegments())]
                parts.append({"name": p["name"], "mesh": p["mesh"], "tol": tol, "segments": segs})
            except Exception as e:  # noqa: BLE001 - the worker meshes in-process instead
                parts.append({"name": p["name"], "error": f"{type(e).__name__}: {e}"})
        out.write(json.dumps({"job": req["job"], "parts": parts}) + "\n")


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

"""run_python: the escape hatch offered only with --allow-python. The code runs inside this
worker (which holds no keys) with the document at hand; what it prints is the result.

It is registered as mutating: it may change the document, so a failure rolls back what it
added and a success is journaled (a restarted worker replays the same code)."""

import contextlib
import io
import traceback

import FreeCAD

from .registry import op, OpError
from .health import health

MAX_OUTPUT = 20_000  # characters handed back to the model


@op("run_python")
def run_python(ctx, args):
    code = args.get("code")
    if not isinstance(code, str) or not code.strip():
        raise OpError("code must be a non-empty string of Python", code="bad_argument")
    import Part

    before = {o.Name for o in ctx.doc.Objects}
    env = {
        "__name__": "__cadagent__",
        "FreeCAD": FreeCAD,
        "App": FreeCAD,
        "Part": Part,
        "doc": ctx.doc,
        "params": ctx.params.snapshot(),
    }
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            exec(compile(code, "<run_python>", "exec"), env)  # noqa: S102 (the point of this tool)
        ctx.recompute()
    except Exception:
        # KeyboardInterrupt (timeout) is not caught here: main.py reports it as an interruption.
        tb = traceback.format_exc(limit=-3)
        raise OpError(
            _clip(buf.getvalue() + tb),
            hint="fix the code; objects it created were removed. `doc` is the document, `Part` and `FreeCAD` are imported",
            code="python_error",
        )
    created = [o for o in ctx.doc.Objects if o.Name not in before]
    result = {"output": _clip(buf.getvalue())}
    result["created"] = [health(o) for o in created if hasattr(o, "Shape") and not o.Shape.isNull()]
    broken = [o.Name for o in ctx.doc.Objects if {"Invalid", "Error"} & set(getattr(o, "State", []))]
    result["warnings"] = [f"these objects failed to recompute: {', '.join(broken)}"] if broken else []
    return result


def _clip(text):
    return text if len(text) <= MAX_OUTPUT else text[:MAX_OUTPUT] + f"\n… ({len(text) - MAX_OUTPUT} more characters)"

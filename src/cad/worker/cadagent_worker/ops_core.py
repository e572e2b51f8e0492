"""Session ops: liveness, parameters, document reset and the snapshot the Node side reads."""

import os

from .registry import op
from .health import health


@op("ping", mutating=False)
def ping(ctx, args):
    return {"pong": True, "pid": os.getpid(), "freecad": ctx.version}


@op("set_parameter")
def set_parameter(ctx, args):
    name = args.get("name")
    description = args.get("description")
    unit = args.get("unit", "mm")
    value = ctx.params.set(name, args.get("value"), unit, description)
    # Dependent features follow the new value through their expressions.
    ctx.doc.recompute()
    broken = [o.Name for o in ctx.doc.Objects if "Invalid" in list(getattr(o, "State", []))]
    warnings = [f"after this change these objects failed to recompute: {', '.join(broken)}"] if broken else []
    # Values only: descriptions are the caller's own text and are not echoed back on every reply.
    return {"name": name, "value": value, "unit": unit, "parameters": ctx.params.values_only(), "warnings": warnings}


@op("reset")
def reset(ctx, args):
    for o in list(ctx.doc.Objects):
        if o.Name != "Params":
            ctx.doc.removeObject(o.Name)
    ctx.doc.removeObject("Params")
    ctx.doc.recompute()
    from .params import Params

    ctx.params = Params(ctx.doc)
    ctx.counters = {}
    # Declared requirements belong to the document they were declared on.
    ctx.requirements = []
    return {"reset": True}


@op("parts_health", mutating=False)
def parts_health(ctx, args):
    names = args.get("names") or ctx.part_names()
    return {"parts": [health(ctx.get(n)) for n in names], "parameters": ctx.params.snapshot()}


# Test-only ops, registered only when the test harness sets CADAGENT_TEST_OPS (the product never
# does): a model or MCP client must not be able to hang or kill the worker on purpose.
if os.environ.get("CADAGENT_TEST_OPS") == "1":

    @op("sleep", mutating=False)
    def sleep(ctx, args):
        """Test hook for timeouts: a Python-level busy wait that SIGINT can interrupt."""
        import time

        end = time.time() + float(args.get("seconds", 1))
        while time.time() < end:
            pass
        return {"slept": True}

    @op("crash", mutating=False)
    def crash(ctx, args):
        """Test hook for restart: the process dies as a FreeCAD crash would."""
        os._exit(int(args.get("code", 1)))

    @op("compare_checks", mutating=False)
    def compare_checks(ctx, args):
        """Bench hook (bench/step-check.mjs): the full isValid() of an object's shape against a
        cheaper check, isValid() of only the faces that are not in its inputs' shapes."""
        import time

        obj = ctx.get(args.get("object"))
        shape = obj.Shape
        t0 = time.perf_counter()
        full = bool(shape.isValid())
        t1 = time.perf_counter()
        old = [f for o in obj.OutList if hasattr(o, "Shape") for f in o.Shape.Faces]
        new = [f for f in shape.Faces if not any(f.isSame(g) for g in old)]
        cheap = all(f.isValid() for f in new)
        t2 = time.perf_counter()
        return {
            "full": full,
            "cheap": cheap,
            "full_ms": (t1 - t0) * 1000,
            "cheap_ms": (t2 - t1) * 1000,
            "faces": len(shape.Faces),
            "new_faces": len(new),
        }

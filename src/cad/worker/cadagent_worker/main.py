"""Worker entry point.

Protocol: one JSON object per line on stdin: {"id": n, "op": "...", "args": {...}}.
One JSON reply per line on the reply descriptor (fd from CADAGENT_REPLY_FD, default 3):
{"id": n, "ok": true, "result": {...}, "ms": 1.2} or {"id": n, "ok": false, "error": {"message", "hint", "code"}, "ms"}.
A `run_steps` request carries several ops and answers each on a line of its own first (see STEPS_OP).
FreeCAD and OCCT print to fd 1 from C++, so fd 1 is pointed at stderr before anything is imported.
"""

import json
import os
import signal
import sys
import time
import traceback


def _setup_fds():
    reply_fd = int(os.environ.get("CADAGENT_REPLY_FD", "3"))
    out = os.fdopen(os.dup(reply_fd), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def run():
    out = _setup_fds()
    # SIGINT interrupts a Python-level hang (e.g. run_python `while True`) with KeyboardInterrupt;
    # the Node side escalates to SIGKILL when OCCT is stuck in C++.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from . import context
    from .registry import OPS
    from . import ops_all  # noqa: F401  (registers every op module)

    ctx = context.Context()
    _write(
        out,
        {
            "id": 0,
            "ok": True,
            "result": {"ready": True, "freecad": ctx.version, "ops": {k: v[1] for k, v in OPS.items()}},
        },
    )
    while True:
        # A SIGINT meant for an op can land while the loop waits for input or writes a reply
        # (the op finished just before it arrived): it must not end the worker.
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            continue
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        try:
            reply = _handle(ctx, line, out)
        except KeyboardInterrupt:
            reply = _interrupted(ctx, None)
        _write_whole(out, reply)
    _remove_private_home()


# A request whose args carry several ops (`{"steps": [{"op", "args"}, …]}`): a record replay
# sends its steps at once instead of waiting a round trip for each. Each step's answer goes out
# as it finishes, as a line with its `step` index, so the client journals it and restarts its
# timeout; the request's own reply (`{"ran": n}`) comes after the last step or the first that
# failed, where the batch stops, since later steps build on it.
STEPS_OP = "run_steps"


def _handle(ctx, line, out):
    from .registry import OpError

    started = time.perf_counter()
    req_id = None
    try:
        req = json.loads(line)
        if not isinstance(req, dict):
            raise OpError("request must be a JSON object", code="bad_request")
        req_id = req.get("id")
        name = req.get("op")
        args = req.get("args") or {}
        if name == STEPS_OP:
            reply = {"id": req_id, "ok": True, "result": _run_steps(ctx, req_id, args, out)}
        else:
            reply = {"id": req_id, **_call(ctx, name, args)}
    except OpError as e:
        reply = {"id": req_id, **_op_error(e)}
    except KeyboardInterrupt:
        reply = _interrupted(ctx, req_id)
    except json.JSONDecodeError as e:
        reply = {"id": req_id, "ok": False, "error": {"message": f"malformed request: {e}", "code": "bad_request"}}
    except RecursionError:
        reply = {"id": req_id, "ok": False, "error": {"message": "request nested too deeply", "code": "bad_request"}}
    except Exception as e:
        traceback.print_exc(file=sys.stderr)
        reply = {"id": req_id, **_unexpected(e)}
    reply["ms"] = round((time.perf_counter() - started) * 1000, 3)
    return reply


def _call(ctx, name, args):
    """Run one op: `{"ok": True, "result"}` or `{"ok": False, "error"}`. Only KeyboardInterrupt
    escapes (the caller answers it as an interruption)."""
    from .registry import OPS, OpError

    try:
        if name not in OPS:
            raise OpError(f"unknown op '{name}'", hint="known ops: " + ", ".join(sorted(OPS)), code="unknown_op")
        if not isinstance(args, dict):
            raise OpError("args must be a JSON object", code="bad_request")
        fn, mutating = OPS[name]
        return {"ok": True, "result": ctx.run_mutating(fn, args) if mutating else fn(ctx, args)}
    except OpError as e:
        return _op_error(e)
    except Exception as e:  # FreeCAD raises many exception types; all go back as op errors
        traceback.print_exc(file=sys.stderr)
        return _unexpected(e)


def _op_error(e):
    return {"ok": False, "error": {"message": str(e), "hint": e.hint, "code": e.code}}


def _unexpected(e):
    return {"ok": False, "error": {"message": f"{type(e).__name__}: {e}", "hint": None, "code": "freecad_error"}}


def _run_steps(ctx, req_id, args, out):
    from .registry import OpError

    steps = args.get("steps") if isinstance(args, dict) else None
    if not isinstance(steps, list) or not all(isinstance(s, dict) for s in steps):
        raise OpError("steps must be a list of {op, args} objects", code="bad_request")
    ran = 0
    for index, step in enumerate(steps):
        started = time.perf_counter()
        reply = {"id": req_id, "step": index, **_call(ctx, step.get("op"), step.get("args") or {})}
        reply["ms"] = round((time.perf_counter() - started) * 1000, 3)
        ran += 1
        sent, interrupted = _write_whole(out, reply)
        # A SIGINT that landed while the line went out stops the batch, as it would have stopped the step.
        if interrupted:
            raise KeyboardInterrupt
        if not sent or not reply["ok"]:
            break
    return {"ran": ran}


def _write_whole(out, reply):
    """Write a reply line even when a SIGINT meant for an op lands meanwhile (the op finished
    just before it arrived): a line cut short would break the protocol. Returns (whether the
    reply went out as it was, whether a SIGINT landed)."""
    interrupted = False
    while True:
        try:
            return _write(out, reply), interrupted
        except KeyboardInterrupt:
            interrupted = True


def _interrupted(ctx, req_id):
    ctx.recover_after_interrupt()
    return {
        "id": req_id,
        "ok": False,
        "error": {
            "message": "operation interrupted (timeout)",
            "hint": "the operation took too long; try simpler geometry",
            "code": "interrupted",
        },
        "ms": 0,
    }


def _write(out, reply):
    """Strict JSON (no NaN/Infinity, which JSON.parse rejects): a result holding a non-finite
    number becomes an error reply rather than a line the client cannot read. Returns whether
    the reply went out as it was."""
    try:
        text = json.dumps(reply, default=_json_default, allow_nan=False)
        sent = True
    except (ValueError, TypeError) as e:
        sent = False
        step = {"step": reply["step"]} if "step" in reply else {}
        text = json.dumps(
            {
                "id": reply.get("id"),
                **step,
                "ok": False,
                "error": {
                    "message": f"the result could not be sent: {e}",
                    "hint": "a value is not a finite number; use smaller dimensions",
                    "code": "not_finite",
                },
                "ms": reply.get("ms", 0),
            }
        )
    out.write(text + "\n")
    return sent


def _remove_private_home():
    """stdin closed: the client is done, or was killed before it could clean up (SIGKILL, a
    crash). The private FREECAD_USER_HOME goes with the worker either way; os._exit skips
    FreeCAD's at-exit config save, which would only write into it again."""
    import shutil

    from . import mesh_helper

    mesh_helper.stop()
    home = os.environ.get("FREECAD_USER_HOME", "")
    if os.path.basename(home).startswith("cadagent-worker-"):
        shutil.rmtree(home, ignore_errors=True)
    sys.stderr.flush()
    os._exit(0)


def _json_default(o):
    if hasattr(o, "Value"):
        return o.Value
    if hasattr(o, "x") and hasattr(o, "y") and hasattr(o, "z"):
        return [o.x, o.y, o.z]
    return str(o)


if __name__ == "__main__":
    run()

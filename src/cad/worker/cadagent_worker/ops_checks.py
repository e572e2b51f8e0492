"""Session switches the replay sets around a record's steps (see health.py and refs.py)."""

from .health import set_validity_checks, validity_checks
from .refs import expect_refs
from .registry import op


@op("validity_checks", mutating=False)
def validity_checks_op(ctx, args):
    """`{on: bool}`: per-step isValid() in finish_object (on by default)."""
    set_validity_checks(args.get("on", True))
    return {"on": validity_checks()}


@op("expect_refs", mutating=False)
def expect_refs_op(ctx, args):
    """`{refs: {name: signature}}`: the recorded geometry of the explicit sub-element names the
    next fillet/chamfer/shell uses; names whose geometry moved are re-matched by it."""
    return {"expected": expect_refs(args.get("refs"))}

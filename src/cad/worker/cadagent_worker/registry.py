"""Op registry. Each op module registers its functions with @op; main.py dispatches by name."""

OPS = {}


class OpError(Exception):
    """An error the model can act on: `hint` says how to recover."""

    def __init__(self, message, hint=None, code="op_error"):
        super().__init__(message)
        self.hint = hint
        self.code = code


def op(name, mutating=True):
    """Register `fn(ctx, args) -> dict` as op `name`.

    Mutating ops get snapshot/rollback around them (see main.py) so a failed op leaves the
    document exactly as it was; the Node side journals only successful mutating ops.
    """

    def wrap(fn):
        OPS[name] = (fn, mutating)
        return fn

    return wrap

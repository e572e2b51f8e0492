"""Op registry. Each op module registers its functions with @op; main.py dispatches by name."""

OPS = {}

# Every `code` a worker error can carry. The Node side keeps the same list in
# src/cad/error-codes.ts (tests/unit/cad/error-codes.test.ts checks that they agree).
ERROR_CODES = (
    "bad_argument",
    "bad_expression",
    "bad_path",
    "bad_profile",
    "bad_request",
    "bad_selector",
    "empty_result",
    "export_failed",
    "freecad_error",
    "import_failed",
    "in_use",
    "interrupted",
    "invalid_shape",
    "missing_font",
    "missing_tool",
    "name_taken",
    "no_match",
    "no_shape",
    "not_finite",
    "not_found",
    "not_solid",
    "op_error",
    "python_error",
    "recompute_failed",
    "sketch_failed",
    "too_large",
    "unknown_object",
    "unknown_op",
    "unknown_parameter",
)


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

"""The worker's document state and the helpers every op module uses."""

import re

import FreeCAD

from .registry import OpError
from . import mesh_helper
from . import params as params_mod
from .health import health, validity_checks

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
RESERVED = {"Params"}


class Context:
    def __init__(self):
        FreeCAD.ParamGet("User parameter:BaseApp/Preferences/Document").SetBool("CreateBackupFiles", False)
        self.version = ".".join(FreeCAD.Version()[:3])
        self.doc = FreeCAD.newDocument("cadagent")
        self.params = params_mod.Params(self.doc)
        self.counters = {}

    # --- names -------------------------------------------------------------
    def names(self):
        return [o.Name for o in self.doc.Objects if o.Name not in RESERVED]

    def part_names(self):
        """Visible solid-bearing objects: the design's parts."""
        return [o.Name for o in self.doc.Objects if self.is_part(o)]

    @staticmethod
    def is_part(o):
        return (
            o.Name not in RESERVED
            and o.Visibility
            and hasattr(o, "Shape")
            and not o.TypeId.startswith("Sketcher::")
            and not o.Shape.isNull()
            and len(o.Shape.Solids) > 0
        )

    def new_name(self, requested, prefix):
        """The caller's name if free and valid, else a generated `prefix<n>`."""
        if requested is not None:
            if not isinstance(requested, str) or not NAME_RE.match(requested):
                raise OpError(
                    f"invalid name {requested!r}", hint="names match [A-Za-z][A-Za-z0-9_]*", code="bad_argument"
                )
            if requested in RESERVED or self.doc.getObject(requested) is not None:
                raise OpError(
                    f"name '{requested}' is already used",
                    hint="pick another name; in use: " + ", ".join(self.names()),
                    code="name_taken",
                )
            return requested
        n = self.counters.get(prefix, 0)
        while True:
            n += 1
            candidate = f"{prefix}{n}"
            if self.doc.getObject(candidate) is None:
                self.counters[prefix] = n
                return candidate

    def add(self, type_id, requested, prefix):
        name = self.new_name(requested, prefix)
        obj = self.doc.addObject(type_id, name)
        if obj.Name != name:  # FreeCAD renamed it (clash with an internal name)
            self.doc.removeObject(obj.Name)
            raise OpError(f"FreeCAD refused the name '{name}'", hint="pick another name", code="name_taken")
        obj.Label = name
        return obj

    def get(self, name, what="object", need_shape=True):
        if not isinstance(name, str):
            raise OpError(
                f"{what} must be an object name, got {name!r}",
                hint="existing objects: " + ", ".join(self.names()),
                code="bad_argument",
            )
        obj = self.doc.getObject(name)
        if obj is None or name in RESERVED:
            raise OpError(
                f"no object named '{name}'",
                hint="existing objects: " + (", ".join(self.names()) or "(none yet)"),
                code="unknown_object",
            )
        if need_shape and (not hasattr(obj, "Shape") or obj.Shape.isNull()):
            raise OpError(f"'{name}' has no shape", hint="use a solid object", code="no_shape")
        return obj

    # --- numbers and parameters ---------------------------------------------
    def num(self, value, what="value"):
        """A number or parameter expression, evaluated now."""
        return self.params.evaluate(value, what)

    def bind(self, obj, prop, value, what=None):
        """Set `obj.prop` to the value; when the value is an expression, also bind the property
        to it through the Params spreadsheet so the saved FCStd stays parametric.

        Dotted properties (e.g. `Placement.Base.x`) must already hold the value; only the
        expression is attached here.
        """
        v = self.num(value, what or prop)
        if "." not in prop:
            setattr(obj, prop, v)
        self.bind_expr(obj, prop, value)
        return v

    def bind_expr(self, obj, prop, value, template="{}"):
        """The one place a property is bound to a parameter expression: `value` (already
        evaluated by the caller) in FreeCAD's syntax, placed into `template` (e.g. "-({})").
        A plain number binds nothing. Returns the FreeCAD expression or None."""
        if not isinstance(value, str):
            return None
        expr = template.format(self.params.to_freecad_expr(value))
        obj.setExpression(prop, expr)
        return expr

    # --- execution ------------------------------------------------------------
    def recompute(self):
        self.doc.recompute()

    def run_mutating(self, fn, args):
        """Run a mutating op; on any failure remove what it added and restore visibility."""
        before = {o.Name for o in self.doc.Objects}
        vis = {o.Name: o.Visibility for o in self.doc.Objects}
        # Generated names come from these counters: a failed op must not use one up, or a replay
        # of the successful ops (which never sees the failure) would name later objects differently.
        counters = dict(self.counters)
        try:
            return fn(self, args)
        except BaseException:
            self.counters = counters
            self._rollback(before, vis)
            raise

    def _rollback(self, before, vis):
        added = [o.Name for o in self.doc.Objects if o.Name not in before]
        for name in reversed(added):
            try:
                self.doc.removeObject(name)
            except Exception:
                pass
        for o in self.doc.Objects:
            if o.Name in vis:
                o.Visibility = vis[o.Name]
        try:
            self.doc.recompute()
        except Exception:
            pass

    def recover_after_interrupt(self):
        # An interrupt may have cut a helper exchange in half: start afresh when next needed.
        mesh_helper.stop()
        try:
            self.doc.recompute()
        except BaseException:
            pass

    def finish_object(self, obj, consumed=(), warnings=None, check_volume=None):
        """Recompute, verify the new object, hide consumed inputs, and return its health.

        FreeCAD often fails silently (recompute flags `Invalid`, null shape, invalid solid):
        each case raises an OpError with what FreeCAD said, so run_mutating rolls back.
        """
        self.doc.recompute()
        state = list(getattr(obj, "State", []))
        shape = getattr(obj, "Shape", None)
        if "Invalid" in state or "Error" in state or shape is None or shape.isNull():
            raise OpError(
                f"FreeCAD could not compute '{obj.Name}' ({', '.join(state) or 'null shape'})",
                hint="check the dimensions: a radius may be too large for the edges, or inputs may not overlap",
                code="recompute_failed",
            )
        checked = validity_checks()
        if checked and not shape.isValid():
            try:
                shape.check(True)
                detail = "shape is invalid"
            except Exception as e:  # check(True) raises with the reason
                detail = str(e).strip()
            raise OpError(
                f"'{obj.Name}' is not a valid solid: {detail}",
                hint="change the dimensions or inputs so they do not self-intersect",
                code="invalid_shape",
            )
        for c in consumed:
            c.Visibility = False
        # Checked valid above: health() need not ask OCCT again.
        h = health(obj, valid=True if checked else None)
        if warnings:
            h["warnings"].extend(warnings)
        return h

"""User parameters: a spreadsheet named `Params` (aliases = parameter names) and a safe
evaluator for the expressions the model writes ("width/2 + 3")."""

import ast
import math
import re

from .registry import OpError

_FUNCS = {
    "sin": lambda x: math.sin(math.radians(x)),
    "cos": lambda x: math.cos(math.radians(x)),
    "tan": lambda x: math.tan(math.radians(x)),
    "sqrt": math.sqrt,
    "abs": abs,
    "min": min,
    "max": max,
    "round": round,
    "floor": math.floor,
    "ceil": math.ceil,
}
# FreeCAD's expression language spells these the same way; trig takes degrees in both.
_CONSTS = {"pi": math.pi, "e": math.e}
_IDENT = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()")


class Params:
    def __init__(self, doc):
        self.doc = doc
        self.sheet = doc.addObject("Spreadsheet::Sheet", "Params")
        self.values = {}  # name -> {"value", "unit", "description", "row"}

    def set(self, name, value, unit="mm", description=None):
        if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name or ""):
            raise OpError(
                f"invalid parameter name {name!r}",
                hint="parameter names match [A-Za-z][A-Za-z0-9_]*",
                code="bad_argument",
            )
        if name in _FUNCS or name in _CONSTS:
            raise OpError(
                f"'{name}' is a reserved function or constant name",
                hint="pick another parameter name",
                code="bad_argument",
            )
        v = self.evaluate(value, "value")
        entry = self.values.get(name)
        row = entry["row"] if entry else len(self.values) + 1
        self.sheet.set(f"A{row}", name)
        self.sheet.set(f"B{row}", repr(float(v)))
        alias = entry["alias"] if entry else self._set_alias(f"B{row}", name)
        if description:
            self.sheet.set(f"C{row}", description)
        self.values[name] = {"value": v, "unit": unit, "description": description, "row": row, "alias": alias}
        self.doc.recompute()
        return v

    def _set_alias(self, cell, name):
        """FreeCAD refuses aliases that read as units or cells ("t", "h", "mm", "A1"); such a
        parameter gets a suffixed alias, and expressions are rewritten to it."""
        taken = {e["alias"] for e in self.values.values()}
        for alias in (name, name + "_", name + "__", name + "___"):
            if alias in taken:
                continue
            try:
                self.sheet.setAlias(cell, alias)
                return alias
            except ValueError:
                continue
        raise OpError(
            f"FreeCAD cannot use {name!r} as a spreadsheet alias",
            hint="pick a longer parameter name",
            code="bad_argument",
        )

    def evaluate(self, value, what="value"):
        if isinstance(value, bool):
            raise OpError(f"{what} must be a number or expression, got {value!r}", code="bad_argument")
        if isinstance(value, (int, float)):
            if not math.isfinite(value):
                raise OpError(f"{what} must be finite", code="bad_argument")
            return float(value)
        if not isinstance(value, str):
            raise OpError(f"{what} must be a number or expression string, got {value!r}", code="bad_argument")
        try:
            tree = ast.parse(value.strip(), mode="eval")
            result = self._eval(tree.body)
        except OpError:
            raise
        except ZeroDivisionError:
            raise OpError(f"{what}: division by zero in '{value}'", code="bad_expression")
        except Exception as e:
            raise OpError(
                f"{what}: cannot evaluate '{value}' ({e})",
                hint="use numbers, declared parameters, + - * / ^ ( ) and sin cos tan sqrt abs min max",
                code="bad_expression",
            )
        return float(result)

    def _eval(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.values:
                return self.values[node.id]["value"]
            if node.id in _CONSTS:
                return _CONSTS[node.id]
            known = ", ".join(sorted(self.values)) or "(none declared)"
            raise OpError(
                f"unknown parameter '{node.id}'",
                hint=f"declare it with set_parameter first; declared: {known}",
                code="unknown_parameter",
            )
        if isinstance(node, ast.BinOp):
            a, b = self._eval(node.left), self._eval(node.right)
            ops = {
                ast.Add: lambda: a + b,
                ast.Sub: lambda: a - b,
                ast.Mult: lambda: a * b,
                ast.Div: lambda: a / b,
                ast.Pow: lambda: a**b,
                ast.Mod: lambda: a % b,
            }
            for t, f in ops.items():
                if isinstance(node.op, t):
                    return f()
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self._eval(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _FUNCS
            and not node.keywords
        ):
            return _FUNCS[node.func.id](*[self._eval(a) for a in node.args])
        raise ValueError(f"unsupported syntax {type(node).__name__}")

    def to_freecad_expr(self, value):
        """Rewrite parameter names to spreadsheet references (`width` -> `Params.width`); `**` to `^`."""
        expr = value.replace("**", "^")
        return _IDENT.sub(
            lambda m: f"Params.{self.values[m.group(1)]['alias']}" if m.group(1) in self.values else m.group(1), expr
        )

    def to_model_expr(self, expr):
        """The inverse of to_freecad_expr, for showing bound expressions back to the model."""
        names = {e["alias"]: n for n, e in self.values.items()}
        return re.sub(r"\bParams\.([A-Za-z_][A-Za-z0-9_]*)", lambda m: names.get(m.group(1), m.group(1)), expr).replace(
            "^", "**"
        )

    def snapshot(self):
        return {
            k: {"value": v["value"], "unit": v["unit"], "description": v["description"]} for k, v in self.values.items()
        }

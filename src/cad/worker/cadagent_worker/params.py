"""User parameters: a spreadsheet named `Params` (aliases = parameter names) and a safe
evaluator for the expressions the model writes ("width/2 + 3")."""

import ast
import math
import re

from .registry import OpError


def _round_half_away(x):
    """FreeCAD rounds halves away from zero (C `round`); Python's banker's rounding would not agree."""
    return math.copysign(math.floor(abs(x) + 0.5), x)


_FUNCS = {
    "sin": lambda x: math.sin(math.radians(x)),
    "cos": lambda x: math.cos(math.radians(x)),
    "tan": lambda x: math.tan(math.radians(x)),
    "sqrt": math.sqrt,
    "abs": abs,
    "min": min,
    "max": max,
    "round": _round_half_away,
    "floor": math.floor,
    "ceil": math.ceil,
}
# FreeCAD's expression language spells these the same way; trig takes degrees in both.
_CONSTS = {"pi": math.pi, "e": math.e}
# One op per AST node, emitted fully parenthesised for FreeCAD: its `^` is left-associative and
# binds looser than unary minus (`2^3^2` = 64, `-2^2` = 4), Python's `**` the other way round.
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^", ast.Mod: "%"}
RESERVED_NAMES = {"Params"}
DESCRIPTION_MAX = 200
EXPRESSION_MAX = 500


def _parse(value):
    """`^` is power, as in FreeCAD (Python would read it as bitwise xor)."""
    return ast.parse(value.strip().replace("^", "**"), mode="eval").body


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
        if name in RESERVED_NAMES:
            raise OpError(
                f"'{name}' is the parameter spreadsheet's own name",
                hint="pick another parameter name",
                code="bad_argument",
            )
        if name in _FUNCS or name in _CONSTS:
            raise OpError(
                f"'{name}' is a reserved function or constant name",
                hint="pick another parameter name",
                code="bad_argument",
            )
        if description is not None and (not isinstance(description, str) or len(description) > DESCRIPTION_MAX):
            raise OpError(
                f"description must be text of at most {DESCRIPTION_MAX} characters",
                hint="shorten the description",
                code="bad_argument",
            )
        v = self.evaluate(value, "value")
        entry = self.values.get(name)
        row = entry["row"] if entry else len(self.values) + 1
        self.sheet.set(f"A{row}", name)
        self.sheet.set(f"B{row}", repr(float(v)))
        alias = entry["alias"] if entry else self._set_alias(f"B{row}", name)
        if description:
            # A leading apostrophe stores text: "=B.Shape.Volume" would otherwise become a formula.
            self.sheet.set(f"C{row}", "'" + description)
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
        if len(value) > EXPRESSION_MAX:
            raise OpError(f"{what}: expression longer than {EXPRESSION_MAX} characters", code="bad_expression")
        try:
            result = self._eval(_parse(value))
        except OpError:
            raise
        except (OverflowError, ArithmeticError) as e:
            if isinstance(e, ZeroDivisionError):
                raise OpError(f"{what}: division by zero in '{value}'", code="bad_expression")
            raise OpError(
                f"{what}: '{value}' is not a finite number ({e})", hint="use values within ±1e300", code="not_finite"
            )
        except Exception as e:
            raise OpError(
                f"{what}: cannot evaluate '{value}' ({e})",
                hint="use numbers, declared parameters, + - * / ^ ( ) and sin cos tan sqrt abs min max",
                code="bad_expression",
            )
        if not isinstance(result, float) or not math.isfinite(result):
            raise OpError(
                f"{what}: '{value}' does not evaluate to a finite number",
                hint="use values within ±1e300",
                code="not_finite",
            )
        return result

    def _eval(self, node):
        v = self._eval_node(node)
        # Floats throughout: int powers like 9**9**9 would run for minutes; a float overflows at once.
        if isinstance(v, complex) or not math.isfinite(v):
            raise OverflowError("intermediate result is not a finite real number")
        return float(v)

    def _eval_node(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return float(node.value)
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
        """The same expression in FreeCAD's language, from the parsed tree: every operation in
        parentheses (so precedence and associativity cannot differ), parameters as spreadsheet
        references (`width` -> `Params.width`), arguments separated by `;` (FreeCAD reads `7,3`
        as a decimal comma)."""
        return self._emit(_parse(value))

    def _emit(self, node):
        if isinstance(node, ast.Constant):
            return repr(float(node.value))
        if isinstance(node, ast.Name):
            if node.id in self.values:
                return f"Params.{self.values[node.id]['alias']}"
            return node.id
        if isinstance(node, ast.BinOp):
            return f"({self._emit(node.left)} {_BINOPS[type(node.op)]} {self._emit(node.right)})"
        if isinstance(node, ast.UnaryOp):
            inner = self._emit(node.operand)
            return f"(-{inner})" if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Call):
            return f"{node.func.id}({'; '.join(self._emit(a) for a in node.args)})"
        raise ValueError(f"unsupported syntax {type(node).__name__}")

    def to_model_expr(self, expr):
        """The inverse of to_freecad_expr, for showing bound expressions back to the model."""
        names = {e["alias"]: n for n, e in self.values.items()}
        return re.sub(r"\bParams\.([A-Za-z_][A-Za-z0-9_]*)", lambda m: names.get(m.group(1), m.group(1)), expr).replace(
            "^", "**"
        )

    def values_only(self):
        return {k: {"value": v["value"], "unit": v["unit"]} for k, v in self.values.items()}

    def snapshot(self):
        return {
            k: {"value": v["value"], "unit": v["unit"], "description": v["description"]} for k, v in self.values.items()
        }

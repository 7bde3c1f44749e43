"""Restricted-Python expressions: compiled and checked once, never trusted.

Conditions on edges and expressions in node configs are written by people
who are not programmers, and later run on the server, so they are compiled
with RestrictedPython (no imports, no dunder access, no statements) and every
free name must be ``record``, ``vars`` or a helper from :data:`HELPERS`. The
helpers' implementations belong to the engine; this table is the single
allow-list both use.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType

from RestrictedPython.compile import compile_restricted_eval

from builder.errors import Error, error

__all__ = ["HELPERS", "ROOT_NAMES", "CompiledExpression", "check_expression", "compile_expression"]

ROOT_NAMES = frozenset({"record", "vars"})

# name -> what it does (shown in the studio's expression editor).
HELPERS: dict[str, str] = {
    "now": "the current time (the engine's clock, never the machine's)",
    "hours_since": "hours between a date-time and now",
    "days_between": "whole days between two dates",
    "len": "number of items",
    "min": "smallest value",
    "max": "largest value",
    "round": "round a number",
    "abs": "absolute value",
    "sum": "total of a list",
    "any": "true if any item is true",
    "all": "true if all items are true",
    "int": "whole number",
    "float": "decimal number",
    "str": "text",
    "bool": "true or false",
}


@dataclass(frozen=True)
class CompiledExpression:
    source: str
    code: CodeType
    record_fields: frozenset[str]


class ExpressionError(Exception):
    def __init__(self, errors: list[Error]) -> None:
        super().__init__(errors[0].message["en"])
        self.errors = errors


def _bound_names(tree: ast.AST) -> set[str]:
    """Names bound inside the expression (comprehension targets, lambda args)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension):
            bound.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Lambda):
            bound.update(a.arg for a in node.args.args)
    return bound


# Expressions run inside requests (computed fields on every record write):
# a power or shift with a large or unknown right side (10 ** 10 ** 10) would
# compute for ever or fill the memory, so only small constant ones are allowed.
MAX_EXPONENT = 64


def _runaway(tree: ast.AST) -> str:
    """Why ``tree`` could run away, or ""."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.LShift)):
            right = node.right
            if isinstance(right, ast.UnaryOp) and isinstance(right.op, ast.USub):
                right = right.operand
            small = (
                isinstance(right, ast.Constant)
                and isinstance(right.value, (int, float))
                and not isinstance(right.value, bool)
                and abs(right.value) <= MAX_EXPONENT
            )
            if not small:
                symbol = "**" if isinstance(node.op, ast.Pow) else "<<"
                return f"{symbol} needs a constant number of at most {MAX_EXPONENT} on its right"
    return ""


def _record_fields(tree: ast.AST) -> set[str]:
    """Fields read as record['name'] or record.get('name')."""
    fields: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "record"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            fields.add(node.slice.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "record"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            fields.add(node.args[0].value)
    return fields


def check_expression(
    source: str, pointer: str, record_fields: Collection[str] | None = None, form: str = ""
) -> list[Error]:
    """Errors of ``source`` as an expression, each pointing at ``pointer``."""
    try:
        compiled = _compile(source)
    except ExpressionError as exc:
        return [Error(pointer=pointer, code=e.code, message=e.message) for e in exc.errors]
    if record_fields is None:
        return []
    return [
        error(pointer, "unknown_record_field", value=name, form=form)
        for name in sorted(compiled.record_fields - set(record_fields))
    ]


def compile_expression(source: str) -> CompiledExpression:
    """Compile once; raises :class:`ExpressionError` with pointer-less errors."""
    return _compile(source)


@lru_cache(maxsize=4096)
def _compile(source: str) -> CompiledExpression:
    # Like eval(), ignore surrounding blanks; columns still count from the
    # start of what the person typed.
    text = source.strip()
    lead = len(source) - len(source.lstrip())
    try:
        tree = ast.parse(text, mode="eval")
        result = compile_restricted_eval(text)
    except SyntaxError as exc:
        first_line = exc.lineno in (None, 1)
        # offset 0 means "at the end of the text" (e.g. "a >").
        column = exc.offset or len(text.splitlines()[-1] if text else "") + 1
        raise ExpressionError(
            [
                error(
                    "",
                    "expression_syntax",
                    detail=exc.msg,
                    line=exc.lineno or 1,
                    column=column + lead if first_line else column,
                )
            ]
        ) from None
    except (RecursionError, MemoryError, OverflowError, ValueError) as exc:
        # Deeply nested or enormous expressions are refused, never a crash.
        raise ExpressionError(
            [error("", "expression_forbidden", detail=f"too complex ({type(exc).__name__})")]
        ) from None
    if result.errors or result.code is None:
        raise ExpressionError(
            [error("", "expression_forbidden", detail=msg) for msg in result.errors]
        )
    runaway = _runaway(tree)
    if runaway:
        raise ExpressionError([error("", "expression_forbidden", detail=runaway)])
    allowed = ROOT_NAMES | HELPERS.keys() | _bound_names(tree)
    unknown = sorted(
        {
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id not in allowed
        }
    )
    if unknown:
        examples = ", ".join(list(HELPERS)[:4])
        raise ExpressionError(
            [error("", "unknown_name", value=name, expected=examples) for name in unknown]
        )
    return CompiledExpression(
        source=source, code=result.code, record_fields=frozenset(_record_fields(tree))
    )

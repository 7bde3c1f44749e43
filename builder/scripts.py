"""The ``script`` node's language: RestrictedPython with a small, listed world.

Ops staff write these scripts and the server runs them, so nothing in a
script is trusted. Three layers keep it in its box:

1. :func:`check_script` compiles with RestrictedPython (no names or
   attributes starting with ``_``, no ``exec``/``eval``, no frame or code
   attributes) and adds our own checks: imports outside
   :data:`ALLOWED_MODULES`, the builtins in :data:`UNAVAILABLE_BUILTINS`,
   ``str.format`` and ``getattr(x, "_...")``. The studio shows these before
   anything is published.
2. :func:`execute` runs the compiled code with guards for every attribute
   read, write, import and call that could leave the box, and refuses what
   the static check could not see (``getattr(x, name)`` with a computed
   name, ``datetime.now`` reached through a variable). A refusal is recorded
   as well as raised, so a script that catches it still fails as
   ``forbidden``.
3. The engine (``runtime/engine/scripts.py``) runs :func:`execute` in a
   fresh child process with CPU, memory and output limits. This module sets
   no limits: calling :func:`execute` directly runs the script with the
   caller's time and memory.

Modules are never handed to a script. An import returns a view holding only
the members listed in :data:`ALLOWED_MODULES`, because real modules carry
their own imports: ``json.codecs.open`` reads files and ``statistics.sys``
and ``datetime.sys`` lead to ``sys.modules['os']``.

Scripts also run in sandbox replays, which must reproduce history, so what
differs between runs is out too: the clock (:data:`FORBIDDEN_MEMBERS`),
``random``, ``id`` and ``hash``.

No I/O, no clock: code and values in, values or a :class:`ScriptError` out.
"""

from __future__ import annotations

import ast
import builtins
import collections
import copy
import datetime
import decimal
import importlib
import json
import operator
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import CodeType, FrameType, MappingProxyType, TracebackType
from typing import Any, NoReturn, cast

from RestrictedPython.compile import compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    raise_,
    safe_builtins,
    safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

__all__ = [
    "ALLOWED_MODULES",
    "FORBIDDEN_MEMBERS",
    "SCRIPT_ERROR_CODES",
    "UNAVAILABLE_BUILTINS",
    "ScriptError",
    "check_script",
    "execute",
]


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# module -> the members a script may use. Only pure, deterministic
# computation; every name is listed so that a new Python release cannot
# widen what scripts reach. Left out on purpose: os, sys, io, subprocess,
# socket, importlib, ctypes, pickle, gc, inspect, builtins (the box itself);
# random, time, uuid (differ between runs); operator (attrgetter reads
# ``__class__`` past the attribute guard); copy (``__reduce__``);
# functools.singledispatch (evaluates string annotations), wraps,
# update_wrapper and total_ordering (set attributes on the classes they are
# given); decimal.getcontext/setcontext and the shared contexts
# (process-wide state; use ``localcontext`` or a ``Context``);
# json.load/dump (files); re.purge/template; zoneinfo (reads files; use
# datetime.timezone with a fixed offset).
ALLOWED_MODULES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "bisect": _names("bisect bisect_left bisect_right insort insort_left insort_right"),
        "collections": _names("ChainMap Counter OrderedDict defaultdict deque namedtuple"),
        "datetime": _names("MAXYEAR MINYEAR UTC date datetime time timedelta timezone tzinfo"),
        "decimal": _names(
            """Clamped Context Decimal DecimalException DivisionByZero FloatOperation
            Inexact InvalidOperation MAX_EMAX MAX_PREC MIN_EMIN MIN_ETINY Overflow
            ROUND_05UP ROUND_CEILING ROUND_DOWN ROUND_FLOOR ROUND_HALF_DOWN
            ROUND_HALF_EVEN ROUND_HALF_UP ROUND_UP Rounded Subnormal Underflow
            localcontext"""
        ),
        "fractions": _names("Fraction"),
        "functools": _names("cache cmp_to_key lru_cache partial reduce"),
        "heapq": _names(
            "heapify heappop heappush heappushpop heapreplace merge nlargest nsmallest"
        ),
        "itertools": _names(
            """accumulate chain combinations combinations_with_replacement compress count
            cycle dropwhile filterfalse groupby islice pairwise permutations product
            repeat starmap takewhile tee zip_longest"""
        ),
        "json": _names("JSONDecodeError dumps loads"),
        "math": _names(
            """acos acosh asin asinh atan atan2 atanh cbrt ceil comb copysign cos cosh
            degrees dist e erf erfc exp exp2 expm1 fabs factorial floor fmod frexp fsum
            gamma gcd hypot inf isclose isfinite isinf isnan isqrt lcm ldexp lgamma log
            log10 log1p log2 modf nan nextafter perm pi pow prod radians remainder sin
            sinh sqrt tan tanh tau trunc ulp"""
        ),
        "re": _names(
            """A ASCII DOTALL I IGNORECASE M MULTILINE Match NOFLAG Pattern S U UNICODE
            VERBOSE X compile error escape findall finditer fullmatch match search split
            sub subn"""
        ),
        "statistics": _names(
            """LinearRegression NormalDist StatisticsError correlation covariance fmean
            geometric_mean harmonic_mean linear_regression mean median median_grouped
            median_high median_low mode multimode pstdev pvariance quantiles stdev
            variance"""
        ),
    }
)


# class -> members a script may not read, on the class, its instances and
# subclasses: the machine's clock would make replays differ from history.
FORBIDDEN_MEMBERS: Mapping[type, frozenset[str]] = MappingProxyType(
    {
        datetime.date: frozenset({"today"}),
        datetime.datetime: frozenset({"now", "today", "utcnow"}),
    }
)

# builtin -> why a script may not use it; a call fails as "forbidden" and
# check_script names any use. Other missing builtins are plain NameErrors.
UNAVAILABLE_BUILTINS: Mapping[str, str] = MappingProxyType(
    {
        "type": "it reaches and builds classes (type(x).__bases__)",
        "vars": "it exposes namespaces",
        "dir": "it lists hidden attributes",
        "globals": "it exposes the script's namespace and its guards",
        "locals": "it exposes namespaces",
        "open": "scripts cannot read or write files",
        "input": "scripts cannot read input",
        "breakpoint": "scripts cannot be debugged on the server",
        "help": "scripts cannot be debugged on the server",
        "exit": "a script ends by reaching its last line",
        "quit": "a script ends by reaching its last line",
        "compile": "scripts cannot make new code",
        "eval": "scripts cannot make new code",
        "exec": "scripts cannot make new code",
        "memoryview": "it exposes raw memory",
        "super": "it reaches parent classes' internals",
        "id": "it differs between runs, so replays would not match history",
        "hash": "it differs between runs, so replays would not match history",
    }
)

# The codes a ScriptError carries; the engine adds "timeout" and "crashed".
SCRIPT_ERROR_CODES = frozenset({"forbidden", "exception", "memory", "missing_output", "bad_output"})

SCRIPT_FILENAME = "<script>"

# RestrictedPython's own safe_builtins, less what would make a run differ
# between replays (id, hash), the unguarded setattr/delattr (replaced below)
# and the exceptions that would stop the host process. limited_builtins is
# not used: its range() refuses more than 1000 items and its list() refuses
# strings, both ordinary in ops scripts; time and memory are limited by the
# engine's child process instead. utility_builtins is not used whole: it
# brings random and a string module; its set and frozenset are added here.
_SAFE_BUILTINS: dict[str, object] = {
    name: value
    for name, value in cast(dict[str, object], safe_builtins).items()
    if name
    not in {"id", "hash", "setattr", "delattr", "SystemExit", "KeyboardInterrupt", "GeneratorExit"}
}
# These iterate in C without calling _getiter_, which is why RestrictedPython
# leaves them out for Zope's per-object security; here _getiter_ checks
# nothing, so they are as safe as a for loop.
_SAFE_BUILTINS.update(
    {
        name: getattr(builtins, name)
        for name in _names(
            """all any ascii bin dict enumerate filter format frozenset iter list map max min
            next object reversed set sorted sum tuple zip"""
        )
    }
)

_INPLACE: Mapping[str, Callable[[Any, Any], Any]] = MappingProxyType(
    {
        "+=": operator.iadd,
        "-=": operator.isub,
        "*=": operator.imul,
        "/=": operator.itruediv,
        "//=": operator.ifloordiv,
        "%=": operator.imod,
        "**=": operator.ipow,
        "<<=": operator.ilshift,
        ">>=": operator.irshift,
        "&=": operator.iand,
        "^=": operator.ixor,
        "|=": operator.ior,
        "@=": operator.imatmul,
    }
)

# Objects whose items or attributes a script may change (besides objects of
# its own classes); everything else is shared or immutable.
_WRITABLE: frozenset[type] = frozenset(
    {
        dict,
        list,
        collections.Counter,
        collections.OrderedDict,
        collections.defaultdict,
        collections.deque,
        decimal.Context,
    }
)

# Set on classes a script defines; a script cannot name it (leading "_").
_SCRIPT_CLASS = "_trellis_script_class"

_SAFER_GETATTR = cast(Callable[..., Any], safer_getattr)
_ITER_UNPACK = cast(Callable[..., Any], guarded_iter_unpack_sequence)
_UNPACK = cast(Callable[..., Any], guarded_unpack_sequence)
_MESSAGE_LIMIT = 2000


def _load_members() -> dict[str, dict[str, object]]:
    members: dict[str, dict[str, object]] = {}
    for name, allowed in ALLOWED_MODULES.items():
        module = importlib.import_module(name)
        # A member missing from this Python (e.g. an older release) is skipped.
        members[name] = {m: getattr(module, m) for m in sorted(allowed) if hasattr(module, m)}
    for name in _INTERNAL_IMPORTS:
        importlib.import_module(name)
        members[name] = {}
    return members


# Modules that allowed members import from C while a script runs (datetime's
# strftime imports time, strptime imports _strptime), which goes through the
# script's own __import__. CPython's PyImport_Import ignores what __import__
# returns and takes the module from sys.modules, so they are imported here
# and the script's __import__ gives an empty view: a script that imports one
# itself gets nothing from it (and check_script refuses the import).
_INTERNAL_IMPORTS = frozenset({"_strptime", "time"})
_MEMBERS = _load_members()


class ScriptError(Exception):
    """Why a script did not produce its outputs.

    ``code`` is stable (one of :data:`SCRIPT_ERROR_CODES`); ``message`` is for
    the person who wrote the script and names the line where there is one.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class _Refused(Exception):
    """Raised by the guards; the script may catch it, the run is failed anyway."""


@dataclass
class _Run:
    """One execution's record of refusals."""

    refusals: list[str] = field(default_factory=list)

    def refuse(self, what: str) -> NoReturn:
        line = _current_line(sys._getframe(1))
        message = f"Line {line}: {what}" if line else what
        self.refusals.append(message)
        raise _Refused(message)


def _current_line(frame: FrameType | None) -> int | None:
    while frame is not None:
        if frame.f_code.co_filename == SCRIPT_FILENAME:
            return frame.f_lineno
        frame = frame.f_back
    return None


def _traceback_line(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SCRIPT_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class _ModuleView:
    """What ``import math`` gives a script: the listed members, read-only."""

    __slots__ = ("_members", "_name", "_run")
    _members: dict[str, object]
    _name: str
    _run: _Run

    def __init__(self, name: str, run: _Run) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_members", _MEMBERS[name])  # empty for _INTERNAL_IMPORTS
        object.__setattr__(self, "_run", run)

    def __getattr__(self, attr: str) -> object:
        try:
            return self._members[attr]
        except KeyError:
            pass
        if attr.startswith("__"):
            raise AttributeError(attr)
        if hasattr(importlib.import_module(self._name), attr):
            self._run.refuse(f"{self._name}.{attr} is not available in scripts")
        raise AttributeError(f"module {self._name!r} has no attribute {attr!r}")

    def __setattr__(self, attr: str, value: object) -> None:
        raise TypeError(f"module {self._name!r} cannot be changed")

    def __repr__(self) -> str:
        return f"<module {self._name!r}>"


def _attribute_refusal(obj: object, name: str) -> str:
    """Why a script may not read ``obj.name``, or ""."""
    if name.startswith("_"):
        return f"attribute {name!r} is not allowed (names starting with '_' are internal)"
    if name in INSPECT_ATTRIBUTES:
        return f"attribute {name!r} is not allowed (it exposes the interpreter)"
    is_class = isinstance(obj, type)
    if name in {"format", "format_map"} and (
        isinstance(obj, str) or (is_class and issubclass(cast(type, obj), str))
    ):
        return f"str.{name} is not allowed in scripts (it reads attributes); use an f-string"
    for cls, members in FORBIDDEN_MEMBERS.items():
        if name in members and (
            isinstance(obj, cls) or (is_class and issubclass(cast(type, obj), cls))
        ):
            return (
                f"{cls.__name__}.{name} is not available in scripts: the time comes from"
                " the workflow, so that replays match history"
            )
    return ""


def _guards(run: _Run) -> dict[str, object]:
    """The names RestrictedPython's compiled code calls, bound to ``run``."""

    def guarded_getattr(obj: object, name: object, *default: object) -> object:
        if not isinstance(name, str):
            raise TypeError("attribute name must be a string")
        why = _attribute_refusal(obj, name)
        if why:
            run.refuse(why)
        return _SAFER_GETATTR(obj, name, *(default[:1] or (raise_,)))

    def guarded_hasattr(obj: object, name: object) -> bool:
        try:
            guarded_getattr(obj, name)
        except AttributeError:
            return False
        return True

    def write(obj: object) -> object:
        cls = obj if isinstance(obj, type) else type(obj)
        if type(obj) in _WRITABLE or getattr(cls, _SCRIPT_CLASS, False) is True:
            return obj
        what = repr(obj) if isinstance(obj, _ModuleView) else f"a {type(obj).__name__}"
        run.refuse(f"{what} cannot be changed by a script")

    def guarded_setattr(obj: object, name: object, value: object) -> None:
        if not isinstance(name, str) or name.startswith("_"):
            run.refuse(f"attribute {name!r} is not allowed")
        setattr(write(obj), name, value)

    def guarded_delattr(obj: object, name: object) -> None:
        if not isinstance(name, str) or name.startswith("_"):
            run.refuse(f"attribute {name!r} is not allowed")
        delattr(write(obj), name)

    def guarded_import(
        name: str,
        globals: object = None,
        locals: object = None,
        fromlist: object = (),
        level: int = 0,
    ) -> _ModuleView:
        if level:
            run.refuse("relative imports are not allowed")
        if name not in _MEMBERS:
            run.refuse(f"import of {name!r} is not allowed; {_allowed_modules_phrase()}")
        return _ModuleView(name, run)

    def script_class(name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
        cls = type(name, bases, namespace)
        setattr(cls, _SCRIPT_CLASS, True)
        return cls

    def inplace(op: str, left: Any, right: Any) -> Any:
        return _INPLACE[op](left, right)

    def apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    def unavailable(name: str, reason: str) -> Callable[..., NoReturn]:
        def refused(*args: object, **kwargs: object) -> NoReturn:
            run.refuse(f"{name}() is not available in scripts: {reason}")

        return refused

    script_builtins = dict(_SAFE_BUILTINS)
    script_builtins.update(
        {name: unavailable(name, reason) for name, reason in UNAVAILABLE_BUILTINS.items()}
    )
    script_builtins.update(
        {
            "__import__": guarded_import,
            "getattr": guarded_getattr,
            "hasattr": guarded_hasattr,
            "setattr": guarded_setattr,
            "delattr": guarded_delattr,
        }
    )
    return {
        "__builtins__": script_builtins,
        "__name__": "script",
        "__metaclass__": script_class,
        "_getattr_": guarded_getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_write_": write,
        "_inplacevar_": inplace,
        "_iter_unpack_sequence_": _ITER_UNPACK,
        "_unpack_sequence_": _UNPACK,
        "_apply_": apply,
        "_print_": PrintCollector,
    }


def _allowed_modules_phrase() -> str:
    return "scripts may import " + ", ".join(sorted(ALLOWED_MODULES))


_LINE = re.compile(r"Line (\d+):")


@dataclass(frozen=True)
class _Problem:
    kind: str  # "syntax" or "forbidden"
    message: str


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name the script binds anywhere (scopes are not told apart)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound


def _walk_problems(tree: ast.AST) -> Iterator[str]:
    bound = _bound_names(tree)
    # RestrictedPython itself reports calls of exec and eval.
    reported = {
        id(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"exec", "eval"}
    }
    for node in ast.walk(tree):
        line = f"Line {getattr(node, 'lineno', '?')}: "
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name not in ALLOWED_MODULES:
                    yield f"{line}import of {alias.name!r} is not allowed; " + (
                        _allowed_modules_phrase()
                    )
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                yield f"{line}relative imports are not allowed"
            elif module not in ALLOWED_MODULES:
                yield f"{line}import of {module!r} is not allowed; {_allowed_modules_phrase()}"
            else:
                for alias in node.names:
                    if alias.name not in _MEMBERS[module]:
                        yield f"{line}{module}.{alias.name} is not available in scripts"
        elif (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id in UNAVAILABLE_BUILTINS
            and node.id not in bound
            and id(node) not in reported
        ):
            reason = UNAVAILABLE_BUILTINS[node.id]
            yield f"{line}{node.id}() is not available in scripts: {reason}"
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in {"format", "format_map"}
            and (
                (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))
                or isinstance(node.value, ast.JoinedStr)
                or (isinstance(node.value, ast.Name) and node.value.id == "str")
            )
        ):
            yield f"{line}str.{node.attr} is not allowed in scripts (it reads attributes); " + (
                "use an f-string"
            )
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr", "setattr", "delattr"}
            and node.func.id not in bound
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and (node.args[1].value.startswith("_") or node.args[1].value in INSPECT_ATTRIBUTES)
        ):
            yield f"{line}attribute {node.args[1].value!r} is not allowed"


def _line_of(message: str) -> int:
    match = _LINE.match(message)
    return int(match.group(1)) if match else 0


def _compile(code: str) -> tuple[CodeType | None, list[_Problem]]:
    try:
        tree = ast.parse(code, SCRIPT_FILENAME)
        result = compile_restricted_exec(code, filename=SCRIPT_FILENAME)
    except SyntaxError as exc:
        text = f" in {exc.text.strip()!r}" if exc.text and exc.text.strip() else ""
        message = f"Line {exc.lineno or 1}: {type(exc).__name__}: {exc.msg}{text}"
        return None, [_Problem("syntax", message)]
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        # NUL characters, or nesting deeper than the parser can follow.
        return None, [_Problem("syntax", f"Line 1: the script cannot be read ({_describe(exc)})")]
    messages = list(dict.fromkeys([*result.errors, *_walk_problems(tree)]))
    problems = [_Problem("forbidden", m) for m in sorted(messages, key=_line_of)]
    return (result.code if not problems else None), problems


def check_script(code: str) -> list[str]:
    """What stops ``code`` from compiling as a script, each message naming its line.

    Empty when the script may be published. Runtime refusals (an attribute
    name computed while the script runs) are only found by :func:`execute`.
    """
    return [problem.message for problem in _compile(code)[1]]


def _short(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _describe(exc: BaseException) -> str:
    try:
        detail = str(exc)
    except Exception:  # a script's own exception class may fail to print
        detail = ""
    name = type(exc).__name__
    return _short(f"{name}: {detail}" if detail else name)


def execute(code: str, inputs: dict[str, Any], outputs: list[str]) -> dict[str, Any]:
    """Run ``code`` with ``inputs`` bound as globals; return exactly ``outputs``.

    The values returned are plain JSON values (tuples become lists), the
    same whether run here or sent back from the engine's child process.
    Raises :class:`ScriptError`; nothing the script does escapes as another
    exception. Runs in this process with no time or memory limit: the engine
    calls it in a child process that has them.
    """
    for name in [*inputs, *outputs]:
        if not isinstance(name, str) or not name or name.startswith("_"):
            raise ScriptError("forbidden", f"input or output name {name!r} must not start with '_'")
    compiled, problems = _compile(code)
    if problems or compiled is None:
        kind = "exception" if problems and problems[0].kind == "syntax" else "forbidden"
        raise ScriptError(kind, "; ".join(p.message for p in problems) or "does not compile")

    run = _Run()
    namespace = _guards(run)
    namespace.update(copy.deepcopy(inputs))
    try:
        exec(compiled, namespace)
    except MemoryError as exc:
        namespace.clear()  # free what the script holds before reporting
        line = _traceback_line(exc.__traceback__)
        where = f"Line {line}: " if line else ""
        raise ScriptError("memory", f"{where}the script ran out of memory") from None
    except (KeyboardInterrupt, SystemExit):
        raise  # the host's, not the script's: scripts cannot name these
    except BaseException as exc:
        if run.refusals:
            raise ScriptError("forbidden", run.refusals[0]) from None
        line = _traceback_line(exc.__traceback__)
        where = f"Line {line}: " if line else ""
        raise ScriptError("exception", where + _describe(exc)) from None
    if run.refusals:  # refused, caught by the script, and carried on
        raise ScriptError("forbidden", run.refusals[0])

    result: dict[str, Any] = {}
    for name in outputs:
        if name not in namespace:
            raise ScriptError("missing_output", f"the script never set the output {name!r}")
        try:
            result[name] = json.loads(json.dumps(namespace[name], allow_nan=False))
        except MemoryError:
            raise ScriptError("memory", f"the output {name!r} does not fit in memory") from None
        except (TypeError, ValueError, RecursionError) as exc:
            raise ScriptError(
                "bad_output",
                _short(
                    f"the output {name!r} ({type(namespace[name]).__name__}) is not JSON: {exc}"
                ),
            ) from None
    return result

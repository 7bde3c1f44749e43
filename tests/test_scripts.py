"""The ``script`` node's sandbox: what a script may do, and what it cannot do to the worker.

``check_script`` and ``execute`` are pure and tested in this process; ``run_script``
is tested through real child processes. Assertions are on outcomes only, never on
timings: the timeout case asks for 1 s and checks that the answer is "timeout".
"""

from __future__ import annotations

import os
import signal
import types
from typing import Any

import pytest

from builder.scripts import (
    ALLOWED_MODULES,
    SCRIPT_ERROR_CODES,
    ScriptError,
    check_script,
    execute,
)
from runtime.engine.scripts import OUTCOME_CODES, ScriptOutcome, _death, run_script

DISCOUNT = """\
import math
from datetime import date, timedelta
from decimal import Decimal, ROUND_HALF_UP

tiers = {"gold": 0.15, "silver": 0.1}
rate = tiers.get(tier, 0.0)
if amount >= 10000:
    rate = rate + 0.05
price = Decimal(str(amount * (1 - rate))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
net = float(price)
units = math.ceil(amount / 1000)
due = (date.fromisoformat(signed_on) + timedelta(days=30)).isoformat()
"""
DISCOUNT_INPUTS = {"amount": 12000, "tier": "gold", "signed_on": "2024-01-31"}
DISCOUNT_OUTPUTS = {"net": 9600.0, "units": 12, "due": "2024-03-01"}

FORBIDDEN = {
    "dunder import": "__import__('os')",
    "import os": "import os",
    "import subprocess": "import subprocess",
    "from os import system": "from os import system",
    "import os.path": "import os.path",
    "relative import": "from . import secrets",
    "a module's own import": "import statistics\nx = statistics.sys",
    "from a module, its import": "from json import codecs",
    "subclasses": "x = ().__class__.__bases__[0].__subclasses__()",
    "getattr __globals__": "def f():\n    pass\nx = getattr(f, '__globals__')",
    "getattr computed name": "def f():\n    pass\nx = getattr(f, '__glo' + 'bals__')",
    "format string": "x = '{0.__class__}'.format(1)",
    "format reached by getattr": "f = getattr('{0.__class__}', 'for' + 'mat')\nx = f(1)",
    "format_map": "x = '{a.__class__}'.format_map({'a': 1})",
    "type": "x = type(1)",
    "type by another name": "t = [type][0]\nx = t(1)",
    "frame of a generator": "def g():\n    yield 1\nx = getattr(g(), 'gi' + '_frame')",
    "refusal caught": "try:\n    getattr(1, '__cl' + 'ass__')\nexcept Exception:\n    pass",
    "clock": "import datetime\nx = datetime.datetime.now().isoformat()",
    "clock by instance": "from datetime import date\nx = date(2024, 1, 1).today()",
    "change a module": "import math\nmath.pi = 3",
}


# check_script: pure, what the studio shows before publishing


def test_an_ordinary_script_has_no_problems() -> None:
    assert check_script(DISCOUNT) == []


def test_a_syntax_error_names_its_line() -> None:
    [problem] = check_script("x = 1\ny = (2 +\n")
    assert problem.startswith("Line 2: SyntaxError")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("import os", ["Line 1", "'os'", "math"]),
        ("x = 1\nimport subprocess", ["Line 2", "'subprocess'"]),
        ("from os import system", ["Line 1", "'os'"]),
        ("import os.path", ["'os.path'"]),
        ("from . import x", ["relative"]),
        ("from statistics import sys", ["statistics.sys"]),
        ("from datetime import sys", ["datetime.sys"]),
        ("x = type(1)", ["type()"]),
        ("x = vars()", ["vars()"]),
        ("x = '{}'.format(1)", ["str.format", "f-string"]),
        ("x = str.format('{}', 1)", ["str.format"]),
        ("x = getattr(1, '__class__')", ["'__class__'"]),
        ("x = ().__class__", ["__class__"]),
        ("exec('1')", ["Exec"]),
        ("run = exec", ["exec()"]),
    ],
)
def test_a_problem_is_named(code: str, words: list[str]) -> None:
    problems = check_script(code)
    assert len(problems) == 1, problems
    for word in words:
        assert word in problems[0]


def test_problems_come_in_line_order() -> None:
    problems = check_script("import math\nx = type(1)\nimport os\ny = ().__class__\n")
    assert [p.split(":")[0] for p in problems] == ["Line 2", "Line 3", "Line 4"]


def test_a_name_the_script_binds_itself_is_not_the_builtin() -> None:
    assert check_script("type = 'gold'\nlabel = type.upper()\n") == []


@pytest.mark.parametrize("code", ["x = 1\0", "x = " + "-" * 100_000 + "1", "x = (" * 300])
def test_unreadable_scripts_are_problems_not_crashes(code: str) -> None:
    assert len(check_script(code)) == 1


# The allow-list


def test_the_allow_list_leaves_out_everything_that_reaches_the_machine() -> None:
    dangerous = {"os", "sys", "io", "subprocess", "socket", "importlib", "ctypes", "pickle"}
    dangerous |= {"gc", "inspect", "builtins", "random", "time", "operator", "shutil"}
    assert not dangerous & set(ALLOWED_MODULES)


@pytest.mark.parametrize("module", sorted(ALLOWED_MODULES))
def test_every_allowed_member_exists_and_none_is_a_module(module: str) -> None:
    real = __import__(module)
    for name in ALLOWED_MODULES[module]:
        assert not name.startswith("_")
        assert not isinstance(getattr(real, name), types.ModuleType), f"{module}.{name}"


# execute: pure, in this process


def test_execute_returns_exactly_the_declared_outputs() -> None:
    assert execute(DISCOUNT, DISCOUNT_INPUTS, list(DISCOUNT_OUTPUTS)) == DISCOUNT_OUTPUTS


def test_execute_leaves_the_inputs_alone_and_returns_json_values() -> None:
    inputs = {"items": [3, 1, 2]}
    code = "items.sort()\nfirst = (items[0], items[-1])\nby_key = {1: 'one'}"
    assert execute(code, inputs, ["items", "first", "by_key"]) == {
        "items": [1, 2, 3],
        "first": [1, 3],
        "by_key": {"1": "one"},
    }
    assert inputs == {"items": [3, 1, 2]}


def test_scripts_have_their_own_classes_counters_and_prints() -> None:
    code = """\
from collections import Counter

class Deal:
    def __init__(self, stage):
        self.stage = stage

counts = Counter()
for deal in [Deal("won"), Deal("lost"), Deal("won")]:
    counts[deal.stage] = counts[deal.stage] + 1
print(counts)
won = counts["won"]
"""
    assert execute(code, {}, ["won"]) == {"won": 2}


@pytest.mark.parametrize("code", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_execute_refuses_reaching_outside(code: str) -> None:
    with pytest.raises(ScriptError) as caught:
        execute(code, {}, [])
    assert caught.value.code == "forbidden", caught.value.message


def test_a_refusal_at_run_time_names_its_line() -> None:
    with pytest.raises(ScriptError) as caught:
        execute("x = 1\nname = '__cl' + 'ass__'\ny = getattr(x, name)", {}, [])
    assert caught.value.code == "forbidden"
    assert caught.value.message.startswith("Line 3:")


@pytest.mark.parametrize("name", ["_getattr_", "__builtins__"])
def test_names_starting_with_underscore_cannot_be_inputs(name: str) -> None:
    with pytest.raises(ScriptError) as caught:
        execute("x = 1", {name: 1}, [])
    assert caught.value.code == "forbidden"


def test_a_raised_exception_keeps_its_message_and_line() -> None:
    code = "def rate(tier):\n    raise ValueError('no rate for ' + tier)\n\nx = rate('bronze')"
    with pytest.raises(ScriptError) as caught:
        execute(code, {}, ["x"])
    assert caught.value.code == "exception"
    assert caught.value.message == "Line 2: ValueError: no rate for bronze"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("x = 1", "missing_output"),
        ("y = {1, 2}", "bad_output"),
        ("def y():\n    pass", "bad_output"),
        ("y = float('nan')", "bad_output"),
        ("y = (", "exception"),
    ],
)
def test_outputs_must_be_set_and_be_json(code: str, error: str) -> None:
    with pytest.raises(ScriptError) as caught:
        execute(code, {}, ["y"])
    assert caught.value.code == error
    assert error in SCRIPT_ERROR_CODES


# run_script: the same scripts in a child process with limits


def _run(code: str, inputs: dict[str, Any] | None = None, outputs: list[str] | None = None,
         timeout_seconds: float = 5, memory_mb: int = 64) -> ScriptOutcome:  # fmt: skip
    return run_script(
        code, inputs or {}, outputs or [], timeout_seconds=timeout_seconds, memory_mb=memory_mb
    )


@pytest.mark.parametrize("memory_mb", [16, 128])
def test_run_script_computes_a_discount(memory_mb: int) -> None:
    outcome = _run(DISCOUNT, DISCOUNT_INPUTS, list(DISCOUNT_OUTPUTS), memory_mb=memory_mb)
    assert outcome == ScriptOutcome(ok=True, outputs=DISCOUNT_OUTPUTS, code="", message="")


def test_run_script_parses_and_formats_dates() -> None:
    code = "from datetime import datetime\nd = datetime.strptime(s, '%Y-%m-%d')\n"
    code += "x = d.strftime('%a %d %b')"
    assert _run(code, {"s": "2024-01-31"}, ["x"]).outputs == {"x": "Wed 31 Jan"}


@pytest.mark.parametrize(
    "code",
    [
        "while True:\n    pass",
        "while True:\n    try:\n        pass\n    except BaseException:\n        pass",
        "x = 10 ** 10 ** 9",  # one long C call
    ],
    ids=["loop", "loop that catches everything", "huge power"],
)
def test_a_script_that_runs_too_long_times_out(code: str) -> None:
    outcome = _run(code, timeout_seconds=1)
    assert (outcome.ok, outcome.code) == (False, "timeout")
    assert outcome.message


@pytest.mark.parametrize(
    "code",
    ["x = [0] * 10 ** 9", "x = []\nwhile True:\n    x.append(str(len(x)) * 1000)"],
    ids=["at once", "bit by bit"],
)
def test_a_memory_bomb_runs_out_of_memory(code: str) -> None:
    outcome = _run(code, memory_mb=64)
    assert (outcome.ok, outcome.code) == (False, "memory")


@pytest.mark.parametrize("code", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_run_script_refuses_reaching_outside(code: str) -> None:
    outcome = _run(code)
    assert (outcome.ok, outcome.code) == (False, "forbidden"), outcome.message


def test_run_script_reports_an_exception_with_message_and_line() -> None:
    outcome = _run("total = 0\nfor x in [1, 0]:\n    total = total + 1 / x", outputs=["total"])
    assert outcome == ScriptOutcome(
        ok=False,
        outputs={},
        code="exception",
        message="Line 3: ZeroDivisionError: division by zero",
    )


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("x = 1", "missing_output"),
        ("y = {'gold', 'silver'}", "bad_output"),
        ("def y():\n    return 1", "bad_output"),
        ("y = 'x' * (9 * 1024 * 1024)", "bad_output"),  # more than the parent reads
    ],
)
def test_run_script_checks_outputs(code: str, error: str) -> None:
    outcome = _run(code, outputs=["y"], memory_mb=128)
    assert (outcome.ok, outcome.code) == (False, error)


def test_inputs_that_are_not_json_fail_without_a_child() -> None:
    outcome = _run("x = 1", {"when": object()}, ["x"])
    assert (outcome.ok, outcome.code) == (False, "crashed")


@pytest.mark.parametrize(
    ("returncode", "stderr", "code"),
    [
        (-signal.SIGXCPU, "", "timeout"),
        (-signal.SIGPROF, "", "timeout"),
        (-signal.SIGSEGV, "", "crashed"),
        (-signal.SIGKILL, "", "crashed"),
        (1, "Traceback ...\nMemoryError", "memory"),
        (1, "Traceback ...\nImportError: no RestrictedPython", "crashed"),
    ],
)
def test_every_death_of_the_child_is_an_outcome(returncode: int, stderr: str, code: str) -> None:
    outcome = _death(returncode, stderr, 1.0)
    assert (outcome.ok, outcome.code) == (False, code)
    assert outcome.code in OUTCOME_CODES and outcome.message


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def test_the_worker_is_unharmed_after_every_kind_of_failure() -> None:
    fds = _open_fds()
    for code, kwargs in [
        ("while True:\n    pass", {"timeout_seconds": 1}),
        ("x = [0] * 10 ** 9", {}),
        ("import os", {}),
        ("raise RuntimeError('boom')", {}),
    ]:
        assert not _run(code, **kwargs).ok
    outcome = _run(DISCOUNT, DISCOUNT_INPUTS, list(DISCOUNT_OUTPUTS), memory_mb=16)
    assert outcome.ok and outcome.outputs == DISCOUNT_OUTPUTS
    assert _open_fds() == fds  # no temporary file or pipe left open
    assert execute("x = 2 ** 10", {}, ["x"]) == {"x": 1024}  # the guards are unchanged here

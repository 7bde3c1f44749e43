"""The child process of :func:`runtime.engine.scripts.run_script`: one script, then exit.

Run as ``python -m runtime.engine.script_child``. Reads one JSON object from
stdin (``code``, ``inputs``, ``outputs``, ``timeout_seconds``,
``memory_mb``), limits itself, runs :func:`builder.scripts.execute`, writes
one JSON object to stdout (``{"ok": true, "outputs": {...}}`` or
``{"ok": false, "code": ..., "message": ...}``) and exits at once.

The limits are set here, after the interpreter has started and before any of
the script's code is compiled, rather than in a ``preexec_fn``: that hook is
unsafe in a parent with threads (the worker has them), and only from inside
can the child measure its own baseline. Nothing before the limits runs code
from the script.

- CPU: ``ITIMER_PROF`` fires SIGPROF, whose default action ends the process
  even in the middle of a long C call, after ``timeout_seconds`` of CPU;
  ``RLIMIT_CPU`` (whole seconds, rounded up) is the kernel's backstop.
- Memory: ``RLIMIT_AS`` is the address space in use now (the interpreter,
  RestrictedPython and the allowed modules, measured from
  ``/proc/self/status``) plus ``memory_mb``, so ``memory_mb`` is what the
  script itself may use.
- Output, core dumps, new processes and open files are limited too, as
  defence in depth: a script has no way to reach files or processes.

This module imports only the standard library and ``builder/scripts.py``;
see :func:`_load_scripts` for why not the ``builder`` package.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import resource
import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["BASELINE_FALLBACK_BYTES", "MAX_OUTPUT_BYTES", "main"]

MIB = 1024 * 1024
# The largest answer the parent reads; longer outputs fail as "bad_output".
MAX_OUTPUT_BYTES = 8 * MIB
# Used where /proc/self/status cannot be read (not Linux): measured on
# CPython 3.11, x86-64 Linux, as the VmSize of this process just before its
# limits are set (17.7 MiB), rounded up.
BASELINE_FALLBACK_BYTES = 24 * MIB
# Open files the child may hold: stdin, stdout, stderr and a few for the
# standard library's lazy imports (codecs for str.encode, for instance).
_MAX_OPEN_FILES = 16
_MESSAGE_LIMIT = 2000


def _load_scripts() -> ModuleType:
    """``builder/scripts.py`` alone, without running ``builder/__init__.py``.

    The package's ``__init__`` imports the validator, jsonschema, msgspec and
    the component catalogue: about 270 modules, 0.13 s and 42 MiB of address
    space against 120 modules, 0.03 s and 18 MiB for this one file, on every
    script run. It would also make every script fail whenever any component
    failed to import. ``builder/scripts.py`` imports only the standard
    library and RestrictedPython, so it loads on its own.
    """
    package = importlib.util.find_spec("builder")  # finds, does not import
    if package is None or not package.submodule_search_locations:
        raise ImportError("the builder package is not importable")
    path = Path(next(iter(package.submodule_search_locations))) / "scripts.py"
    spec = importlib.util.spec_from_file_location("builder.scripts", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses looks its module up here
    spec.loader.exec_module(module)
    return module


def _address_space() -> int:
    """This process's virtual memory size in bytes (VmSize)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return BASELINE_FALLBACK_BYTES


def _set_limit(which: int, value: int) -> None:
    """Soft and hard limit ``value``, never above a hard limit already set."""
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def _limit(timeout_seconds: float, memory_mb: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    # The CPU limit counts the interpreter's start too; one second more than
    # the timer, so that SIGPROF (exact) normally comes first.
    cpu = math.ceil(used + timeout_seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        cpu = min(cpu, hard - 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    _set_limit(resource.RLIMIT_AS, _address_space() + memory_mb * MIB)
    _set_limit(resource.RLIMIT_FSIZE, MAX_OUTPUT_BYTES + 64 * 1024)
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_NOFILE, _MAX_OPEN_FILES)
    _set_limit(resource.RLIMIT_NPROC, 0)  # not enforced for root; a no-op then
    signal.setitimer(signal.ITIMER_PROF, timeout_seconds)


def _short(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _answer(answer: dict[str, Any]) -> None:
    try:
        text = json.dumps(answer, allow_nan=False)
    except MemoryError:
        text = json.dumps({"ok": False, "code": "memory", "message": "the outputs do not fit"})
    if len(text) > MAX_OUTPUT_BYTES:
        text = json.dumps(
            {
                "ok": False,
                "code": "bad_output",
                "message": f"the outputs are {len(text)} bytes as JSON;"
                f" at most {MAX_OUTPUT_BYTES} may leave a script",
            }
        )
    sys.stdout.write(text)
    sys.stdout.flush()


def main() -> None:
    try:
        request = json.loads(sys.stdin.buffer.read())
        code = request["code"]
        inputs = request["inputs"]
        outputs = request["outputs"]
        timeout_seconds = float(request["timeout_seconds"])
        memory_mb = int(request["memory_mb"])
        scripts = _load_scripts()  # and with it every module a script may use

        _limit(timeout_seconds, memory_mb)
    except Exception as exc:
        _answer({"ok": False, "code": "crashed", "message": _short(f"the sandbox failed: {exc}")})
        os._exit(0)
    try:
        answer: dict[str, Any] = {"ok": True, "outputs": scripts.execute(code, inputs, outputs)}
    except scripts.ScriptError as exc:
        answer = {"ok": False, "code": exc.code, "message": _short(exc.message)}
    except MemoryError:
        answer = {"ok": False, "code": "memory", "message": "the script ran out of memory"}
    except BaseException as exc:
        answer = {"ok": False, "code": "crashed", "message": _short(f"the sandbox failed: {exc!r}")}
    _answer(answer)
    # Exit without the interpreter's shutdown: the answer is out, and the
    # finalisers (__del__) of a script's objects must not run after it.
    os._exit(0)


if __name__ == "__main__":
    main()

"""Running a ``script`` node: :func:`builder.scripts.execute` in a fresh child process.

The caller is the long-running ``trellis worker``, so a script must not be
able to take it down: an endless loop, a memory bomb or a crash of the
interpreter itself ends only the child. The child gets CPU, memory, output
and process limits (see :mod:`runtime.engine.script_child`), the parent a
wall-clock limit, and every way the child can end is turned into a
:class:`ScriptOutcome`; :func:`run_script` neither raises nor hangs.

Why ``subprocess`` and not ``multiprocessing`` with the spawn context:

- spawn starts the child by re-importing the parent's ``__main__`` (the
  worker's whole CLI and its imports) and unpickles its arguments; we want
  an interpreter that has loaded nothing but the sandbox;
- spawn passes its own pipes and a resource-tracker process; here the child
  holds exactly stdin, stdout and stderr (``close_fds``), starts in its own
  session, and gets an environment of four variables, all chosen here;
- the request and the answer are JSON, the same values the engine stores,
  so nothing the script made can reach the parent as an object.

Standard input, output and error are anonymous temporary files rather than
pipes: the parent never blocks writing a large input or reading a child
that stops mid-way, and reads at most ``MAX_OUTPUT_BYTES`` back.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from runtime.engine.script_child import MAX_OUTPUT_BYTES

__all__ = ["OUTCOME_CODES", "WALL_MARGIN_SECONDS", "ScriptOutcome", "run_script"]

# What a failed run's ``code`` may be:
#   timeout         more CPU than timeout_seconds, or more wall time than it plus the margin
#   memory          more memory than memory_mb
#   forbidden       the script reached for something outside the sandbox
#   exception       the script raised, or does not compile
#   missing_output  a declared output was never set
#   bad_output      an output is not JSON, or the outputs are too large
#   crashed         the sandbox itself failed: the child could not start, died
#                   without an answer, or the inputs could not be sent as JSON
OUTCOME_CODES = frozenset(
    {"timeout", "memory", "forbidden", "exception", "missing_output", "bad_output", "crashed"}
)

# Added to timeout_seconds for the parent's wall-clock limit: the child's start
# (about 0.05 s here, more on a loaded host) counts on the wall clock but not
# in the script's CPU timer.
WALL_MARGIN_SECONDS = 1.0

_ROOT = Path(__file__).resolve().parents[2]  # holds runtime/ and builder/
_COMMAND = ("-s", "-m", "runtime.engine.script_child")  # -s: no user site-packages
# PYTHONHASHSEED fixes the order of sets of strings and TZ fixes local time, so
# a replay of history computes what the live run computed.
_ENV = {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
_TIMEOUT_SIGNALS = frozenset({signal.SIGPROF, signal.SIGXCPU})
_STDERR_TAIL = 4096


@dataclass(frozen=True)
class ScriptOutcome:
    """The result of one run: the outputs, or why there are none.

    ``code`` is "" when ``ok``, else one of :data:`OUTCOME_CODES`; ``message``
    is for the person who wrote the script.
    """

    ok: bool
    outputs: dict[str, Any]
    code: str
    message: str


def _failed(code: str, message: str) -> ScriptOutcome:
    return ScriptOutcome(ok=False, outputs={}, code=code, message=message)


def run_script(
    code: str,
    inputs: dict[str, Any],
    outputs: list[str],
    *,
    timeout_seconds: float,
    memory_mb: int,
) -> ScriptOutcome:
    """Run ``code`` in a child process with ``inputs``; return its declared ``outputs``.

    Never raises and never waits much longer than ``timeout_seconds``.
    """
    try:
        if not timeout_seconds > 0 or not memory_mb > 0:
            return _failed("crashed", "timeout_seconds and memory_mb must be positive")
        try:
            request = json.dumps(
                {
                    "code": code,
                    "inputs": inputs,
                    "outputs": list(outputs),
                    "timeout_seconds": float(timeout_seconds),
                    "memory_mb": int(memory_mb),
                },
                allow_nan=False,
            ).encode("ascii")
        except (TypeError, ValueError, RecursionError) as exc:
            return _failed("crashed", f"the inputs could not be sent to the script: {exc}")
        return _run(request, list(outputs), timeout_seconds)
    except Exception as exc:  # the worker must survive whatever happens here
        return _failed("crashed", f"the script could not be run: {type(exc).__name__}: {exc}")


def _run(request: bytes, outputs: list[str], timeout_seconds: float) -> ScriptOutcome:
    with (
        tempfile.TemporaryFile() as stdin,
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
    ):
        stdin.write(request)
        stdin.seek(0)
        try:
            child = subprocess.Popen(
                [sys.executable, *_COMMAND],
                stdin=stdin,
                stdout=stdout,
                stderr=stderr,
                env=_ENV,
                cwd=_ROOT,
                close_fds=True,
                start_new_session=True,
            )
        except OSError as exc:
            return _failed("crashed", f"the script's process could not start: {exc}")
        killed = False
        try:
            child.wait(timeout=timeout_seconds + WALL_MARGIN_SECONDS)
        except subprocess.TimeoutExpired:
            killed = True
        finally:
            if child.poll() is None:  # timed out, or the parent is interrupted
                _kill(child)
        if killed:
            return _failed("timeout", f"the script ran longer than {timeout_seconds:g} s")
        return _outcome(child.returncode, stdout, stderr, outputs, timeout_seconds)


def _kill(child: subprocess.Popen[bytes]) -> None:
    """End the child's session (it is the leader) and reap it."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except OSError:
        child.kill()
    child.wait()


def _tail(file: IO[bytes]) -> str:
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(max(0, size - _STDERR_TAIL))
    return file.read().decode("utf-8", "replace").strip()


def _outcome(
    returncode: int,
    stdout: IO[bytes],
    stderr: IO[bytes],
    outputs: list[str],
    timeout_seconds: float,
) -> ScriptOutcome:
    if returncode != 0:
        return _death(returncode, _tail(stderr), timeout_seconds)
    stdout.seek(0)
    data = stdout.read(MAX_OUTPUT_BYTES + 1)
    if len(data) > MAX_OUTPUT_BYTES:
        return _failed("bad_output", f"the outputs are more than {MAX_OUTPUT_BYTES} bytes")
    try:
        answer = json.loads(data)
    except (ValueError, RecursionError):
        last = _tail(stderr).splitlines()[-1:] or ["no answer"]
        return _failed("crashed", f"the script's process gave no answer: {last[0]}")
    if isinstance(answer, dict) and answer.get("ok") is True:
        values = answer.get("outputs")
        if isinstance(values, dict) and sorted(values) == sorted(set(outputs)):
            return ScriptOutcome(ok=True, outputs=values, code="", message="")
    elif (
        isinstance(answer, dict)
        and answer.get("code") in OUTCOME_CODES
        and isinstance(answer.get("message"), str)
    ):
        return _failed(answer["code"], answer["message"])
    return _failed("crashed", "the script's process gave an answer of the wrong shape")


def _death(returncode: int, stderr: str, timeout_seconds: float) -> ScriptOutcome:
    """Why the child ended without an answer."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        if -returncode in _TIMEOUT_SIGNALS:
            return _failed("timeout", f"the script used more than {timeout_seconds:g} s of CPU")
        if -returncode == signal.SIGKILL:
            return _failed(
                "crashed", "the script's process was killed (SIGKILL), perhaps for lack of memory"
            )
    else:
        name = f"exit status {returncode}"
    if "MemoryError" in stderr or "Cannot allocate memory" in stderr:
        return _failed("memory", f"the script ran out of memory ({name})")
    last = stderr.splitlines()[-1:] or ["no message"]
    return _failed("crashed", f"the script's process died ({name}): {last[0][:500]}")

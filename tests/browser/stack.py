"""One API and one studio for every xdist worker of a test run.

The first worker that needs them starts them; each worker counts itself in and out
under a file lock, and the last one out stops them. (xdist's ``loadgroup`` would keep
the browser tests on one worker, but xdist 3.8 under pytest 9.2 ignores the groups, so
the tests may land on any worker.)
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from frontend.launch import stop

__all__ = ["Studio", "shared"]


@dataclass(frozen=True)
class Studio:
    url: str
    api: str  # the API itself (tests prepare data through it)
    password: str
    pids: tuple[int, ...]  # process groups to stop when the last worker is done
    down: str = ""  # the proxy's list of workflow keys whose API calls fail (proxy.py)
    database: str = ""  # the API's database URL, for the CLI (trellis users set-role)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load(state: Path) -> tuple[Studio, int] | None:
    if not state.exists():
        return None
    data = json.loads(state.read_text(encoding="utf-8"))
    fields = data["studio"]
    return Studio(**{**fields, "pids": tuple(fields["pids"])}), int(data["users"])


def _save(state: Path, studio: Studio, users: int) -> None:
    state.write_text(json.dumps({"studio": asdict(studio), "users": users}), encoding="utf-8")


@contextmanager
def shared(
    folder: Path, start: Callable[[], Studio], clean: Callable[[], None]
) -> Iterator[Studio]:
    """The servers recorded in ``folder``, started with ``start()`` if nobody has yet;
    the last one out stops them and calls ``clean()``."""
    lock, state = folder / "studio.lock", folder / "studio.json"
    with _locked(lock):
        found = _load(state)
        studio, users = found if found else (start(), 0)
        _save(state, studio, users + 1)
    try:
        yield studio
    finally:
        with _locked(lock):
            found = _load(state)
            users = found[1] - 1 if found else 0
            if users > 0:
                _save(state, studio, users)
            else:
                state.unlink(missing_ok=True)
                for pid in studio.pids:
                    stop(pid)
                clean()

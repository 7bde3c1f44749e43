"""``trellis validate FILE...``: offline checks of document files.

Forms among the files count as existing, so a workflow and its form can be
checked together before anything is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builder import References, check
from builder.checks.form import form_fields

__all__ = ["validate_files"]


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity; JSON (and the API) does not.
    raise ValueError(f"{name} is not a JSON number")


def _load(path: Path) -> tuple[Any, str | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, "file not found"
    except IsADirectoryError:
        return None, "is a folder, not a file"
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror}"
    try:
        return json.loads(text, parse_constant=_refuse_constant), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except (ValueError, RecursionError) as exc:
        return None, f"not valid JSON: {exc}"


def validate_files(paths: list[Path]) -> int:
    """Print ``FILE: POINTER: code: message`` per error; 1 if any file fails."""
    loaded = {path: _load(path) for path in paths}
    forms = {
        doc["key"]: form_fields(doc)
        for doc, _ in loaded.values()
        if isinstance(doc, dict) and doc.get("kind") == "form" and isinstance(doc.get("key"), str)
    }
    refs = References(forms=forms) if forms else References()
    failed = 0
    for path, (document, problem) in loaded.items():
        if problem is not None:
            print(f"{path}: {problem}")
            failed += 1
            continue
        errors = check(document, refs).errors
        for e in errors:
            print(f"{path}: {e.pointer or '/'}: {e.code}: {e.message['en']}")
        if errors:
            failed += 1
        else:
            print(f"{path}: valid")
    return 1 if failed else 0

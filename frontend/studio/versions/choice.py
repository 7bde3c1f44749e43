"""The versions page's choices, as pure functions: which two documents to compare
when the page opens, and what pointing a variant at a version would do.

Version references are strings as the diff endpoint takes them: a version number
(``"3"``) or ``"draft"``; ``""`` is "nothing to choose".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

__all__ = ["DEFAULT_VARIANT", "DRAFT", "MoveKind", "default_pair", "move_kind", "still_there"]

DRAFT = "draft"
DEFAULT_VARIANT = "default"
MoveKind = Literal["first", "same", "forward", "rollback"]


def _base(numbers: Sequence[int], active: Mapping[str, int]) -> int:
    """The version a change is read against: the default variant's live version, else
    the newest live one, else the newest version."""
    live = active.get(DEFAULT_VARIANT)
    if live is None and active:
        live = max(active.values())
    return live if live is not None and live in numbers else numbers[0]


def default_pair(
    numbers: Sequence[int], active: Mapping[str, int], has_draft: bool
) -> tuple[str, str]:
    """(from, to) when the page opens. ``numbers`` are the versions, newest first.

    What the draft would change against what is live (or the newest version); with
    no draft, what the newest version changed against the one before. With a single
    version and no draft both are that version (nothing to compare); with no version
    the draft is shown alone."""
    if not numbers:
        return "", DRAFT if has_draft else ""
    if has_draft:
        return str(_base(numbers, active)), DRAFT
    if len(numbers) >= 2:
        return str(numbers[1]), str(numbers[0])
    return str(numbers[0]), str(numbers[0])


def still_there(reference: str, numbers: Sequence[int], has_draft: bool) -> bool:
    """Whether a chosen reference still names something after a reload."""
    if reference == DRAFT:
        return has_draft
    return reference.isdigit() and int(reference) in numbers


def move_kind(current: int | None, chosen: int) -> MoveKind:
    """What activating ``chosen`` does to a variant now on ``current``: its first live
    version, nothing, a move forward, or a roll back to an earlier version."""
    if current is None:
        return "first"
    if current == chosen:
        return "same"
    return "rollback" if chosen < current else "forward"

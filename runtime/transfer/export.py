"""``export_all``: every document written into a new folder that then takes
the place of DIR, so a failed export leaves DIR as it was."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from builder.canonical import pretty_json
from runtime.store.models import Activation, ActiveVersion, Document, Draft, Version
from runtime.transfer.format import (
    ACTIVE_FILE,
    DOCUMENT_FILE,
    DRAFT_FILE,
    DRAFT_META_FILE,
    FORMAT,
    FORMAT_VERSION,
    KEY,
    MANIFEST,
    VERSIONS_DIR,
    DocumentMeta,
    DraftMeta,
    Move,
    Pointer,
    VersionFile,
)
from schemas import KINDS

__all__ = ["ExportError", "ExportSummary", "export_all"]

_Row = TypeVar("_Row", Version, ActiveVersion, Activation)


class ExportError(Exception):
    """The export was not written (DIR is left as it was)."""


@dataclass(frozen=True)
class ExportSummary:
    directory: Path
    documents: int
    drafts: int
    versions: int
    activations: int

    def line(self) -> str:
        return (
            f"exported {self.documents} documents, {self.versions} versions, "
            f"{self.drafts} drafts, {self.activations} pointer moves to {self.directory}"
        )


def export_all(session: Session, directory: Path) -> ExportSummary:
    """Write every document under ``directory``, replacing a previous export
    there. The files are written into a new sibling folder that is renamed
    into place at the end, so a failure leaves ``directory`` as it was."""
    target = directory.resolve()
    _check_target(target, directory)
    documents = list(
        session.execute(select(Document).order_by(Document.kind, Document.key)).scalars()
    )
    for document in documents:
        if document.kind not in KINDS or not KEY.match(document.key):
            raise ExportError(
                f"{document.kind}/{document.key} is not a valid document address, so it cannot "
                f"name a folder; nothing was exported to {directory}"
            )
    drafts = {d.document_id: d for d in session.execute(select(Draft)).scalars()}
    versions = _by_document(session, select(Version).order_by(Version.document_id, Version.version))
    pointers = _by_document(
        session, select(ActiveVersion).order_by(ActiveVersion.document_id, ActiveVersion.variant)
    )
    moves = _by_document(
        session, select(Activation).order_by(Activation.document_id, Activation.id)
    )

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.export-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        _write(staging / MANIFEST, {"format": FORMAT, "format_version": FORMAT_VERSION})
        for document in documents:
            _write_document(
                staging / document.kind / document.key,
                document,
                drafts.get(document.id),
                versions.get(document.id, []),
                pointers.get(document.id, []),
                moves.get(document.id, []),
            )
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ExportSummary(
        directory=directory,
        documents=len(documents),
        drafts=sum(1 for d in documents if d.id in drafts),
        versions=sum(len(v) for v in versions.values()),
        activations=sum(len(m) for m in moves.values()),
    )


def _by_document(session: Session, query: Select[_Row]) -> dict[int, list[_Row]]:
    grouped: dict[int, list[_Row]] = {}
    for row in session.execute(query).scalars():
        grouped.setdefault(row.document_id, []).append(row)
    return grouped


def _write_document(
    folder: Path,
    document: Document,
    draft: Draft | None,
    versions: list[Version],
    pointers: list[ActiveVersion],
    moves: list[Activation],
) -> None:
    folder.mkdir(parents=True)
    _write(folder / DOCUMENT_FILE, DocumentMeta.of(document).to_json())
    if draft is not None:
        _write(folder / DRAFT_FILE, draft.content)
        _write(folder / DRAFT_META_FILE, DraftMeta.of(draft).to_json())
    if versions:
        (folder / VERSIONS_DIR).mkdir()
    for version in versions:
        _write(folder / VERSIONS_DIR / f"{version.version}.json", VersionFile.of(version).to_json())
    if pointers or moves:
        _write(
            folder / ACTIVE_FILE,
            {
                "variants": {p.variant: Pointer.of(p).to_json() for p in pointers},
                "history": [Move.of(m).to_json() for m in moves],
            },
        )


def _write(path: Path, value: Any) -> None:
    path.write_bytes(pretty_json(value))


def _check_target(target: Path, shown: Path) -> None:
    """Refuse to replace anything but an empty folder or an earlier export."""
    if not target.exists():
        if target.is_symlink():
            raise ExportError(f"{shown} is a broken symbolic link; nothing was exported")
        return
    if not target.is_dir():
        raise ExportError(f"{shown} exists and is not a folder; nothing was exported")
    entries = [e for e in target.iterdir() if not e.name.startswith(".")]
    if not entries:
        return
    manifest = target / MANIFEST
    try:
        written = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        written = None
    if not isinstance(written, dict) or written.get("format") != FORMAT:
        raise ExportError(
            f"{shown} is not empty and is not a Trellis export (it has no {MANIFEST}); "
            "choose a new or empty folder. Nothing was exported"
        )
    foreign = sorted(
        e.name for e in entries if e.name != MANIFEST and not (e.is_dir() and e.name in KINDS)
    )
    if foreign:
        raise ExportError(
            f"{shown} is an earlier Trellis export but also holds {', '.join(foreign)}, which "
            "an export would delete; move it away first. Nothing was exported"
        )


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` where ``target`` is. The target's top-level dot entries
    (``.git`` and the like) move into the new folder first; the old folder is
    removed only after the new one is in place."""
    if not target.exists():
        os.rename(staging, target)
        return
    staging.chmod(target.stat().st_mode & 0o7777)
    kept = [e.name for e in target.iterdir() if e.name.startswith(".")]
    moved: list[str] = []
    retired = target.parent / f".{target.name}.old-{secrets.token_hex(4)}"
    try:
        for name in kept:
            os.rename(target / name, staging / name)
            moved.append(name)
        os.rename(target, retired)
    except BaseException:
        for name in moved:
            os.rename(staging / name, target / name)
        raise
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired, target)
        for name in moved:
            os.rename(staging / name, target / name)
        raise
    shutil.rmtree(retired, ignore_errors=True)

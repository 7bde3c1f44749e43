"""``trellis export DIR`` and ``trellis import DIR``: every document as a folder
of JSON files, and back.

The folder is meant to be committed, reviewed and diffed, so every file is
:func:`builder.canonical.pretty_json` (sorted keys, two-space indent, UTF-8,
final newline), times are ISO 8601 in UTC with microseconds, lists are in a
fixed order, and nothing in it depends on when the export ran. Exporting,
importing into an empty database and exporting again gives the same bytes.

Layout (``<n>`` is 1, 2, ...; ``active.json`` only when a version was ever
activated)::

    DIR/trellis-export.json              {"format": "trellis-export", "format_version": 1}
    DIR/<kind>/<key>/document.json       {kind, key, created_at, created_by}
    DIR/<kind>/<key>/draft.json          the draft itself, as stored (it may have errors)
    DIR/<kind>/<key>/draft.meta.json     {revision, updated_at, updated_by}
    DIR/<kind>/<key>/versions/<n>.json   {version, hash, author, published_at, message, content}
    DIR/<kind>/<key>/active.json         {variants: {<variant>: {version, updated_at, updated_by}},
                                          history: [{variant, action, from_version, to_version,
                                                     actor, at, reason}, ...]}  (oldest first)

``draft.json`` holds the bare document so that ``trellis validate`` and an
editor can open it as it is; its bookkeeping sits beside it. Top-level names
starting with a dot (``.git``, ``.gitattributes``) are left alone by both
directions, so the folder can be a Git work tree.

Import reads and checks the whole folder before it writes anything, and then
writes inside the caller's transaction: any problem raises
:class:`TransferError` listing every problem as ``FILE: POINTER: message``.
Published versions are inserted, never updated.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from builder import References, check
from builder.canonical import content_hash, pretty_json
from builder.checks.form import form_fields
from runtime.store import audit
from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.documents import find_document
from runtime.store.models import Activation, ActiveVersion, Document, Draft, Version
from schemas import KEY_PATTERN, KINDS

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "ExportError",
    "ExportSummary",
    "ImportSummary",
    "Problem",
    "TransferError",
    "export_all",
    "import_all",
    "run_export",
    "run_import",
]

MANIFEST = "trellis-export.json"
FORMAT = "trellis-export"
# Bump when a reader of the old format would misread the new one.
FORMAT_VERSION = 1

DOCUMENT_FILE = "document.json"
DRAFT_FILE = "draft.json"
DRAFT_META_FILE = "draft.meta.json"
VERSIONS_DIR = "versions"
ACTIVE_FILE = "active.json"
DOCUMENT_ENTRIES = (DOCUMENT_FILE, DRAFT_FILE, DRAFT_META_FILE, VERSIONS_DIR, ACTIVE_FILE)

_KEY = re.compile(KEY_PATTERN)
_VARIANT = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_VERSION_FILE = re.compile(r"^([1-9][0-9]{0,8})\.json$")
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")
_ACTIONS = ("activate", "rollback")
_NAME_LENGTH = 150  # users, authors and actors (String(150) columns)


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One reason an import was refused. ``file`` is relative to DIR (or DIR
    itself); ``pointer`` is a JSON pointer into that file, ``line L, column C``
    for unreadable JSON, or empty when the whole file is meant."""

    file: str
    pointer: str
    message: str

    def __str__(self) -> str:
        if self.pointer:
            return f"{self.file}: {self.pointer}: {self.message}"
        return f"{self.file}: {self.message}"


class TransferError(Exception):
    """The folder cannot be imported; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class ExportError(Exception):
    """The export was not written (DIR is left as it was)."""


# --------------------------------------------------------------------------- export


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


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


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
        if document.kind not in KINDS or not _KEY.match(document.key):
            raise ExportError(
                f"{document.kind}/{document.key} is not a valid document address, so it cannot "
                f"name a folder; nothing was exported to {directory}"
            )
    drafts = {d.document_id: d for d in session.execute(select(Draft)).scalars()}
    versions: dict[int, list[Version]] = {}
    for version in session.execute(
        select(Version).order_by(Version.document_id, Version.version)
    ).scalars():
        versions.setdefault(version.document_id, []).append(version)
    pointers: dict[int, list[ActiveVersion]] = {}
    for pointer in session.execute(
        select(ActiveVersion).order_by(ActiveVersion.document_id, ActiveVersion.variant)
    ).scalars():
        pointers.setdefault(pointer.document_id, []).append(pointer)
    moves: dict[int, list[Activation]] = {}
    for move in session.execute(
        select(Activation).order_by(Activation.document_id, Activation.id)
    ).scalars():
        moves.setdefault(move.document_id, []).append(move)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.export-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        _write(staging / MANIFEST, {"format": FORMAT, "format_version": FORMAT_VERSION})
        for document in documents:
            folder = staging / document.kind / document.key
            folder.mkdir(parents=True)
            _write(
                folder / DOCUMENT_FILE,
                {
                    "kind": document.kind,
                    "key": document.key,
                    "created_at": _time(document.created_at),
                    "created_by": document.created_by,
                },
            )
            draft = drafts.get(document.id)
            if draft is not None:
                _write(folder / DRAFT_FILE, draft.content)
                _write(
                    folder / DRAFT_META_FILE,
                    {
                        "revision": draft.revision,
                        "updated_at": _time(draft.updated_at),
                        "updated_by": draft.updated_by,
                    },
                )
            if document.id in versions:
                (folder / VERSIONS_DIR).mkdir()
            for version in versions.get(document.id, []):
                _write(
                    folder / VERSIONS_DIR / f"{version.version}.json",
                    {
                        "version": version.version,
                        "hash": version.hash,
                        "author": version.author,
                        "published_at": _time(version.published_at),
                        "message": version.message,
                        "content": version.content,
                    },
                )
            if document.id in pointers or document.id in moves:
                _write(
                    folder / ACTIVE_FILE,
                    {
                        "variants": {
                            p.variant: {
                                "version": p.version,
                                "updated_at": _time(p.updated_at),
                                "updated_by": p.updated_by,
                            }
                            for p in pointers.get(document.id, [])
                        },
                        "history": [
                            {
                                "variant": m.variant,
                                "action": m.action,
                                "from_version": m.from_version,
                                "to_version": m.to_version,
                                "actor": m.actor,
                                "at": _time(m.at),
                                "reason": m.reason,
                            }
                            for m in moves.get(document.id, [])
                        ],
                    },
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


# --------------------------------------------------------------------------- reading


@dataclass
class _DraftIn:
    file: str
    raw: Any
    revision: int
    updated_at: datetime
    updated_by: str
    content: dict[str, Any] | None = None
    errors: int = 0


@dataclass
class _VersionIn:
    file: str
    number: int
    hash: str
    author: str
    published_at: datetime
    message: str
    raw: Any
    content: dict[str, Any] | None = None


@dataclass(frozen=True)
class _Pointer:
    variant: str
    version: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class _Move:
    variant: str
    action: str
    from_version: int | None
    to_version: int
    actor: str
    at: datetime
    reason: str


@dataclass
class _DocumentIn:
    kind: str
    key: str
    folder: str
    created_at: datetime
    created_by: str
    draft: _DraftIn | None = None
    versions: list[_VersionIn] = field(default_factory=list)
    pointers: dict[str, _Pointer] = field(default_factory=dict)
    history: list[_Move] = field(default_factory=list)


class _Missing:
    pass


_MISSING = _Missing()


class _Reader:
    """Reads a folder into plain values, collecting every problem on the way."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def problem(self, file: str, pointer: str, message: str) -> None:
        self.problems.append(Problem(file, pointer, message))

    def load(self, path: Path) -> Any:
        """The JSON value in ``path``, or ``_MISSING`` (with a problem noted)."""
        file = self.name(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problem(file, "", f"cannot be read: {exc.strerror or exc}")
            return _MISSING
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(file, "", f"is not UTF-8 text ({exc.reason} at byte {exc.start})")
            return _MISSING
        try:
            return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
        except json.JSONDecodeError as exc:
            self.problem(
                file, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}"
            )
        except ValueError as exc:
            self.problem(file, "", f"not valid JSON: {exc}")
        return _MISSING

    def fields(
        self, file: str, value: Any, pointer: str, required: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """``value`` if it is an object with exactly the ``required`` members."""
        if value is _MISSING:  # unreadable: already reported
            return None
        if not isinstance(value, dict):
            self.problem(file, pointer, f"expected an object with {', '.join(required)}")
            return None
        ok = True
        for name in required:
            if name not in value:
                self.problem(file, pointer, f"{name} is missing")
                ok = False
        for name in value:
            if name not in required:
                self.problem(file, f"{pointer}/{_escape(name)}", f"{name} is not expected here")
                ok = False
        return value if ok else None

    def integer(self, file: str, value: Any, pointer: str, *, minimum: int) -> int | None:
        if type(value) is not int or value < minimum:
            self.problem(file, pointer, f"expected a whole number of at least {minimum}")
            return None
        return value

    def text(
        self,
        file: str,
        value: Any,
        pointer: str,
        *,
        max_length: int | None = None,
        empty: bool = True,
    ) -> str | None:
        if not isinstance(value, str) or (not empty and not value):
            self.problem(file, pointer, "expected " + ("text" if empty else "non-empty text"))
            return None
        if max_length is not None and len(value) > max_length:
            self.problem(file, pointer, f"longer than {max_length} characters")
            return None
        return value

    def time(self, file: str, value: Any, pointer: str) -> datetime | None:
        parsed = None
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.problem(
                file,
                pointer,
                "expected an ISO 8601 time with offset, such as 2025-01-31T09:30:00.000000+00:00",
            )
            return None
        return parsed.astimezone(UTC)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(f"the member {name!r} appears twice in one object")
        result[name] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _visible(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.iterdir()) if not p.name.startswith("."))


def _read_folder(reader: _Reader, root: Path) -> list[_DocumentIn]:
    shown = str(root)
    if not root.is_dir():
        reader.problem(shown, "", "no such folder" if not root.exists() else "is not a folder")
        return []
    if not (root / MANIFEST).is_file():
        reader.problem(shown, "", f"is not a Trellis export: it has no {MANIFEST}")
        return []
    manifest = reader.load(root / MANIFEST)
    if manifest is _MISSING:
        return []
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        reader.problem(MANIFEST, "/format", f"expected {FORMAT!r}: this is not a Trellis export")
        return []
    if manifest.get("format_version") != FORMAT_VERSION:
        reader.problem(
            MANIFEST,
            "/format_version",
            f"format_version {manifest.get('format_version')!r} cannot be read; this Trellis "
            f"reads format_version {FORMAT_VERSION}",
        )
        return []
    documents = []
    for entry in _visible(root):
        if entry.name == MANIFEST:
            continue
        if not (entry.is_dir() and entry.name in KINDS):
            reader.problem(
                reader.name(entry),
                "",
                f"is not part of a Trellis export (expected {MANIFEST} and folders named "
                f"{', '.join(KINDS)})",
            )
            continue
        for folder in _visible(entry):
            if not folder.is_dir() or not _KEY.match(folder.name):
                reader.problem(
                    reader.name(folder),
                    "",
                    f"is not a document folder (a folder named by a key matching {KEY_PATTERN})",
                )
                continue
            document = _read_document(reader, folder, entry.name, folder.name)
            if document is not None:
                documents.append(document)
    return documents


def _read_document(reader: _Reader, folder: Path, kind: str, key: str) -> _DocumentIn | None:
    name = reader.name(folder)
    present = {p.name: p for p in _visible(folder)}
    for entry in present:
        if entry not in DOCUMENT_ENTRIES:
            reader.problem(
                f"{name}/{entry}",
                "",
                f"is not expected in a document folder (which holds {', '.join(DOCUMENT_ENTRIES)})",
            )
    if DOCUMENT_FILE not in present:
        reader.problem(name, "", f"has no {DOCUMENT_FILE}")
        return None
    file = f"{name}/{DOCUMENT_FILE}"
    meta = reader.fields(
        file, reader.load(present[DOCUMENT_FILE]), "", ("kind", "key", "created_at", "created_by")
    )
    if meta is None:
        return None
    if meta["kind"] != kind:
        reader.problem(file, "/kind", f"says {meta['kind']!r} but the folder is {kind!r}")
    if meta["key"] != key:
        reader.problem(file, "/key", f"says {meta['key']!r} but the folder is {key!r}")
    created_at = reader.time(file, meta["created_at"], "/created_at")
    created_by = reader.text(
        file, meta["created_by"], "/created_by", max_length=_NAME_LENGTH, empty=False
    )
    if created_at is None or created_by is None:
        return None
    document = _DocumentIn(kind, key, name, created_at, created_by)

    if (DRAFT_FILE in present) != (DRAFT_META_FILE in present):
        missing = DRAFT_META_FILE if DRAFT_FILE in present else DRAFT_FILE
        reader.problem(
            name, "", f"has no {missing}: a draft needs both {DRAFT_FILE} and {DRAFT_META_FILE}"
        )
    elif DRAFT_FILE in present:
        document.draft = _read_draft(reader, present[DRAFT_FILE], present[DRAFT_META_FILE])

    if VERSIONS_DIR in present:
        document.versions = _read_versions(reader, present[VERSIONS_DIR])
    if ACTIVE_FILE in present:
        _read_active(reader, present[ACTIVE_FILE], document)
    if DRAFT_FILE not in present and VERSIONS_DIR not in present:
        reader.problem(name, "", "has neither a draft nor any version")
    return document


def _read_draft(reader: _Reader, content_path: Path, meta_path: Path) -> _DraftIn | None:
    raw = reader.load(content_path)
    file = reader.name(meta_path)
    meta = reader.fields(file, reader.load(meta_path), "", ("revision", "updated_at", "updated_by"))
    if raw is _MISSING or meta is None:
        return None
    revision = reader.integer(file, meta["revision"], "/revision", minimum=1)
    updated_at = reader.time(file, meta["updated_at"], "/updated_at")
    updated_by = reader.text(
        file, meta["updated_by"], "/updated_by", max_length=_NAME_LENGTH, empty=False
    )
    if revision is None or updated_at is None or updated_by is None:
        return None
    return _DraftIn(reader.name(content_path), raw, revision, updated_at, updated_by)


def _read_versions(reader: _Reader, folder: Path) -> list[_VersionIn]:
    name = reader.name(folder)
    if not folder.is_dir():
        reader.problem(name, "", "is not a folder")
        return []
    versions: list[_VersionIn] = []
    numbers: list[int] = []
    for path in _visible(folder):
        match = _VERSION_FILE.match(path.name)
        if match is None or not path.is_file():
            reader.problem(reader.name(path), "", "is not a version file (1.json, 2.json, ...)")
            continue
        number = int(match.group(1))
        numbers.append(number)
        version = _read_version(reader, path, number)
        if version is not None:
            versions.append(version)
    numbers.sort()
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        gaps = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        reader.problem(
            name,
            "",
            f"versions must be numbered 1 to {numbers[-1]} without gaps; missing "
            + ", ".join(f"{n}.json" for n in gaps),
        )
    versions.sort(key=lambda v: v.number)
    return versions


def _read_version(reader: _Reader, path: Path, number: int) -> _VersionIn | None:
    file = reader.name(path)
    value = reader.fields(
        file,
        reader.load(path),
        "",
        ("version", "hash", "author", "published_at", "message", "content"),
    )
    if value is None:
        return None
    stated = reader.integer(file, value["version"], "/version", minimum=1)
    if stated is not None and stated != number:
        reader.problem(file, "/version", f"says version {stated} but the file is {path.name}")
        stated = None
    digest = value["hash"]
    if not isinstance(digest, str) or not _HASH.match(digest):
        reader.problem(file, "/hash", "expected sha256: followed by 64 lowercase hex digits")
        digest = None
    author = reader.text(file, value["author"], "/author", max_length=_NAME_LENGTH, empty=False)
    published_at = reader.time(file, value["published_at"], "/published_at")
    message = reader.text(file, value["message"], "/message")
    if (
        stated is None
        or digest is None
        or author is None
        or published_at is None
        or message is None
    ):
        return None
    return _VersionIn(file, number, digest, author, published_at, message, value["content"])


def _read_active(reader: _Reader, path: Path, document: _DocumentIn) -> None:
    file = reader.name(path)
    value = reader.fields(file, reader.load(path), "", ("variants", "history"))
    if value is None:
        return
    variants, history = value["variants"], value["history"]
    if not isinstance(variants, dict):
        reader.problem(file, "/variants", "expected an object: variant -> pointer")
        variants = {}
    for variant, raw in variants.items():
        at = f"/variants/{_escape(variant)}"
        if not _VARIANT.match(variant):
            reader.problem(file, at, f"{variant!r} is not a variant name ({_VARIANT.pattern})")
            continue
        pointer = reader.fields(file, raw, at, ("version", "updated_at", "updated_by"))
        if pointer is None:
            continue
        number = reader.integer(file, pointer["version"], f"{at}/version", minimum=1)
        updated_at = reader.time(file, pointer["updated_at"], f"{at}/updated_at")
        updated_by = reader.text(
            file, pointer["updated_by"], f"{at}/updated_by", max_length=_NAME_LENGTH, empty=False
        )
        if number is not None and updated_at is not None and updated_by is not None:
            document.pointers[variant] = _Pointer(variant, number, updated_at, updated_by)
    if not isinstance(history, list):
        reader.problem(file, "/history", "expected a list of moves, oldest first")
        history = []
    for i, raw in enumerate(history):
        at = f"/history/{i}"
        move = reader.fields(
            file,
            raw,
            at,
            ("variant", "action", "from_version", "to_version", "actor", "at", "reason"),
        )
        if move is None:
            continue
        variant = move["variant"]
        if not isinstance(variant, str) or not _VARIANT.match(variant):
            reader.problem(file, f"{at}/variant", f"expected a variant name ({_VARIANT.pattern})")
            continue
        if move["action"] not in _ACTIONS:
            reader.problem(file, f"{at}/action", f"expected one of {', '.join(_ACTIONS)}")
            continue
        from_version = (
            None
            if move["from_version"] is None
            else reader.integer(file, move["from_version"], f"{at}/from_version", minimum=1)
        )
        to_version = reader.integer(file, move["to_version"], f"{at}/to_version", minimum=1)
        actor = reader.text(
            file, move["actor"], f"{at}/actor", max_length=_NAME_LENGTH, empty=False
        )
        when = reader.time(file, move["at"], f"{at}/at")
        reason = reader.text(file, move["reason"], f"{at}/reason")
        if (
            (move["from_version"] is not None and from_version is None)
            or to_version is None
            or actor is None
            or when is None
            or reason is None
        ):
            continue
        document.history.append(
            _Move(variant, move["action"], from_version, to_version, actor, when, reason)
        )


# --------------------------------------------------------------------------- import


@dataclass
class ImportSummary:
    directory: Path
    documents: int = 0
    documents_created: int = 0
    versions_added: int = 0
    versions_present: int = 0
    drafts_written: int = 0
    drafts_unchanged: int = 0
    drafts_kept: int = 0
    moves_added: int = 0
    variants_kept: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.documents_created or self.versions_added or self.drafts_written or self.moves_added
        )

    def counts(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "documents_created": self.documents_created,
            "versions_added": self.versions_added,
            "versions_present": self.versions_present,
            "drafts_written": self.drafts_written,
            "drafts_unchanged": self.drafts_unchanged,
            "drafts_kept": self.drafts_kept,
            "moves_added": self.moves_added,
            "variants_kept": len(self.variants_kept),
        }

    def line(self) -> str:
        text = (
            f"imported {self.documents} documents ({self.documents_created} new), "
            f"{self.versions_added} versions ({self.versions_present} already present), "
            f"{self.drafts_written} drafts, {self.moves_added} pointer moves from {self.directory}"
        )
        if self.drafts_kept:
            text += f"; kept {self.drafts_kept} newer drafts in the database"
        if self.variants_kept:
            text += (
                "; kept the database's active pointers of "
                + ", ".join(self.variants_kept)
                + " (their history differs from the export)"
            )
        if not self.changed:
            text += "; nothing changed"
        return text


@dataclass
class _Existing:
    document: Document
    versions: dict[int, str]  # number -> hash
    draft: Draft | None
    pointers: dict[str, ActiveVersion]
    history: dict[str, list[_Move]]


def import_all(session: Session, directory: Path, *, actor: str, now: datetime) -> ImportSummary:
    """Read and check all of ``directory``, then write it in the caller's
    transaction. Raises :class:`TransferError` (having written nothing) if
    anything is wrong anywhere."""
    reader = _Reader(directory)
    documents = _read_folder(reader, directory)
    if reader.problems:
        raise TransferError(reader.problems)

    existing = {(d.kind, d.key): _existing(session, d) for d in documents}
    _check_contents(session, documents, reader.problems)
    _check_against(documents, existing, reader.problems)
    if reader.problems:
        raise TransferError(reader.problems)

    summary = ImportSummary(directory=directory, documents=len(documents))
    try:
        for document in documents:
            _write_document(session, document, existing[(document.kind, document.key)], summary)
    except IntegrityError:
        raise TransferError(
            [
                Problem(
                    str(directory),
                    "",
                    "the same documents were changed while importing; "
                    "nothing was imported, try again",
                )
            ]
        ) from None
    if summary.changed:
        audit.append(
            session,
            at=now,
            actor=actor,
            action="import",
            subject="",
            detail={**summary.counts(), "directory": str(directory)},
        )
    return summary


def _existing(session: Session, document: _DocumentIn) -> _Existing | None:
    found = find_document(session, document.kind, document.key, lock=True)
    if found is None:
        return None
    versions = {
        number: digest
        for number, digest in session.execute(
            select(Version.version, Version.hash).where(Version.document_id == found.id)
        )
    }
    pointers = {
        p.variant: p
        for p in session.execute(
            select(ActiveVersion).where(ActiveVersion.document_id == found.id)
        ).scalars()
    }
    history: dict[str, list[_Move]] = {}
    for m in session.execute(
        select(Activation).where(Activation.document_id == found.id).order_by(Activation.id)
    ).scalars():
        history.setdefault(m.variant, []).append(
            _Move(m.variant, m.action, m.from_version, m.to_version, m.actor, m.at, m.reason)
        )
    return _Existing(found, versions, session.get(Draft, found.id), pointers, history)


def _check_contents(
    session: Session, documents: list[_DocumentIn], problems: list[Problem]
) -> None:
    """Check every version (errors refuse the import) and every draft (errors
    are allowed, as for any draft). A workflow may refer to any form published
    in the database or in the folder, with the fields of any of its versions:
    that is a superset of what it was checked against when it was published."""
    published: dict[str, set[str]] = {}
    drafted: dict[str, set[str]] = {}
    for key, content in session.execute(
        select(Document.key, Version.content)
        .join(Version, Version.document_id == Document.id)
        .where(Document.kind == "form")
    ):
        published.setdefault(key, set()).update(form_fields(content))
    for key, content in session.execute(
        select(Document.key, Draft.content)
        .join(Draft, Draft.document_id == Document.id)
        .where(Document.kind == "form")
    ):
        drafted.setdefault(key, set()).update(form_fields(content))
    for document in documents:
        if document.kind != "form":
            continue
        for version in document.versions:
            published.setdefault(document.key, set()).update(form_fields(version.raw))
        if document.draft is not None:
            drafted.setdefault(document.key, set()).update(form_fields(document.draft.raw))
    for key, fields in published.items():
        drafted.setdefault(key, set()).update(fields)
    version_refs = References(forms={k: sorted(v) for k, v in published.items()})
    draft_refs = References(forms={k: sorted(v) for k, v in drafted.items()})

    for document in documents:
        for version in document.versions:
            checked = check(version.raw, version_refs, kind=document.kind, key=document.key)
            for e in checked.errors:
                problems.append(Problem(version.file, "/content" + e.pointer, e.message["en"]))
            if checked.document is None or checked.errors:
                continue
            actual = content_hash(checked.document)
            if actual != version.hash:
                problems.append(
                    Problem(
                        version.file,
                        "/hash",
                        f"{version.hash} does not match the content, whose hash is {actual}: "
                        "the file was changed after it was exported",
                    )
                )
                continue
            version.content = checked.document
        draft = document.draft
        if draft is not None:
            checked = check(draft.raw, draft_refs, kind=document.kind, key=document.key)
            fatal = [e for e in checked.errors if e.code in ("key_mismatch", "kind_mismatch")]
            if checked.document is None or fatal:
                for e in fatal or checked.errors:
                    problems.append(Problem(draft.file, e.pointer, e.message["en"]))
                continue
            draft.content = checked.document
            draft.errors = len(checked.errors)


def _check_against(
    documents: list[_DocumentIn],
    existing: dict[tuple[str, str], _Existing | None],
    problems: list[Problem],
) -> None:
    """Pointers name versions in the folder; versions already in the database
    are the same ones."""
    for document in documents:
        numbers = {v.number for v in document.versions}
        active = f"{document.folder}/{ACTIVE_FILE}"
        for variant, pointer in document.pointers.items():
            if pointer.version not in numbers:
                problems.append(
                    Problem(
                        active,
                        f"/variants/{variant}/version",
                        f"version {pointer.version} is not in {document.folder}/{VERSIONS_DIR}",
                    )
                )
        for i, move in enumerate(document.history):
            for name, number in (
                ("from_version", move.from_version),
                ("to_version", move.to_version),
            ):
                if number is not None and number not in numbers:
                    problems.append(
                        Problem(
                            active,
                            f"/history/{i}/{name}",
                            f"version {number} is not in {document.folder}/{VERSIONS_DIR}",
                        )
                    )
        found = existing[(document.kind, document.key)]
        if found is None:
            continue
        for version in document.versions:
            stored = found.versions.get(version.number)
            if stored is not None and stored != version.hash:
                problems.append(
                    Problem(
                        version.file,
                        "/hash",
                        f"the database already has version {version.number} of "
                        f"{document.kind}/{document.key} with another hash ({stored}); "
                        "a published version is never replaced",
                    )
                )


def _write_document(
    session: Session, document: _DocumentIn, found: _Existing | None, summary: ImportSummary
) -> None:
    if found is None:
        row = Document(
            kind=document.kind,
            key=document.key,
            created_at=document.created_at,
            created_by=document.created_by,
        )
        session.add(row)
        session.flush()
        summary.documents_created += 1
        found = _Existing(row, {}, None, {}, {})
    document_id = found.document.id

    for version in document.versions:
        if version.number in found.versions:
            summary.versions_present += 1
            continue
        assert version.content is not None  # checked
        session.add(
            Version(
                document_id=document_id,
                version=version.number,
                content=version.content,
                hash=version.hash,
                author=version.author,
                published_at=version.published_at,
                message=version.message,
                changeset_id=None,
            )
        )
        summary.versions_added += 1

    draft = document.draft
    if draft is not None:
        assert draft.content is not None  # checked
        current = found.draft
        if current is None:
            session.add(
                Draft(
                    document_id=document_id,
                    content=draft.content,
                    revision=draft.revision,
                    error_count=draft.errors,
                    updated_at=draft.updated_at,
                    updated_by=draft.updated_by,
                )
            )
            summary.drafts_written += 1
        elif content_hash(current.content) == content_hash(draft.content):
            summary.drafts_unchanged += 1
        elif draft.updated_at > current.updated_at:
            result = session.execute(
                update(Draft)
                .where(Draft.document_id == document_id, Draft.revision == current.revision)
                .values(
                    content=draft.content,
                    revision=current.revision + 1,
                    error_count=draft.errors,
                    updated_at=draft.updated_at,
                    updated_by=draft.updated_by,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise TransferError(
                    [
                        Problem(
                            draft.file,
                            "",
                            "the draft in the database changed while importing; "
                            "nothing was imported, try again",
                        )
                    ]
                )
            session.expire(current)
            summary.drafts_written += 1
        else:
            summary.drafts_kept += 1

    # Active pointers: the folder's moves for a variant are taken only when the
    # database's moves for it are the same moves so far (or there are none);
    # a variant moved differently in this database keeps its own pointer.
    variants = sorted(set(document.pointers) | {m.variant for m in document.history})
    taken: set[str] = set()
    for variant in variants:
        mine = [m for m in document.history if m.variant == variant]
        theirs = found.history.get(variant, [])
        if mine[: len(theirs)] == theirs:
            taken.add(variant)
        elif theirs[: len(mine)] != mine:
            summary.variants_kept.append(f"{document.folder}:{variant}")
    done = {v: len(found.history.get(v, [])) for v in taken}
    seen: dict[str, int] = {}
    for move in document.history:
        if move.variant not in taken:
            continue
        seen[move.variant] = seen.get(move.variant, 0) + 1
        if seen[move.variant] <= done[move.variant]:
            continue
        session.add(
            Activation(
                document_id=document_id,
                variant=move.variant,
                from_version=move.from_version,
                to_version=move.to_version,
                action=move.action,
                actor=move.actor,
                at=move.at,
                reason=move.reason,
            )
        )
        summary.moves_added += 1
    for variant in sorted(taken):
        pointer = document.pointers.get(variant)
        if pointer is None:
            continue
        moved = seen.get(variant, 0) > done[variant]
        current_pointer = found.pointers.get(variant)
        if current_pointer is None:
            session.add(
                ActiveVersion(
                    document_id=document_id,
                    variant=variant,
                    version=pointer.version,
                    updated_at=pointer.updated_at,
                    updated_by=pointer.updated_by,
                )
            )
        elif moved:
            current_pointer.version = pointer.version
            current_pointer.updated_at = pointer.updated_at
            current_pointer.updated_by = pointer.updated_by
    session.flush()


# --------------------------------------------------------------------------- CLI


def _engine(database_url: str, *, reads_only: bool) -> Engine:
    if database_url.startswith("postgresql"):
        # One snapshot for the whole export, not one per query.
        options = {"isolation_level": "REPEATABLE READ"} if reads_only else {}
        return make_engine(database_url, reads_only=reads_only, **options)
    return make_engine(database_url, reads_only=reads_only)


def run_export(database_url: str, directory: Path) -> int:
    """``trellis export DIR``: 0 and one summary line, or 1 and the reason."""
    engine = _engine(database_url, reads_only=True)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            summary = export_all(session, directory)
    except ExportError as exc:
        print(exc)
        return 1
    except OSError as exc:
        print(f"{directory}: cannot write the export: {exc}; nothing was exported")
        return 1
    except SQLAlchemyError as exc:
        print(
            f"{directory}: cannot read the database: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}"
        )
        return 1
    finally:
        engine.dispose()
    print(summary.line())
    return 0


def run_import(
    database_url: str, directory: Path, *, actor: str = "cli", now: datetime | None = None
) -> int:
    """``trellis import DIR``: 0 and one summary line, or 1 and every reason
    (``FILE: POINTER: message``, one per line) with nothing imported."""
    engine = _engine(database_url, reads_only=False)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            summary = import_all(session, directory, actor=actor, now=now or datetime.now(UTC))
    except TransferError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    except SQLAlchemyError as exc:
        print(
            f"{directory}: cannot write to the database: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}; nothing was imported"
        )
        return 1
    finally:
        engine.dispose()
    print(summary.line())
    return 0

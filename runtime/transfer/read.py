"""Reading an export folder into the documents it holds, noting every problem
(unknown files, unreadable JSON, missing or wrong members) on the reader."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime.transfer.format import (
    ACTIONS,
    ACTIVE_FILE,
    DOCUMENT_ENTRIES,
    DOCUMENT_FILE,
    DRAFT_FILE,
    DRAFT_META_FILE,
    FORMAT,
    FORMAT_VERSION,
    HASH,
    KEY,
    MANIFEST,
    VARIANT,
    VERSION_NAME,
    VERSIONS_DIR,
    DocumentMeta,
    DraftMeta,
    Move,
    Pointer,
    VersionFile,
    escape,
)
from runtime.transfer.load import MISSING, Reader
from schemas import KEY_PATTERN, KINDS

__all__ = ["DocumentIn", "DraftIn", "VersionIn", "read_folder"]


@dataclass
class DraftIn:
    file: str
    raw: Any
    meta: DraftMeta
    content: dict[str, Any] | None = None  # set once checked
    errors: int = 0


@dataclass
class VersionIn:
    file: str
    record: VersionFile  # record.content as read, unchecked
    content: dict[str, Any] | None = None  # set once checked


@dataclass
class DocumentIn:
    folder: str
    meta: DocumentMeta
    draft: DraftIn | None = None
    versions: list[VersionIn] = field(default_factory=list)
    pointers: dict[str, Pointer] = field(default_factory=dict)
    history: list[Move] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.meta.kind

    @property
    def key(self) -> str:
        return self.meta.key


def _visible(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.iterdir()) if not p.name.startswith("."))


def read_folder(reader: Reader, root: Path) -> list[DocumentIn]:
    shown = str(root)
    if not root.is_dir():
        reader.problem(shown, "", "no such folder" if not root.exists() else "is not a folder")
        return []
    if not (root / MANIFEST).is_file():
        reader.problem(shown, "", f"is not a Trellis export: it has no {MANIFEST}")
        return []
    manifest = reader.load(root / MANIFEST)
    if manifest is MISSING:
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
            if not folder.is_dir() or not KEY.match(folder.name):
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


def _read_document(reader: Reader, folder: Path, kind: str, key: str) -> DocumentIn | None:
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
    meta = reader.fields(file, reader.load(present[DOCUMENT_FILE]), "", DocumentMeta.members())
    if meta is None:
        return None
    if meta["kind"] != kind:
        reader.problem(file, "/kind", f"says {meta['kind']!r} but the folder is {kind!r}")
    if meta["key"] != key:
        reader.problem(file, "/key", f"says {meta['key']!r} but the folder is {key!r}")
    created_at = reader.time(file, meta["created_at"], "/created_at")
    created_by = reader.user(file, meta["created_by"], "/created_by")
    if created_at is None or created_by is None:
        return None
    document = DocumentIn(name, DocumentMeta(kind, key, created_at, created_by))

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


def _read_draft(reader: Reader, content_path: Path, meta_path: Path) -> DraftIn | None:
    raw = reader.load(content_path)
    file = reader.name(meta_path)
    meta = reader.fields(file, reader.load(meta_path), "", DraftMeta.members())
    if raw is MISSING or meta is None:
        return None
    revision = reader.integer(file, meta["revision"], "/revision", minimum=1)
    updated_at = reader.time(file, meta["updated_at"], "/updated_at")
    updated_by = reader.user(file, meta["updated_by"], "/updated_by")
    if revision is None or updated_at is None or updated_by is None:
        return None
    return DraftIn(reader.name(content_path), raw, DraftMeta(revision, updated_at, updated_by))


def _read_versions(reader: Reader, folder: Path) -> list[VersionIn]:
    name = reader.name(folder)
    if not folder.is_dir():
        reader.problem(name, "", "is not a folder")
        return []
    versions: list[VersionIn] = []
    numbers: list[int] = []
    for path in _visible(folder):
        match = VERSION_NAME.match(path.name)
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
    versions.sort(key=lambda v: v.record.version)
    return versions


def _read_version(reader: Reader, path: Path, number: int) -> VersionIn | None:
    file = reader.name(path)
    value = reader.fields(file, reader.load(path), "", VersionFile.members())
    if value is None:
        return None
    stated = reader.integer(file, value["version"], "/version", minimum=1)
    if stated is not None and stated != number:
        reader.problem(file, "/version", f"says version {stated} but the file is {path.name}")
        stated = None
    digest = value["hash"]
    if not isinstance(digest, str) or not HASH.match(digest):
        reader.problem(file, "/hash", "expected sha256: followed by 64 lowercase hex digits")
        digest = None
    author = reader.user(file, value["author"], "/author")
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
    return VersionIn(
        file, VersionFile(number, digest, author, published_at, message, value["content"])
    )


def _read_active(reader: Reader, path: Path, document: DocumentIn) -> None:
    file = reader.name(path)
    value = reader.fields(file, reader.load(path), "", ("variants", "history"))
    if value is None:
        return
    variants, history = value["variants"], value["history"]
    if not isinstance(variants, dict):
        reader.problem(file, "/variants", "expected an object: variant -> pointer")
        variants = {}
    for variant, raw in variants.items():
        pointer = _read_pointer(reader, file, variant, raw)
        if pointer is not None:
            document.pointers[variant] = pointer
    if not isinstance(history, list):
        reader.problem(file, "/history", "expected a list of moves, oldest first")
        history = []
    for i, raw in enumerate(history):
        move = _read_move(reader, file, f"/history/{i}", raw)
        if move is not None:
            document.history.append(move)


def _read_pointer(reader: Reader, file: str, variant: str, raw: Any) -> Pointer | None:
    at = f"/variants/{escape(variant)}"
    if not VARIANT.match(variant):
        reader.problem(file, at, f"{variant!r} is not a variant name ({VARIANT.pattern})")
        return None
    pointer = reader.fields(file, raw, at, Pointer.members())
    if pointer is None:
        return None
    number = reader.integer(file, pointer["version"], f"{at}/version", minimum=1)
    updated_at = reader.time(file, pointer["updated_at"], f"{at}/updated_at")
    updated_by = reader.user(file, pointer["updated_by"], f"{at}/updated_by")
    if number is None or updated_at is None or updated_by is None:
        return None
    return Pointer(number, updated_at, updated_by)


def _read_move(reader: Reader, file: str, at: str, raw: Any) -> Move | None:
    move = reader.fields(file, raw, at, Move.members())
    if move is None:
        return None
    variant = move["variant"]
    if not isinstance(variant, str) or not VARIANT.match(variant):
        reader.problem(file, f"{at}/variant", f"expected a variant name ({VARIANT.pattern})")
        return None
    if move["action"] not in ACTIONS:
        reader.problem(file, f"{at}/action", f"expected one of {', '.join(ACTIONS)}")
        return None
    from_version = (
        None
        if move["from_version"] is None
        else reader.integer(file, move["from_version"], f"{at}/from_version", minimum=1)
    )
    to_version = reader.integer(file, move["to_version"], f"{at}/to_version", minimum=1)
    actor = reader.user(file, move["actor"], f"{at}/actor")
    when = reader.time(file, move["at"], f"{at}/at")
    reason = reader.text(file, move["reason"], f"{at}/reason")
    if (
        (move["from_version"] is not None and from_version is None)
        or to_version is None
        or actor is None
        or when is None
        or reason is None
    ):
        return None
    return Move(variant, move["action"], from_version, to_version, actor, when, reason)

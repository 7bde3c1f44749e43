"""Where attachment bytes live, behind one small interface.

The database keeps what a file is (runtime/store/models.FileRow); a
:class:`FileStorage` keeps its bytes under an opaque key. Local disk is the
default; an object store is another implementation of the same three
methods. Keys are random, never derived from the uploaded name, so a name
cannot walk out of the storage folder.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Protocol

__all__ = ["ALLOWED_TYPES", "FileStorage", "LocalFileStorage", "looks_like", "new_key"]

# Content type -> the extensions it may carry. Anything else is refused:
# executables, scripts and HTML (which a browser would run) never get in.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
}
# The first bytes a file of the type must start with, where the type has them.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (b"PK\x03\x04",),
}


def looks_like(content_type: str, head: bytes) -> bool:
    """Whether the bytes start as a file of ``content_type`` should; text
    types must decode as UTF-8 and hold no NUL."""
    if content_type.startswith("text/"):
        try:
            return "\x00" not in head.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            # The head may cut a character in two; judge what comes before it.
            return "\x00" not in head[:-3].decode("utf-8", errors="ignore")
    return any(head.startswith(magic) for magic in _MAGIC.get(content_type, ()))


def new_key() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:]}"


class FileStorage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalFileStorage:
    """Files on local disk under ``root`` (``var/files`` by default)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"not a storage key: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, path)  # whole or not at all

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

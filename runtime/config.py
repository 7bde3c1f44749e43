"""Settings from the environment, read once at start-up (never deep inside)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

DEFAULT_DATABASE_URL = "sqlite:///var/trellis.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    clock: str = "system"
    # Requests larger than this are refused with 413 before they are parsed.
    max_body_bytes: int = 2 * 1024 * 1024
    session_hours: int = 12
    secure_cookies: bool = False
    login_window_minutes: int = 15
    login_max_failures: int = 5
    # Attachments: where their bytes go ("" = a files/ folder beside a SQLite
    # database, else var/files) and how large one may be.
    files_dir: str = ""
    max_file_bytes: int = 10 * 1024 * 1024

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("TRELLIS_DATABASE_URL", DEFAULT_DATABASE_URL),
            clock=env.get("TRELLIS_CLOCK", "system"),
            secure_cookies=env.get("TRELLIS_SECURE_COOKIES", "") == "1",
            files_dir=env.get("TRELLIS_FILES_DIR", ""),
        )

    @property
    def files_path(self) -> Path:
        if self.files_dir:
            return Path(self.files_dir)
        if self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix("sqlite:///")).parent / "files"
        return Path("var/files")

    def ensure_local_dirs(self) -> None:
        """Create the folder of a relative SQLite file (``var/`` by default)."""
        if self.database_url.startswith("sqlite:///"):
            path = Path(self.database_url.removeprefix("sqlite:///"))
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)

"""``trellis export`` / ``trellis import`` on SQLite and PostgreSQL: the round
trip is byte-identical, a broken folder imports nothing and says where, and a
second import merges instead of duplicating."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from builder.canonical import content_hash, pretty_json
from runtime import transfer
from runtime.store import documents as store
from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.migrate import upgrade
from runtime.store.models import (
    Activation,
    ActiveVersion,
    AuditEntry,
    Document,
    Draft,
    Version,
)
from runtime.transfer import ExportError, TransferError, export_all, import_all
from tests.conftest import _empty
from tests.documents import api_example, deal_form

START = datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)
WORKFLOW = "workflow/discount-approval"
TABLES = (Document, Draft, Version, ActiveVersion, Activation, AuditEntry)


class Clock:
    """Each call is one minute later, so every row has its own time."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def lead_form() -> dict[str, Any]:
    return {
        "kind": "form",
        "schema_version": 2,
        "key": "lead",
        "title": {"en": "Lead", "zh-CN": "线索"},
        "fields": [
            {"key": "company", "type": "text", "label": {"en": "Company", "zh-CN": "公司名称"}}
        ],
    }


def save_and_publish(
    s: Session,
    clock: Clock,
    kind: str,
    key: str,
    content: dict[str, Any],
    *,
    editor: str,
    publisher: str,
    message: str,
) -> None:
    """Save ``content`` as the draft (by ``editor``) and publish it (by ``publisher``)."""
    store.save_draft(s, kind, key, content, expected_revision=None, actor=editor, now=clock())
    store.publish(
        s, kind, key, message=message, expected_revision=None, actor=publisher, now=clock()
    )


def populate(factory: sessionmaker[Session], clock: Clock, *, full: bool = True) -> None:
    """Form ``deal`` (v1, active), workflow ``discount-approval`` and, with
    ``full``, its v2, a roll back, a second variant, a draft with an error and
    a form ``lead`` that is only a draft."""
    with transaction(factory) as s:
        save_and_publish(
            s,
            clock,
            "form",
            "deal",
            deal_form(),
            editor="alice",
            publisher="alice",
            message="first",
        )
        store.activate(s, "form", "deal", "default", 1, actor="alice", now=clock())
        save_and_publish(
            s,
            clock,
            "workflow",
            "discount-approval",
            api_example(),
            editor="bob",
            publisher="bob",
            message="首次发布",
        )
        store.activate(s, "workflow", "discount-approval", "default", 1, actor="bob", now=clock())
    if not full:
        return
    with transaction(factory) as s:
        second = api_example()
        second["title"] = {"en": "Discount approval (strict)", "zh-CN": "折扣审批（严格）"}
        second["edges"][1]["condition"] = "record['discount'] > 0.05"
        save_and_publish(
            s,
            clock,
            "workflow",
            "discount-approval",
            second,
            editor="bob",
            publisher="carol",
            message="stricter",
        )
        store.activate(s, "workflow", "discount-approval", "default", 2, actor="carol", now=clock())
        store.activate(
            s,
            "workflow",
            "discount-approval",
            "default",
            1,
            actor="carol",
            now=clock(),
            reason="too strict",
        )
        store.activate(s, "workflow", "discount-approval", "east", 2, actor="carol", now=clock())
        broken = api_example()
        broken["edges"].append({"id": "e5", "source": "mgr", "target": "nowhere"})
        saved = store.save_draft(
            s,
            "workflow",
            "discount-approval",
            broken,
            expected_revision=None,
            actor="bob",
            now=clock(),
        )
        assert saved.errors  # a draft may be invalid, and is exported as it is
        store.save_draft(
            s, "form", "lead", lead_form(), expected_revision=None, actor="dora", now=clock()
        )


def export(factory: sessionmaker[Session], directory: Path) -> transfer.ExportSummary:
    with transaction(factory) as s:
        return export_all(s, directory)


def import_(
    factory: sessionmaker[Session], directory: Path, clock: Clock
) -> transfer.ImportSummary:
    with transaction(factory) as s:
        return import_all(s, directory, actor="importer", now=clock())


def files(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def counts(engine: Engine) -> dict[str, int]:
    with make_sessionmaker(engine)() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES}


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, value: Any) -> None:
    path.write_bytes(pretty_json(value))


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def exported(engine: Engine, factory: sessionmaker[Session], tmp_path: Path) -> Path:
    """The populated database exported to ``tmp_path/export``; the database is
    then emptied again."""
    populate(factory, Clock())
    directory = tmp_path / "export"
    export(factory, directory)
    _empty(engine)
    return directory


# --------------------------------------------------------------------------- round trip


def test_export_import_export_is_byte_identical(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    populate(factory, Clock())
    first = tmp_path / "first"
    summary = export(factory, first)
    assert (summary.documents, summary.versions, summary.drafts, summary.activations) == (
        3,
        3,
        3,
        5,
    )
    before = files(first)
    assert sorted(before) == [
        "form/deal/active.json",
        "form/deal/document.json",
        "form/deal/draft.json",
        "form/deal/draft.meta.json",
        "form/deal/versions/1.json",
        "form/lead/document.json",
        "form/lead/draft.json",
        "form/lead/draft.meta.json",
        "trellis-export.json",
        f"{WORKFLOW}/active.json",
        f"{WORKFLOW}/document.json",
        f"{WORKFLOW}/draft.json",
        f"{WORKFLOW}/draft.meta.json",
        f"{WORKFLOW}/versions/1.json",
        f"{WORKFLOW}/versions/2.json",
    ]
    assert read(first / "trellis-export.json") == {"format": "trellis-export", "format_version": 1}
    version = read(first / WORKFLOW / "versions" / "2.json")
    assert set(version) == {"version", "hash", "author", "published_at", "message", "content"}
    assert version["hash"] == content_hash(version["content"])
    assert version["published_at"].endswith("+00:00")
    active = read(first / WORKFLOW / "active.json")
    assert active["variants"]["default"]["version"] == 1
    assert active["variants"]["east"]["version"] == 2
    assert [(m["variant"], m["action"], m["to_version"]) for m in active["history"]] == [
        ("default", "activate", 1),
        ("default", "activate", 2),
        ("default", "rollback", 1),
        ("east", "activate", 2),
    ]
    assert active["history"][2]["reason"] == "too strict"

    _empty(engine)
    clock = Clock()
    imported = import_(factory, first, clock)
    assert (
        imported.documents,
        imported.documents_created,
        imported.versions_added,
        imported.drafts_written,
        imported.moves_added,
    ) == (3, 3, 3, 3, 5)
    second = tmp_path / "second"
    export(factory, second)
    assert files(second) == before

    with make_sessionmaker(engine)() as s:
        entries = s.execute(select(AuditEntry)).scalars().all()
        assert [e.action for e in entries] == ["import"]
        assert entries[0].actor == "importer"
        assert entries[0].detail["versions_added"] == 3
        _, draft = store.get_draft(s, "workflow", "discount-approval")
        assert draft.error_count > 0  # the invalid draft came back, still a draft


def test_chinese_text_survives_byte_identically(
    engine: Engine, factory: sessionmaker[Session], exported: Path, tmp_path: Path
) -> None:
    raw = (exported / WORKFLOW / "versions" / "2.json").read_bytes()
    assert "折扣审批（严格）".encode() in raw and b"\\u" not in raw
    assert "首次发布".encode() in (exported / WORKFLOW / "versions" / "1.json").read_bytes()
    assert "线索".encode() in (exported / "form" / "lead" / "draft.json").read_bytes()
    import_(factory, exported, Clock())
    with make_sessionmaker(engine)() as s:
        assert store.get_version(s, "workflow", "discount-approval", 2).content["title"] == {
            "en": "Discount approval (strict)",
            "zh-CN": "折扣审批（严格）",
        }
        assert store.get_version(s, "workflow", "discount-approval", 1).message == "首次发布"
    again = tmp_path / "again"
    export(factory, again)
    assert files(again) == files(exported)


def test_reimport_of_the_same_export_is_a_no_op(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    populate(factory, Clock())
    directory = tmp_path / "export"
    export(factory, directory)
    before = counts(engine)
    summary = import_(factory, directory, Clock())
    assert not summary.changed
    assert (summary.versions_present, summary.drafts_unchanged, summary.versions_added) == (3, 3, 0)
    assert "nothing changed" in summary.line()
    assert counts(engine) == before
    again = tmp_path / "again"
    export(factory, again)
    assert files(again) == files(directory)


def test_a_newer_export_adds_versions_moves_and_replaces_the_draft(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = Clock()
    populate(factory, clock, full=False)
    old = tmp_path / "old"
    export(factory, old)
    populate_rest = Clock()
    populate_rest.now = clock.now
    _continue(factory, populate_rest)
    new = tmp_path / "new"
    export(factory, new)

    _empty(engine)
    import_(factory, old, Clock())
    with make_sessionmaker(engine)() as s:
        _, draft = store.get_draft(s, "workflow", "discount-approval")
        old_revision = draft.revision
    summary = import_(factory, new, Clock())
    assert (summary.versions_added, summary.versions_present, summary.moves_added) == (1, 2, 3)
    assert summary.drafts_written == 1  # the workflow's newer draft; deal's is unchanged
    with make_sessionmaker(engine)() as s:
        _, draft = store.get_draft(s, "workflow", "discount-approval")
        assert draft.revision == old_revision + 1
        assert draft.content == read(new / WORKFLOW / "draft.json")

    merged = tmp_path / "merged"
    export(factory, merged)
    expected, actual = files(new), files(merged)
    meta = f"{WORKFLOW}/draft.meta.json"
    assert json.loads(actual.pop(meta))["revision"] == old_revision + 1
    expected.pop(meta)
    assert actual == expected


def _continue(factory: sessionmaker[Session], clock: Clock) -> None:
    with transaction(factory) as s:
        second = api_example()
        second["title"] = {"en": "Discount approval v2", "zh-CN": "折扣审批二"}
        save_and_publish(
            s,
            clock,
            "workflow",
            "discount-approval",
            second,
            editor="bob",
            publisher="bob",
            message="v2",
        )
        store.activate(s, "workflow", "discount-approval", "default", 2, actor="bob", now=clock())
        store.activate(s, "workflow", "discount-approval", "default", 1, actor="bob", now=clock())
        store.activate(s, "workflow", "discount-approval", "east", 2, actor="bob", now=clock())


def test_an_older_draft_does_not_replace_a_newer_one(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = Clock()
    populate(factory, clock)
    directory = tmp_path / "export"
    export(factory, directory)
    newer = deal_form()
    newer["title"] = {"en": "Deal (new)", "zh-CN": "商机（新）"}
    with transaction(factory) as s:
        store.save_draft(
            s, "form", "deal", newer, expected_revision=None, actor="alice", now=clock()
        )
    summary = import_(factory, directory, Clock())
    assert summary.drafts_kept == 1 and not summary.changed
    with make_sessionmaker(engine)() as s:
        assert store.get_draft(s, "form", "deal")[1].content["title"]["en"] == "Deal (new)"


def test_differently_moved_pointers_are_kept_and_reported(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = Clock()
    populate(factory, clock)
    directory = tmp_path / "export"
    export(factory, directory)
    active = read(directory / WORKFLOW / "active.json")
    active["history"].append(
        {
            "variant": "default",
            "action": "activate",
            "from_version": 1,
            "to_version": 2,
            "actor": "eve",
            "at": "2026-01-01T00:00:00+00:00",
            "reason": "",
        }
    )
    active["variants"]["default"] = {
        "version": 2,
        "updated_at": "2026-01-01T00:00:00+00:00",
        "updated_by": "eve",
    }
    write(directory / WORKFLOW / "active.json", active)
    with transaction(factory) as s:  # the database moved on its own meanwhile
        store.activate(s, "workflow", "discount-approval", "east", 1, actor="zed", now=clock())
    with transaction(factory) as s:
        store.activate(s, "workflow", "discount-approval", "east", 2, actor="zed", now=clock())
    summary = import_(factory, directory, Clock())
    assert summary.moves_added == 1  # default: the database's moves are a prefix
    assert summary.variants_kept == []  # east: the export's moves are a prefix of the database's
    with make_sessionmaker(engine)() as s:
        pointers, _ = store.active_pointers(s, "workflow", "discount-approval")
        assert {p.variant: p.version for p in pointers} == {"default": 2, "east": 2}

    # Now the histories of ``default`` differ: the database keeps its pointer.
    with transaction(factory) as s:
        store.activate(s, "workflow", "discount-approval", "default", 1, actor="zed", now=clock())
    active["history"].append(
        {
            "variant": "default",
            "action": "rollback",
            "from_version": 2,
            "to_version": 1,
            "actor": "eve",
            "at": "2026-02-01T00:00:00+00:00",
            "reason": "other",
        }
    )
    write(directory / WORKFLOW / "active.json", active)
    summary = import_(factory, directory, Clock())
    assert summary.variants_kept == [f"{WORKFLOW}:default"]
    assert "kept the database's active pointers" in summary.line()


# --------------------------------------------------------------------------- refusals


def _rehash(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    version = read(path)
    change(version["content"])
    version["hash"] = content_hash(version["content"])
    write(path, version)


def _edge_to_nowhere(content: dict[str, Any]) -> None:
    content["edges"][1]["target"] = "x"


def _malformed(directory: Path) -> str:
    (directory / "form" / "deal" / "draft.json").write_bytes(b'{"kind": "form",\n  "key": }\n')
    return "form/deal/draft.json: line 2, column 10: not valid JSON: Expecting value"


def _missing_node(directory: Path) -> str:
    _rehash(directory / WORKFLOW / "versions" / "2.json", _edge_to_nowhere)
    return (
        f"{WORKFLOW}/versions/2.json: /content/edges/1/target: This connection points to "
        "a step 'x' that does not exist."
    )


def _hash_mismatch(directory: Path) -> str:
    path = directory / WORKFLOW / "versions" / "1.json"
    version = read(path)
    version["content"]["title"]["en"] = "Edited by hand"
    write(path, version)
    return f"{WORKFLOW}/versions/1.json: /hash: sha256:"


def _gap(directory: Path) -> str:
    (directory / WORKFLOW / "versions" / "1.json").unlink()
    return f"{WORKFLOW}/versions: versions must be numbered 1 to 2 without gaps; missing 1.json"


def _unknown_pointer(directory: Path) -> str:
    path = directory / WORKFLOW / "active.json"
    active = read(path)
    active["variants"]["east"]["version"] = 9
    write(path, active)
    return (
        f"{WORKFLOW}/active.json: /variants/east/version: version 9 is not in {WORKFLOW}/versions"
    )


def _wrong_key(directory: Path) -> str:
    path = directory / "form" / "lead" / "draft.json"
    draft = read(path)
    draft["key"] = "other"
    write(path, draft)
    return "form/lead/draft.json: /key: The key in the document ('other') differs"


def _invalid_form_version(directory: Path) -> str:
    _rehash(
        directory / "form" / "deal" / "versions" / "1.json",
        lambda c: c["fields"].append(dict(c["fields"][0])),
    )
    return "form/deal/versions/1.json: /content/fields/2/key: The id 'amount' is used more"


def _no_manifest(directory: Path) -> str:
    (directory / "trellis-export.json").unlink()
    return f"{directory}: is not a Trellis export: it has no trellis-export.json"


def _stray_file(directory: Path) -> str:
    (directory / "form" / "deal" / "notes.txt").write_text("hello", encoding="utf-8")
    return "form/deal/notes.txt: is not expected in a document folder"


BREAKAGES = [
    _malformed,
    _missing_node,
    _hash_mismatch,
    _gap,
    _unknown_pointer,
    _wrong_key,
    _invalid_form_version,
    _no_manifest,
    _stray_file,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__.strip("_"))
def test_a_broken_folder_imports_nothing_and_says_where(
    engine: Engine,
    factory: sessionmaker[Session],
    exported: Path,
    breakage: Callable[[Path], str],
) -> None:
    expected = breakage(exported)
    with pytest.raises(TransferError) as caught:
        import_(factory, exported, Clock())
    lines = [str(p) for p in caught.value.problems]
    assert any(line.startswith(expected) for line in lines), lines
    assert set(counts(engine).values()) == {0}


def test_a_version_published_differently_here_is_refused(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    populate(factory, Clock())
    directory = tmp_path / "export"
    export(factory, directory)
    _rehash(
        directory / WORKFLOW / "versions" / "2.json",
        lambda c: c["title"].update({"en": "Another v2"}),
    )
    # ... and something new that would otherwise be imported
    shutil.copytree(directory / "form" / "lead", directory / "form" / "lead-two")
    for name in ("document.json", "draft.json"):
        path = directory / "form" / "lead-two" / name
        write(path, {**read(path), "key": "lead-two"})
    before = counts(engine)
    with pytest.raises(TransferError) as caught:
        import_(factory, directory, Clock())
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{WORKFLOW}/versions/2.json: /hash: the database already has version 2 of {WORKFLOW} "
        "with another hash (sha256:"
    )
    assert counts(engine) == before


# --------------------------------------------------------------------------- export target


def test_export_refuses_a_folder_that_is_not_an_export(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    populate(factory, Clock(), full=False)
    directory = tmp_path / "mine"
    directory.mkdir()
    (directory / "thesis.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(ExportError, match="is not empty and is not a Trellis export"):
        export(factory, directory)
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]
    assert (directory / "thesis.txt").read_text(encoding="utf-8") == "precious"


def test_export_replaces_an_earlier_export_and_keeps_dot_entries(
    engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    populate(factory, Clock())
    directory = tmp_path / "export"
    export(factory, directory)
    (directory / ".git").mkdir()
    (directory / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    stale = directory / "template" / "old-one"
    stale.mkdir(parents=True)
    (stale / "document.json").write_text("{}", encoding="utf-8")
    summary = export(factory, directory)
    assert summary.documents == 3
    assert not (directory / "template").exists()
    assert (directory / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/main\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export"]  # no temporary folders left
    # .git is ignored by import too
    _empty(engine)
    assert import_(factory, directory, Clock()).documents_created == 3


def test_a_failed_export_leaves_the_earlier_one_untouched(
    factory: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(factory, Clock())
    directory = tmp_path / "export"
    export(factory, directory)
    before = files(directory)
    calls = []

    def failing(value: Any) -> bytes:
        calls.append(value)
        if len(calls) == 5:
            raise OSError("disk full")
        return pretty_json(value)

    monkeypatch.setattr(transfer.export, "pretty_json", failing)
    with pytest.raises(OSError, match="disk full"):
        export(factory, directory)
    assert files(directory) == before
    assert [p.name for p in tmp_path.iterdir()] == ["export"]


# --------------------------------------------------------------------------- CLI glue


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Callable[[str], str]:
    def make(name: str) -> str:
        url = f"sqlite:///{tmp_path / name}.db"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url

    return make


def test_run_export_and_run_import(
    sqlite_url: Callable[[str], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = sqlite_url("source"), sqlite_url("target")
    engine = make_engine(source)
    populate(make_sessionmaker(engine), Clock())
    engine.dispose()
    directory = tmp_path / "out"

    assert transfer.run_export(source, directory) == 0
    assert capsys.readouterr().out == (
        f"exported 3 documents, 3 versions, 3 drafts, 5 pointer moves to {directory}\n"
    )

    assert transfer.run_import(target, directory) == 0
    out = capsys.readouterr().out
    assert out.startswith("imported 3 documents (3 new), 3 versions (0 already present)")
    assert out.count("\n") == 1

    assert transfer.run_import(target, directory) == 0
    assert "nothing changed" in capsys.readouterr().out

    again = tmp_path / "again"
    assert transfer.run_export(target, again) == 0
    capsys.readouterr()
    assert files(again) == files(directory)


def test_run_import_failure_prints_file_pointer_message(
    sqlite_url: Callable[[str], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = sqlite_url("source"), sqlite_url("target")
    engine = make_engine(source)
    populate(make_sessionmaker(engine), Clock())
    engine.dispose()
    directory = tmp_path / "out"
    assert transfer.run_export(source, directory) == 0
    capsys.readouterr()
    _missing_node(directory)
    _malformed(directory)

    assert transfer.run_import(target, directory) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "form/deal/draft.json: line 2, column 10: not valid JSON: Expecting value",
    ]  # unreadable files stop the import before contents are checked

    (directory / "form" / "deal" / "draft.json").write_bytes(pretty_json(deal_form()))
    assert transfer.run_import(target, directory) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        f"{WORKFLOW}/versions/2.json: /content/edges/1/target: This connection points to "
        "a step 'x' that does not exist."
    ) in lines
    assert all(line.startswith(f"{WORKFLOW}/versions/2.json: /content/") for line in lines)

    engine = make_engine(target)
    assert set(counts(engine).values()) == {0}
    engine.dispose()


def test_run_export_refusal_is_one_line_and_exit_1(
    sqlite_url: Callable[[str], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_url("db")
    directory = tmp_path / "notes"
    directory.mkdir()
    (directory / "a.txt").write_text("x", encoding="utf-8")
    assert transfer.run_export(url, directory) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "is not a Trellis export" in out

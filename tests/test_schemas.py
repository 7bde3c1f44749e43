"""The committed JSON Schemas are generated from the Structs; the migration
chain upgrades old documents; the catalogue and the schemas agree."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from jsonschema import Draft202012Validator

from builder.schema import schemas
from components.catalogue import CATALOGUE
from schemas import CURRENT_SCHEMA_VERSION, DOCUMENT_TYPES, MigrationError, migrate, schema_id
from schemas.migrations import MIGRATIONS, from_version_1
from tests.documents import api_example, demo

SCHEMA_DIR = Path(__file__).parent.parent / "schemas"


@pytest.mark.parametrize("kind", list(DOCUMENT_TYPES))
def test_committed_schema_matches_generated(kind: str) -> None:
    committed = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert committed == schemas()[kind], "schemas drifted: run `make schemas` and commit"


@pytest.mark.parametrize("kind", list(DOCUMENT_TYPES))
def test_schema_is_draft_2020_12_with_id(kind: str) -> None:
    schema = schemas()[kind]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schema_id(kind)


def test_every_component_config_is_embedded() -> None:
    workflow = schemas()["workflow"]
    node = workflow["$defs"]["Node"]
    assert node["properties"]["type"]["enum"] == list(CATALOGUE)
    embedded = {rule["if"]["properties"]["type"]["const"] for rule in node["allOf"]}
    assert embedded == set(CATALOGUE)
    for component in CATALOGUE.values():
        assert component.config.__name__ in workflow["$defs"]


def test_required_node_types_are_registered() -> None:
    required = {
        "start",
        "form_task",
        "approval",
        "decision",
        "parallel",
        "join",
        "wait",
        "set",
        "script",
        "notify",
        "webhook",
        "subflow",
        "end",
    }
    assert required <= set(CATALOGUE)
    for component in CATALOGUE.values():
        assert component.label.en and component.label.zh_CN
        assert component.description.en and component.description.zh_CN


def test_msgspec_decodes_what_jsonschema_accepts() -> None:
    """The two validators agree on a valid document (fast path vs user path)."""
    document = migrate(api_example())
    workflow = msgspec.convert(document, DOCUMENT_TYPES["workflow"])
    assert len(workflow.nodes) == 4  # type: ignore[attr-defined]
    for node in document["nodes"]:
        msgspec.convert(node["config"], CATALOGUE[node["type"]].config)


def test_migration_chain_reaches_current_version() -> None:
    assert CURRENT_SCHEMA_VERSION == 2
    assert set(MIGRATIONS) == set(range(1, CURRENT_SCHEMA_VERSION))


def test_version_1_plain_labels_become_bilingual() -> None:
    old = {
        "kind": "workflow",
        "schema_version": 1,
        "key": "k1",
        "title": "Leads",
        "nodes": [{"id": "a", "type": "start", "label": "Begin"}],
        "edges": [],
    }
    new = from_version_1(old)
    assert new["schema_version"] == 2
    assert new["title"] == {"en": "Leads"}
    assert new["nodes"][0]["label"] == {"en": "Begin"}
    assert old["title"] == "Leads", "a migration never mutates its input"


def test_current_documents_pass_through_unchanged() -> None:
    document = demo("deal.form.json")
    assert migrate(document) == document


@pytest.mark.parametrize("version", [0, 3, "1", None])
def test_unsupported_versions_are_refused(version: object) -> None:
    with pytest.raises(MigrationError) as raised:
        migrate({"kind": "form", "schema_version": version})
    assert raised.value.pointer == "/schema_version"

"""The studio's pure modules, without a browser: the label table and new workflow content."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from builder import check
from frontend.launch import FRONTEND
from studio.labels import LABELS, table, text
from studio.new_workflow import blank, copied, title

LABEL_KEY = re.compile(
    r"^(app|nav|shell|role|login|workflows|column|draft|active|variant|changed|create|error"
    r"|common|editor|palette|category|canvas|panel|unit|versions)\.[a-z_]+$"
)


def _string_constants(path: Path) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_label_is_in_both_languages() -> None:
    for key, (en, zh) in LABELS.items():
        assert en.strip() and zh.strip(), key
        # The same {fields} in both, so either language formats.
        assert sorted(re.findall(r"{(\w+)}", en)) == sorted(re.findall(r"{(\w+)}", zh)), key
    assert table("zh-CN")["nav.workflows"] == "流程"
    assert table("fr")["nav.workflows"] == "Workflows"


def test_every_label_the_studio_names_exists() -> None:
    used = set()
    for path in (FRONTEND / "studio").rglob("*.py"):
        # File names ("canvas.jsx") look like keys; they are not.
        used |= {
            s for s in _string_constants(path) if LABEL_KEY.match(s) and not s.endswith(".jsx")
        }
    assert used, "no label keys found: has the source moved?"
    assert sorted(used - LABELS.keys()) == []


def test_a_blank_workflow_is_a_valid_start_connected_to_an_end() -> None:
    content = blank("lead-routing", title("Lead routing", "线索分配"))
    result = check(content, kind="workflow", key="lead-routing")
    assert result.errors == []
    assert [n["type"] for n in content["nodes"]] == ["start", "end"]
    assert content["edges"] == [{"id": "start-end", "source": "start", "target": "end"}]
    assert content["title"] == {"en": "Lead routing", "zh-CN": "线索分配"}


def test_a_copy_keeps_the_content_under_the_new_key() -> None:
    source = blank("lead-routing", title("Lead routing", "线索分配"))
    copy = copied(source, "lead-routing-east", None)
    assert copy["key"] == "lead-routing-east"
    assert copy["title"] == {"en": "Lead routing (copy)", "zh-CN": "线索分配（副本）"}
    assert copy["nodes"] == source["nodes"]
    assert source["key"] == "lead-routing"  # the source is left alone
    named = copied(source, "east", title("East routing", ""))
    assert named["title"] == {"en": "East routing"}
    assert text("zh-CN", "create.key_taken", key="x") == "标识 x 已被其他流程使用，请换一个标识。"

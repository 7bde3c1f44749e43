"""The panel beside the canvas: the settings of the selected step or connection.

A step's settings are generated from its component's config schema
(``config_form.rows``): one row per setting, drawn by kind, in the user's
language, each with its own validation message. Nothing here knows a node type.
Connections have three fixed settings (condition, default, label).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from studio.editor import config_form
from studio.editor.config_form import FieldRow, Option
from studio.editor.graph import localized, pin
from studio.editor.state import EditorState
from studio.labels import text
from studio.session import SessionState

__all__ = ["PanelState", "side_panel"]

UNITS = ("minutes", "hours", "days", "weeks")
# A native <select> (its options come from the schema), dressed like the Radix inputs.
SELECT_STYLE = {
    "height": "32px",
    "padding": "0 8px",
    "border_radius": "var(--radius-2)",
    "border": f"1px solid {rx.color('gray', 7)}",
    "background_color": rx.color("gray", 1),
    "font_size": "14px",
    "min_width": "120px",
    "max_width": "100%",
}


def _named(value: Any, name: str) -> set[str]:
    """Every string held under ``name`` (or in a list under ``name + "s"``) anywhere in
    ``value``: the roles or users a workflow names."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == name and isinstance(item, str):
                found.add(item)
            elif key == f"{name}s" and isinstance(item, list):
                found |= {i for i in item if isinstance(i, str)}
            else:
                found |= _named(item, name)
    elif isinstance(value, list):
        for item in value:
            found |= _named(item, name)
    return found


class PanelState(EditorState):
    """What the panel shows, derived from the editor's document and selection."""

    def _node(self) -> dict[str, Any] | None:
        if len(self.selected_nodes) != 1 or self.selected_edges:
            return None
        for node in self._document.get("nodes") or []:
            if isinstance(node, dict) and node.get("id") == self.selected_nodes[0]:
                return node
        return None

    def _edge(self) -> dict[str, Any] | None:
        if len(self.selected_edges) != 1 or self.selected_nodes:
            return None
        for edge in self._document.get("edges") or []:
            if isinstance(edge, dict) and edge.get("id") == self.selected_edges[0]:
                return edge
        return None

    def _own_errors(self, kind: str, item_id: str) -> list[tuple[str, str]]:
        pinned = pin(self._document, self._localized_problems())
        return (pinned.nodes if kind == "node" else pinned.edges).get(item_id, [])

    @rx.var
    def kind(self) -> str:
        """``node``, ``edge``, ``many`` (several selected) or ``none``."""
        if self._node() is not None:
            return "node"
        if self._edge() is not None:
            return "edge"
        return "many" if self.selected_nodes or self.selected_edges else "none"

    @rx.var
    def heading(self) -> dict[str, str]:
        node = self._node()
        if node is None:
            return {"type": "", "description": "", "en": "", "zh": "", "icon": "circle-help"}
        component = self._catalogue.get(str(node.get("type")))
        label = node.get("label") or {}
        return {
            "type": localized(component.get("label"), self.lang)
            if component
            else text(self.lang, "canvas.unknown_type", type=str(node.get("type"))),
            "description": localized(component.get("description"), self.lang)
            if component
            else text(self.lang, "panel.unknown_help"),
            "en": str(label.get("en", "")),
            "zh": str(label.get("zh-CN", "")),
            "icon": str(component.get("icon", "circle-help")) if component else "circle-help",
        }

    @rx.var
    def step_errors(self) -> list[str]:
        """Errors about the step or connection itself, not one of its settings."""
        node, edge = self._node(), self._edge()
        if node is not None:
            found = self._own_errors("node", str(node.get("id")))
            return [m for pointer, m in found if not pointer.startswith("/config/")]
        if edge is not None:
            return [m for _, m in self._own_errors("edge", str(edge.get("id")))]
        return []

    @rx.var
    def rows(self) -> list[FieldRow]:
        node = self._node()
        if node is None:
            return []
        component = self._catalogue.get(str(node.get("type")))
        if component is None:
            return []
        errors = {
            pointer.removeprefix("/config"): message
            for pointer, message in self._own_errors("node", str(node.get("id")))
            if pointer.startswith("/config")
        }
        config = node.get("config")
        return config_form.rows(
            component.get("config_schema") or {},
            config if isinstance(config, dict) else {},
            errors,
            component.get("vocabulary") or {},
            self.lang,
        )

    @rx.var
    def edge(self) -> dict[str, str]:
        edge = self._edge()
        if edge is None:
            return {"condition": "", "default": "false", "en": "", "zh": "", "branch": "false"}
        source = next(
            (
                n
                for n in self._document.get("nodes") or []
                if isinstance(n, dict) and n.get("id") == edge.get("source")
            ),
            {},
        )
        component = self._catalogue.get(str(source.get("type"))) or {}
        label = edge.get("label") or {}
        return {
            "condition": str(edge.get("condition") or ""),
            "default": "true" if edge.get("default") else "false",
            "en": str(label.get("en", "")),
            "zh": str(label.get("zh-CN", "")),
            "branch": "true"
            if (component.get("traits") or {}).get("branches_by_condition")
            else "false",
        }

    @rx.var
    def form_options(self) -> list[Option]:
        return [
            Option(value=key, label=f"{localized(title, self.lang) or key} ({key})")
            for key, title in sorted(self._forms.items())
        ]

    @rx.var
    def role_suggestions(self) -> list[str]:
        """Roles the permission matrices know, and any this workflow names already."""
        return sorted({*self._roles, *_named(self._document, "role")})

    @rx.var
    def user_suggestions(self) -> list[str]:
        return sorted(_named(self._document, "user"))

    # ---- changes: each becomes one edit of the document ------------------------

    def _config_change(self, change: Any) -> Any:
        node = self._node()
        component = self._catalogue.get(str((node or {}).get("type")))
        if node is None or component is None:
            return None
        schema = component.get("config_schema") or {}
        config = change(schema, node.get("config") or {})
        return EditorState.update_node(str(node["id"]), {"config": config})

    @rx.event
    def set_field(self, pointer: str, raw: str) -> Any:
        return self._config_change(lambda s, c: config_form.set_value(s, c, pointer, raw))

    @rx.event
    def set_duration(self, pointer: str, amount: str, unit: str) -> Any:
        return self._config_change(lambda s, c: config_form.set_value(s, c, pointer, amount, unit))

    @rx.event
    def add_item(self, pointer: str) -> Any:
        return self._config_change(lambda s, c: config_form.add_item(s, c, pointer))

    @rx.event
    def remove_item(self, pointer: str) -> Any:
        return self._config_change(lambda s, c: config_form.remove_item(c, pointer))

    @rx.event
    def add_optional(self, pointer: str) -> Any:
        return self._config_change(lambda s, c: config_form.add_optional(s, c, pointer))

    @rx.event
    def set_label(self, language: str, value: str) -> Any:
        node, edge = self._node(), self._edge()
        item = node if node is not None else edge
        if item is None:
            return None
        label = {**(item.get("label") or {}), language: value.strip()}
        label = {k: v for k, v in label.items() if v}
        if label and "en" not in label:
            label["en"] = label[next(iter(label))]  # a label needs its English text
        changes = {"label": label or None}
        if node is not None:
            return EditorState.update_node(str(node["id"]), changes)
        return EditorState.update_edge(str(item["id"]), changes)

    @rx.event
    def set_condition(self, value: str) -> Any:
        edge = self._edge()
        if edge is None:
            return None
        return EditorState.update_edge(str(edge["id"]), {"condition": value.strip() or None})

    @rx.event
    def set_default(self, value: bool) -> Any:
        edge = self._edge()
        if edge is None:
            return None
        return EditorState.update_edge(str(edge["id"]), {"default": bool(value)})


# ---- drawing -----------------------------------------------------------------------


def field_error(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.cond(
        row.error != "",
        rx.text(
            rx.icon("circle-alert", size=12),
            " ",
            row.error,
            size="1",
            color_scheme="red",
            class_name="field-error",
        ),
    )


def _input(row: rx.Var[FieldRow], choices: str = "", **props: Any) -> rx.Component:
    return rx.input(
        value=row.value,
        on_change=lambda value: PanelState.set_field(row.pointer, value),
        debounce_timeout=400,
        size="2",
        width="100%",
        color_scheme=rx.cond(row.error != "", "red", "gray"),
        custom_attrs={"data-pointer": row.pointer, **({"list": choices} if choices else {})},
        **props,
    )


def expression_input(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.text_area(
        value=row.value,
        on_change=lambda value: PanelState.set_field(row.pointer, value),
        debounce_timeout=400,
        rows="2",
        width="100%",
        font_family="var(--code-font-family, monospace)",
        spell_check=False,
        color_scheme=rx.cond(row.error != "", "red", "gray"),
        custom_attrs={"data-pointer": row.pointer, "data-kind": "expression"},
    )


def select_input(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.el.select(
        rx.foreach(row.options, lambda o: rx.el.option(o.label, value=o.value)),
        value=row.value,
        on_change=lambda value: PanelState.set_field(row.pointer, value),
        custom_attrs={"data-pointer": row.pointer},
        class_name="panel-select",
        style=SELECT_STYLE,
    )


def duration_input(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.hstack(
        rx.input(
            value=row.value,
            type="number",
            min="0",
            on_change=lambda value: PanelState.set_duration(row.pointer, value, row.unit),
            debounce_timeout=400,
            width="90px",
            custom_attrs={"data-pointer": row.pointer},
        ),
        rx.el.select(
            *[rx.el.option(SessionState.t[f"unit.{unit}"], value=unit) for unit in UNITS],
            value=row.unit,
            on_change=lambda unit: PanelState.set_duration(row.pointer, row.value, unit),
            custom_attrs={"data-pointer": row.pointer + "#unit"},
            class_name="panel-select",
            style=SELECT_STYLE,
        ),
        spacing="2",
    )


def boolean_input(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.switch(
        checked=row.value == "true",
        on_change=lambda on: PanelState.set_field(row.pointer, rx.cond(on, "true", "false")),
        custom_attrs={"data-pointer": row.pointer},
    )


def header_row(row: rx.Var[FieldRow]) -> rx.Component:
    """An array, an element of one, or a nested group: a title and its buttons."""
    return rx.hstack(
        rx.text(row.label, size="2", weight="bold"),
        rx.spacer(),
        rx.cond(
            row.kind == "list",
            rx.cond(
                row.can_add,
                rx.button(
                    rx.icon("plus", size=12),
                    SessionState.t["panel.add"],
                    size="1",
                    variant="soft",
                    on_click=PanelState.add_item(row.pointer),
                    custom_attrs={"data-add": row.pointer},
                ),
            ),
        ),
        rx.cond(
            row.kind == "optional",
            rx.button(
                rx.icon("plus", size=12),
                SessionState.t["panel.add"],
                size="1",
                variant="soft",
                on_click=PanelState.add_optional(row.pointer),
                custom_attrs={"data-add": row.pointer},
            ),
        ),
        rx.cond(
            row.removable,
            rx.icon_button(
                rx.icon("trash-2", size=12),
                size="1",
                variant="ghost",
                color_scheme="red",
                on_click=PanelState.remove_item(row.pointer),
                aria_label=SessionState.t["panel.remove"],
                custom_attrs={"data-remove": row.pointer},
            ),
        ),
        align="center",
        width="100%",
        padding_top="6px",
    )


def long_text_input(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.text_area(
        value=row.value,
        on_change=lambda value: PanelState.set_field(row.pointer, value),
        debounce_timeout=400,
        rows="4",
        width="100%",
        custom_attrs={"data-pointer": row.pointer},
    )


def form_input(row: rx.Var[FieldRow]) -> rx.Component:
    """A form is chosen from the forms that exist."""
    return rx.el.select(
        rx.el.option("—", value=""),
        rx.foreach(PanelState.form_options, lambda o: rx.el.option(o.label, value=o.value)),
        value=row.value,
        on_change=lambda value: PanelState.set_field(row.pointer, value),
        custom_attrs={"data-pointer": row.pointer},
        class_name="panel-select",
        style=SELECT_STYLE,
    )


def suggestions() -> rx.Component:
    """The lists the role and user inputs offer (the user may still type a new name)."""
    return rx.fragment(
        rx.el.datalist(
            rx.foreach(PanelState.role_suggestions, lambda r: rx.el.option(value=r)),
            id="role-choices",
        ),
        rx.el.datalist(
            rx.foreach(PanelState.user_suggestions, lambda u: rx.el.option(value=u)),
            id="user-choices",
        ),
    )


def control(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.cond(row.multiline, long_text_input(row), typed_control(row))


def typed_control(row: rx.Var[FieldRow]) -> rx.Component:
    return rx.match(
        row.kind,
        ("expression", expression_input(row)),
        ("select", select_input(row)),
        ("duration", duration_input(row)),
        ("boolean", boolean_input(row)),
        ("form", form_input(row)),
        ("role", _input(row, "role-choices", auto_complete="off")),
        ("user", _input(row, "user-choices", auto_complete="off")),
        ("number", _input(row, type="number")),
        ("integer", _input(row, type="number", step="1")),
        _input(row),
    )


def field_row(row: rx.Var[FieldRow]) -> rx.Component:
    is_header = rx.Var.create(["list", "item", "group", "optional"]).contains(row.kind)
    return rx.box(
        rx.cond(
            is_header,
            header_row(row),
            rx.vstack(
                rx.text(
                    row.label,
                    rx.cond(row.required, rx.text.span(" *", color_scheme="red")),
                    size="2",
                    weight="medium",
                ),
                control(row),
                rx.cond(row.help != "", rx.text(row.help, size="1", color_scheme="gray")),
                spacing="1",
                width="100%",
            ),
        ),
        field_error(row),
        padding_left=(row.depth * 12).to_string() + "px",
        width="100%",
        class_name="panel-field",
        custom_attrs={"data-field": row.pointer, "data-kind": row.kind},
    )


def label_inputs() -> rx.Component:
    """The step's own name in both languages (the canvas shows the user's)."""

    def one(language: str, key: str, value: rx.Var[str]) -> rx.Component:
        return rx.vstack(
            rx.text(SessionState.t[key], size="2", weight="medium"),
            rx.input(
                value=value,
                on_change=lambda v: PanelState.set_label(language, v),
                debounce_timeout=400,
                width="100%",
                id=f"label-{language}",
            ),
            spacing="1",
            width="100%",
        )

    return rx.vstack(
        one("en", "panel.label_en", PanelState.heading["en"]),
        one("zh-CN", "panel.label_zh", PanelState.heading["zh"]),
        spacing="2",
        width="100%",
    )


def problems() -> rx.Component:
    return rx.foreach(
        PanelState.step_errors,
        lambda message: rx.callout(message, icon="circle-alert", color_scheme="red", size="1"),
    )


def node_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon(PanelState.heading["icon"], size=18),
            rx.heading(PanelState.heading["type"], size="3", id="panel-type"),
            align="center",
        ),
        rx.text(PanelState.heading["description"], size="1", color_scheme="gray"),
        problems(),
        label_inputs(),
        rx.separator(),
        rx.foreach(PanelState.rows, field_row),
        suggestions(),
        spacing="3",
        width="100%",
    )


def edge_panel() -> rx.Component:
    return rx.vstack(
        rx.heading(SessionState.t["panel.edge"], size="3", id="panel-type"),
        problems(),
        rx.cond(
            PanelState.edge["branch"] == "true",
            rx.vstack(
                rx.hstack(
                    rx.switch(
                        checked=PanelState.edge["default"] == "true",
                        on_change=PanelState.set_default,
                        id="edge-default",
                    ),
                    rx.text(SessionState.t["panel.edge_default"], size="2"),
                    align="center",
                ),
                rx.cond(
                    PanelState.edge["default"] != "true",
                    rx.vstack(
                        rx.text(SessionState.t["panel.edge_condition"], size="2", weight="medium"),
                        rx.text_area(
                            value=PanelState.edge["condition"],
                            on_change=PanelState.set_condition,
                            debounce_timeout=400,
                            rows="3",
                            width="100%",
                            font_family="var(--code-font-family, monospace)",
                            spell_check=False,
                            id="edge-condition",
                        ),
                        rx.text(
                            SessionState.t["panel.edge_condition_help"],
                            size="1",
                            color_scheme="gray",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        label_edge_inputs(),
        spacing="3",
        width="100%",
    )


def label_edge_inputs() -> rx.Component:
    return rx.vstack(
        rx.text(SessionState.t["panel.label_en"], size="2", weight="medium"),
        rx.input(
            value=PanelState.edge["en"],
            on_change=lambda v: PanelState.set_label("en", v),
            debounce_timeout=400,
            width="100%",
        ),
        rx.text(SessionState.t["panel.label_zh"], size="2", weight="medium"),
        rx.input(
            value=PanelState.edge["zh"],
            on_change=lambda v: PanelState.set_label("zh-CN", v),
            debounce_timeout=400,
            width="100%",
        ),
        spacing="1",
        width="100%",
    )


def side_panel() -> rx.Component:
    # A disabled fieldset disables every control inside it: viewers read, never edit.
    return rx.box(
        rx.el.fieldset(
            rx.match(
                PanelState.kind,
                ("node", node_panel()),
                ("edge", edge_panel()),
                ("many", rx.text(SessionState.t["panel.many"], size="2", color_scheme="gray")),
                rx.text(SessionState.t["panel.none"], size="2", color_scheme="gray"),
            ),
            disabled=EditorState.read_only,
            style={"border": "none", "padding": "0", "margin": "0", "min_width": "0"},
        ),
        width="340px",
        flex="none",
        height="100%",
        overflow_y="auto",
        padding="16px",
        border_left=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        id="config-panel",
    )

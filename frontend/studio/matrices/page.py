"""The matrix editor screen, the matrix list and the matrix versions page."""

from __future__ import annotations

import reflex as rx

from studio.documents.chrome import editor_frame, top_bar
from studio.documents.listing import ListMixin, list_page
from studio.documents.publishing import PublishMixin
from studio.documents.versions import VersionsMixin
from studio.documents.versions_page import versions_page
from studio.forms.rules import error_text
from studio.matrices.changeset import changeset_button, changeset_dialog
from studio.matrices.grid import grid, grid_toolbar
from studio.matrices.rights import actions_card, grants_card, preview_card
from studio.matrices.state import MatrixEditorState
from studio.session import SessionState

__all__ = [
    "MATRICES_ROUTE",
    "MatricesListState",
    "MatrixVersionsState",
    "matrices_page",
    "matrix_editor_page",
    "matrix_versions_page",
]

MATRICES_ROUTE = "/matrices"
S = MatrixEditorState


class MatricesListState(ListMixin, SessionState):
    def _kind(self) -> str:
        return "permission_matrix"

    def _route(self) -> str:
        return MATRICES_ROUTE

    def _words(self) -> str:
        return "matrices"


class MatrixVersionsState(PublishMixin, VersionsMixin, SessionState):
    def _kind(self) -> str:
        return "permission_matrix"

    def _words(self) -> str:
        return "matrices"


def matrices_page() -> rx.Component:
    return list_page(MatricesListState, MATRICES_ROUTE, "matrices")


def matrix_versions_page() -> rx.Component:
    return versions_page(MatrixVersionsState, MATRICES_ROUTE, "matrices")


def workspace() -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.vstack(
                grid_toolbar(),
                error_text(S.matrix_errors),
                grid(),
                actions_card(),
                grants_card(),
                spacing="4",
                width="100%",
            ),
            flex="1",
            min_width="0",
            padding="16px",
            height="100%",
            overflow_y="auto",
        ),
        rx.box(
            preview_card(),
            width="360px",
            flex="none",
            padding="16px",
            height="100%",
            overflow_y="auto",
            border_left=f"1px solid {rx.color('gray', 5)}",
            background_color=rx.color("gray", 1),
        ),
        spacing="0",
        width="100%",
        height="100%",
    )


def matrix_editor_page() -> rx.Component:
    bar = top_bar(S, MATRICES_ROUTE, "matrices", changeset_button())
    return rx.fragment(editor_frame(S, "matrices", bar, workspace()), changeset_dialog())

"""The app: its pages, each behind the shared shell except the login."""

from __future__ import annotations

import reflex as rx

from studio.cases.case_page import case_page
from studio.cases.case_state import CaseState
from studio.cases.list_page import cases_page
from studio.cases.list_state import CaseListState
from studio.editor.page import editor_page
from studio.editor.state import EditorState
from studio.forms.page import (
    FormsListState,
    FormVersionsState,
    form_designer_page,
    form_versions_page,
    forms_page,
)
from studio.forms.state import FormDesignerState
from studio.login import LoginState, login_page
from studio.matrices.page import (
    MatricesListState,
    MatrixVersionsState,
    matrices_page,
    matrix_editor_page,
    matrix_versions_page,
)
from studio.matrices.state import MatrixEditorState
from studio.records.detail_page import record_page
from studio.records.detail_state import RecordState
from studio.records.list_page import records_page
from studio.records.list_state import RecordListState
from studio.records.new_record import NewRecordState, new_record_page
from studio.sandbox import RUN_ROUTE, SANDBOX_ROUTE
from studio.sandbox.run_page import run_page
from studio.sandbox.run_state import RunState
from studio.sandbox.setup_page import sandbox_page
from studio.sandbox.setup_state import SetupState
from studio.session import EDITOR_ROUTE, HOME_ROUTE, LOGIN_ROUTE, SessionState
from studio.shell import shell
from studio.tasks.inbox_page import inbox_page
from studio.tasks.inbox_state import InboxState
from studio.tasks.task_page import task_page
from studio.tasks.task_state import TaskState
from studio.versions.page import versions_page
from studio.versions.state import VersionsState
from studio.workflows import WorkflowsState, workflows_page

TITLE = "Trellis Studio"

app = rx.App(
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
)
app.add_page(login_page, route=LOGIN_ROUTE, title=TITLE, on_load=LoginState.open)
app.add_page(
    lambda: shell(workflows_page()),
    route=HOME_ROUTE,
    title=TITLE,
    on_load=[SessionState.require_login, WorkflowsState.load],
)
app.add_page(
    lambda: shell(editor_page(), wide=True),
    route=EDITOR_ROUTE,
    title=TITLE,
    on_load=[SessionState.require_login, EditorState.open],
)
app.add_page(
    lambda: shell(versions_page(), wide=True),
    route="/workflows/[key]/versions",
    title=TITLE,
    on_load=[SessionState.require_login, VersionsState.open],
)
app.add_page(
    lambda: shell(records_page()),
    route="/records/[form]",
    title=TITLE,
    on_load=[SessionState.require_login, RecordListState.open],
)
app.add_page(
    lambda: shell(new_record_page()),
    route="/records/[form]/new",
    title=TITLE,
    on_load=[SessionState.require_login, NewRecordState.open],
)
app.add_page(
    lambda: shell(record_page()),
    route="/records/[form]/[id]",
    title=TITLE,
    on_load=[SessionState.require_login, RecordState.open],
)
# Forms and permission matrices: a list, an editor and a versions page each.
app.add_page(
    lambda: shell(forms_page()),
    route="/forms",
    title=TITLE,
    on_load=[SessionState.require_login, FormsListState.load],
)
app.add_page(
    lambda: shell(form_designer_page(), wide=True),
    route="/forms/[key]",
    title=TITLE,
    on_load=[SessionState.require_login, FormDesignerState.open],
)
app.add_page(
    lambda: shell(form_versions_page(), wide=True),
    route="/forms/[key]/versions",
    title=TITLE,
    on_load=[SessionState.require_login, FormVersionsState.open],
)
app.add_page(
    lambda: shell(matrices_page()),
    route="/matrices",
    title=TITLE,
    on_load=[SessionState.require_login, MatricesListState.load],
)
app.add_page(
    lambda: shell(matrix_editor_page(), wide=True),
    route="/matrices/[key]",
    title=TITLE,
    on_load=[SessionState.require_login, MatrixEditorState.open, MatrixEditorState.detect_offset],
)
app.add_page(
    lambda: shell(matrix_versions_page(), wide=True),
    route="/matrices/[key]/versions",
    title=TITLE,
    on_load=[SessionState.require_login, MatrixVersionsState.open],
)
# The runtime: the task inbox, one task, the cases and one case.
app.add_page(
    lambda: shell(inbox_page()),
    route="/tasks",
    title=TITLE,
    on_load=[SessionState.require_login, InboxState.open],
)
app.add_page(
    lambda: shell(task_page()),
    route="/tasks/[id]",
    title=TITLE,
    on_load=[SessionState.require_login, TaskState.open],
)
app.add_page(
    lambda: shell(cases_page()),
    route="/cases",
    title=TITLE,
    on_load=[SessionState.require_login, CaseListState.open],
)
app.add_page(
    lambda: shell(case_page()),
    route="/cases/[id]",
    title=TITLE,
    on_load=[SessionState.require_login, CaseState.open],
)
# The sandbox: set a simulation up, then follow it and read its report.
app.add_page(
    lambda: shell(sandbox_page()),
    route=SANDBOX_ROUTE,
    title=TITLE,
    on_load=[SessionState.require_login, SetupState.open],
)
app.add_page(
    lambda: shell(run_page()),
    route=RUN_ROUTE,
    title=TITLE,
    on_load=[SessionState.require_login, RunState.open],
)

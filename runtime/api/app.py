"""create_app(settings): the Litestar application, its routes and its state."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from runtime.api.admin_clock import advance_clock
from runtime.api.audit_log import AuditController
from runtime.api.auth import AuthController, TokenController, auth_middleware, me, update_me
from runtime.api.cases import CaseController
from runtime.api.changesets import ChangeSetController
from runtime.api.components import ComponentController
from runtime.api.deps import provide_clock, provide_db
from runtime.api.documents import DocumentController, ValidateController
from runtime.api.files import FileController
from runtime.api.health import health
from runtime.api.inbox import DelegationController, NotificationController
from runtime.api.incidents import IncidentController, OutboxController
from runtime.api.matrix_views import MatrixViewController
from runtime.api.people import PEOPLE_CONTROLLERS
from runtime.api.permissions import permission_guard
from runtime.api.problems import exception_handlers
from runtime.api.record_export import RecordExportController
from runtime.api.record_schema import RecordSchemaController
from runtime.api.records import RecordController
from runtime.api.sandbox_datasets import DatasetController
from runtime.api.sandbox_rules import GateController, RuleController
from runtime.api.sandbox_runs import RunController
from runtime.api.tasks import TaskController
from runtime.clock import make_clock
from runtime.config import Settings
from runtime.store.db import make_engine, make_sessionmaker
from runtime.store.immutable import install as install_immutable_versions

__all__ = ["OPENAPI_PATH", "create_app"]

OPENAPI_PATH = "/api/v1/schema"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    settings.ensure_local_dirs()
    install_immutable_versions()
    engine = make_engine(settings.database_url)
    read_engine = make_engine(settings.database_url, reads_only=True)

    async def dispose() -> None:
        engine.dispose()
        read_engine.dispose()

    api = Router(
        path="/api/v1",
        route_handlers=[
            health,
            AuthController,
            me,
            update_me,
            TokenController,
            ComponentController,
            ValidateController,
            DocumentController,
            ChangeSetController,
            RecordExportController,
            RecordSchemaController,
            RecordController,
            AuditController,
            MatrixViewController,
            FileController,
            advance_clock,
            *PEOPLE_CONTROLLERS,
            CaseController,
            TaskController,
            IncidentController,
            OutboxController,
            NotificationController,
            DelegationController,
            DatasetController,
            RunController,
            RuleController,
            GateController,
        ],
        guards=[permission_guard],
    )
    return Litestar(
        route_handlers=[api],
        dependencies={
            "db": Provide(provide_db),
            "clock": Provide(provide_clock, sync_to_thread=False),
        },
        middleware=[auth_middleware(settings)],
        exception_handlers=exception_handlers,
        request_max_body_size=settings.max_body_bytes,
        state=State(
            {
                "settings": settings,
                "engine": engine,
                "sessions": make_sessionmaker(engine),
                "read_sessions": make_sessionmaker(read_engine),
                "clock": make_clock(settings.clock),
            }
        ),
        openapi_config=OpenAPIConfig(
            title="Trellis API",
            version="1.0.0",
            description="Versioned workflow, form and permission documents; runtime; sandbox.",
            path=OPENAPI_PATH,
            render_plugins=[SwaggerRenderPlugin()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer"),
                    "session": SecurityScheme(
                        type="apiKey", name="trellis_session", security_scheme_in="cookie"
                    ),
                }
            ),
            security=[{"bearer": []}, {"session": []}],
        ),
        on_shutdown=[dispose],
    )

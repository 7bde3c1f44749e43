"""``GET /api/v1/records/{form}/schema``: the form compiled for the caller in
a context (customer type, stage… given as ``when=field:value``), as the JSON
Schema the API validates a record's ``data`` with there.

Fields the caller may not see are absent; fields they may only read are
``readOnly``. The studio renders its record form from this, so the screen
asks exactly for what the server will accept.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter

from builder.access import Row
from builder.forms import record_schema
from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.matrix_views import parse_when
from runtime.api.problems import problem_responses
from runtime.api.record_access import rights

__all__ = ["RecordSchemaController"]


class RecordSchemaController(Controller):
    path = "/records"
    tags = ["records"]

    @get(
        "/{form:str}/schema",
        sync_to_thread=True,
        summary="The JSON Schema of a record's data for the caller in a context",
        responses=problem_responses(404),
    )
    def record_schema(
        self,
        form: FromPath[str],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
        when: Annotated[
            list[str] | None,
            QueryParameter(description="Record values the form's rules depend on: field:value"),
        ] = None,
    ) -> dict[str, Any]:
        grant = rights(db, request.user, form, clock.now())
        values: dict[str, Any] = parse_when(when)
        stage = values.get(grant.model.stage_field or "")
        # The caller's own new record: every rule of theirs covers it.
        row = Row(owner_id=request.user.id, team_id=None, region_id=None, stage=stage)
        visible = grant.fields(row)
        schema = record_schema(grant.model, values, grant.viewer.roles)
        properties = {}
        for key, part in schema["properties"].items():
            if key in visible:
                properties[key] = {
                    **part,
                    **({"readOnly": True} if visible[key] != "write" else {}),
                }
        return {
            **schema,
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"{form} (form version {grant.form.version})",
            "properties": properties,
            "required": [k for k in schema["required"] if visible.get(k) == "write"],
        }

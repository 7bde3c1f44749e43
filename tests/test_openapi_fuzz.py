"""A bounded Schemathesis run against the OpenAPI document the app serves.

The schema is loaded in-process from ``/api/v1/schema/openapi.json`` of a
real app (ASGI, no server). Every operation gets ``MAX_EXAMPLES`` generated
requests, valid and invalid ones mixed, plus a few hand-written valid ones
(``_examples``), all sent with an admin's API token. Each response must pass
the four checks in ``CHECKS``: no 5xx, a documented status code, a documented
content type, and a body that matches the documented schema.

Before the run, documents, an active pointer, a change set and a spare API
token are seeded; a ``flatmap_path_parameters`` hook aims two thirds of the
generated path parameters at them, so the handlers behind the 404s run too.

Every distinct failure (operation, kind of failure, status code) is collected
over the whole run rather than stopping at the first, and reported with its
request and response. Generation is seeded per operation (the same requests on
every run, locally and in CI) and failures are not shrunk, so a failing run takes
about as long as a passing one (~10 s per backend).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from litestar.testing import TestClient
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.errors import FailureGroup
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from runtime.api.app import OPENAPI_PATH, create_app
from runtime.config import Settings
from tests.conftest import PASSWORD, api_token
from tests.documents import api_example, deal_form

API = "/api/v1"
MAX_EXAMPLES = 25  # generated requests per operation
SEED = 20251123
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HYPOTHESIS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # The same requests on every run: a fixed seed per operation (see the test), not
    # derandomize, whose seed changes with every edit of the test function.
    derandomize=False,
    database=None,  # ... and no replay of examples saved by an earlier run
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],  # no shrinking: bounded time
    # Schemathesis' strategies filter a lot and build large values by design.
    suppress_health_check=[
        hypothesis.HealthCheck.too_slow,
        hypothesis.HealthCheck.filter_too_much,
        hypothesis.HealthCheck.data_too_large,
        hypothesis.HealthCheck.large_base_example,
    ],
    print_blob=False,
)
# Seeded documents, for {kind}/{key}.
DOCUMENTS = (("workflow", "discount-approval"), ("form", "deal"))
# Reads first, deletions last, so that data survives for the operations that need it.
METHOD_ORDER = {"GET": 0, "PUT": 1, "PATCH": 1, "POST": 2, "DELETE": 3}


@dataclass
class Target:
    schema: schemathesis.BaseSchema
    headers: dict[str, str]  # the admin's credential
    admin: str
    existing: dict[str, Any]  # path parameter values that name seeded data


def _seed(client: TestClient[Any]) -> dict[str, Any]:
    """Two published documents, an active pointer, a second draft revision,
    an open change set and a spare API token."""

    def ok(response: Any, status: int) -> Any:
        assert response.status_code == status, response.text
        return response.json()

    documents = f"{API}/documents"
    ok(client.put(f"{documents}/form/deal/draft", json=deal_form()), 201)
    ok(client.post(f"{documents}/form/deal/publish", json={}), 201)
    ok(client.put(f"{documents}/workflow/discount-approval/draft", json=api_example()), 201)
    ok(client.post(f"{documents}/workflow/discount-approval/publish", json={}), 201)
    ok(
        client.put(f"{documents}/workflow/discount-approval/active/default", json={"version": 1}),
        200,
    )
    ok(client.put(f"{documents}/workflow/discount-approval/draft", json=_revised()), 200)
    changeset = ok(
        client.post(
            f"{API}/changesets",
            json={"title": "fuzz", "items": [{"kind": "workflow", "key": "discount-approval"}]},
        ),
        201,
    )
    spare = ok(client.post(f"{API}/tokens", json={"name": "fuzz-spare"}), 201)
    tokens = ok(client.get(f"{API}/tokens"), 200)["items"]
    (own,) = [token["id"] for token in tokens if token["id"] != spare["id"]]
    return {
        "number": 1,
        "variant": "default",
        "changeset_id": changeset["id"],
        "token_id": spare["id"],
        "own_token_id": own,
    }


def _revised() -> dict[str, Any]:
    document = api_example()
    document["title"] = {"en": "Discount approval, revised"}
    return document


def _quote_form() -> dict[str, Any]:
    document = deal_form()
    document.update(key="quote", title={"en": "Quote"})
    return document


@pytest.fixture
def target(settings: Settings, engine: Engine, make_user: Callable[..., str]) -> Iterator[Target]:
    admin = make_user("admin")
    headers = {"Authorization": f"Bearer {api_token(engine, admin)}"}
    with TestClient(app=create_app(settings)) as client:
        client.headers.update(headers)
        existing = _seed(client)
    own_token_id = existing.pop("own_token_id")

    # An explicit Config: no schemathesis.toml is looked up, so nothing outside this file
    # changes the run.
    schema = schemathesis.openapi.from_asgi(
        f"{OPENAPI_PATH}/openapi.json", create_app(settings), config=schemathesis.Config()
    )

    @schema.hook
    def flatmap_path_parameters(
        context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
    ) -> st.SearchStrategy[dict[str, Any] | None]:
        """The generated values, or the same with every parameter naming seeded data."""
        if not path_parameters:
            return st.just(path_parameters)
        if path_parameters.get("token_id") == own_token_id:
            # DELETE /tokens/{token_id} must not revoke the token the run sends.
            path_parameters = {**path_parameters, "token_id": existing["token_id"]}
        choices = [path_parameters]
        for kind, key in DOCUMENTS:
            real = {"kind": kind, "key": key, **existing}
            choices.append(
                {**path_parameters, **{k: real[k] for k in path_parameters if k in real}}
            )
        return st.sampled_from(choices)

    yield Target(schema=schema, headers=headers, admin=admin, existing=existing)
    asgi.shutdown_lifespans()  # runs the app's on_shutdown: disposes its engines


def _examples(target: Target) -> dict[str, list[dict[str, Any]]]:
    """Valid requests that random generation rarely finds, per operation label:
    they reach the success responses and their schemas."""
    workflow = {"kind": "workflow", "key": "discount-approval"}
    form = {"kind": "form", "key": "deal"}
    documents = f"{API}/documents/{{kind}}/{{key}}"
    return {
        f"POST {API}/auth/login": [{"body": {"username": target.admin, "password": PASSWORD}}],
        f"POST {API}/tokens": [{"body": {"name": "fuzz", "expires_in_days": 1}}],
        f"POST {API}/validate": [{"body": api_example()}],
        f"PUT {documents}/draft": [
            {"path_parameters": workflow, "body": _revised()},
            {"path_parameters": form, "body": deal_form()},
            {"path_parameters": {"kind": "form", "key": "quote"}, "body": _quote_form()},  # new
        ],
        f"GET {documents}/diff": [
            {"path_parameters": workflow, "query": {"from": "1", "to": "draft"}},
        ],
        f"POST {documents}/publish": [
            {"path_parameters": workflow, "body": {"message": "fuzz"}},
            {"path_parameters": form, "body": None},  # unchanged since version 1
        ],
        f"PUT {documents}/active/{{variant}}": [
            {"path_parameters": {**form, "variant": "east"}, "body": {"version": 1}},
        ],
        f"POST {API}/changesets": [
            {"body": {"title": "fuzz", "items": [{"kind": "form", "key": "deal"}]}},
        ],
        f"POST {API}/changesets/{{changeset_id}}/publish": [
            {"path_parameters": {"changeset_id": target.existing["changeset_id"]}, "body": None},
        ],
    }


def _excerpt(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _describe(
    failure: Exception, case: schemathesis.Case[Any], response: schemathesis.Response
) -> str:
    request = response.request
    body = (
        request.body.decode(errors="replace") if isinstance(request.body, bytes) else request.body
    )
    content_type = response.headers.get("content-type", [""])[0]
    return "\n".join(
        [
            f"{case.operation.label}: {getattr(failure, 'title', type(failure).__name__)}"
            f" [{', '.join(getattr(failure, 'checks', ()))}]",
            f"  request:  {request.method} {request.url}"
            + (f"  body: {_excerpt(str(body), 200)}" if body else ""),
            f"  response: {response.status_code} {content_type}  {_excerpt(response.text)}",
            f"  check:    {_excerpt(str(getattr(failure, 'message', '') or failure), 400)}",
        ]
    )


# The operations are driven here with APIOperation.as_strategy() rather than through
# schemathesis.pytest.from_fixture(...).parametrize(): in schemathesis 4.32 that path sets
# `request.node._nodeid`, which pytest 9.2 no longer has (AttributeError), and it stops each
# operation at its first failure, where this loop reports every distinct one.
def test_every_response_conforms_to_the_openapi_document(target: Target) -> None:
    found: dict[tuple[str, str, str, int], str] = {}

    def run(case: schemathesis.Case[Any]) -> None:
        # A copy: call() adds its default headers to the dict it is given.
        response = case.call(headers=dict(target.headers))
        if case.operation.definition.raw.get("security") != [{}]:  # all but login
            assert response.status_code != 401, f"the admin token was refused: {response.text}"
        try:
            case.validate_response(response, checks=CHECKS, headers=dict(target.headers))
        except FailureGroup as group:
            for failure in group.exceptions:
                title = getattr(failure, "title", "")
                key = (case.operation.label, type(failure).__name__, title, response.status_code)
                found.setdefault(key, _describe(failure, case, response))

    examples = _examples(target)
    operations = []
    for result in target.schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # an operation schemathesis cannot read
        operations.append(result.ok())
    assert len(operations) >= 22
    assert set(examples) <= {operation.label for operation in operations}
    for operation in sorted(operations, key=lambda op: METHOD_ORDER[op.method.upper()]):
        strategy = st.one_of(
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
        )
        test = hypothesis.given(case=strategy)(run)
        for example in examples.get(operation.label, []):
            test = hypothesis.example(case=operation.Case(**example))(test)
        HYPOTHESIS(hypothesis.seed(SEED + zlib.crc32(operation.label.encode()))(test))()

    if found:
        # pytest.fail rather than assert: pytest would truncate a long assertion message.
        report = "\n\n".join(found[key] for key in sorted(found))
        pytest.fail(
            f"{len(found)} responses contradict the OpenAPI document:\n\n{report}", pytrace=False
        )

"""Property-based calls generated from the OpenAPI document (schemathesis) against the privacy
centre's own API routes: whatever is sent, no server error, and every answer matches the
document (status codes, content types, headers, bodies).

Schemathesis's "a schema-valid request is accepted" check is left out: whether a purpose is one
the manifest declares, or an event names a person, is decided by the services, not by the
schema, and such a request is rightly refused with a 422 problem.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from steward.services.api_keys import create_key
from steward.store.database import Store
from steward.web.wiring import WebWiring
from tests.web.centre.support import person_with_token

ROUTES = r"^/api/(consent|preferences|unsubscribe)"


@pytest.fixture
def backend() -> str:
    return "sqlite"


def _prepare(case: Any, store: Store, key: str, token: str) -> None:
    """Half the generated tokens are replaced by a real one, so the calls reach the ledger."""
    parameters = case.path_parameters or {}
    if "token" in parameters and str(parameters["token"]).startswith(("u", "U", "0")):
        parameters["token"] = token
    if case.path == "/api/consent/events":
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}


@pytest.mark.slow
def test_the_api_never_fails_and_answers_as_documented(
    centre_app: FastAPI, centre_wiring: WebWiring
) -> None:
    store = centre_wiring.store
    _, token = person_with_token(store)
    with store.unit_of_work(actor="test") as uow:
        _, key = create_key(uow, "schema-test", store.clock())
        uow.commit()
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", centre_app).include(
        path_regex=ROUTES
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            _prepare(case, store, key, token)
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()

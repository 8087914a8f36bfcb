"""schemathesis against ``/api/requests`` as its OpenAPI document describes it: no server error,
every answer's status, media type, headers and body as documented, every invalid request refused.

A request the schema allows can still be refused (an e-mail address the schema cannot describe),
so schemathesis's "valid data must be accepted" check is left out; every other check runs. The
rate limits are raised for this test so the generated calls reach the routes. Each operation's
cases come from its Hypothesis strategy (the pytest plugin's fixture loader does not run under
this project's pytest).
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from steward.web.limits import RateLimit
from steward.web.request_limits import RequestLimits
from steward.web.wiring import WebWiring

OPERATIONS = {
    "POST /api/requests",
    "POST /api/requests/{reference}/verification",
    "POST /api/requests/{reference}/code",
    "GET /api/requests/{reference}",
}


@pytest.mark.slow
def test_the_request_api_keeps_to_its_openapi_document(
    web_app: FastAPI, web_wiring: WebWiring
) -> None:
    web_app.state.request_limits = RequestLimits(
        *(RateLimit(name, 10**9, 60.0, web_wiring.clock) for name in ("a", "b", "c", "d"))
    )
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", web_app).include(
        path_regex="^/api/requests"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} == OPERATIONS
    for operation in operations:

        @given(operation.as_strategy())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        def keeps_to_the_document(case: schemathesis.Case) -> None:
            case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])

        keeps_to_the_document()

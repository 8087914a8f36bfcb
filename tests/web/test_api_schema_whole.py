"""Schemathesis over the whole OpenAPI document: every operation the app publishes (requests,
complaints, consent, preferences, unsubscribe, banner, relay, staff), called with generated data
and generated nonsense, never answers with a server error. The areas' own schema tests hold
their answers to the document in detail (tests/web/centre, tests/web/requests_online)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from steward.law.calendar import Nation
from steward.mail import MemoryMailer
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.unit.requests.manifests import outserve


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.mark.slow
def test_no_operation_of_the_api_answers_with_a_server_error(web_wiring: WebWiring) -> None:
    wiring = replace(
        web_wiring,
        manifest=outserve(),
        nation=Nation.england,
        mailer=MemoryMailer(),
        banner_origins=("https://www.outserve.co.uk",),
    )
    app = create_app(wiring)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        check()

"""Every /staff route, called as every role and signed out: exactly the roles the permission
table grants get through; the others get 403 with the table's reason; signed out, a page
redirects to the sign-in form and a JSON caller gets 401. The routes and what each needs are
read from the app itself, so a route added later is checked too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from steward.services import staff as service
from steward.staff.roles import Permission, Role, allowed
from steward.store.database import Store
from steward.web.app import create_app
from steward.web.console.access import Needs
from steward.web.csrf import FIELD
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.web.console.conftest import (
    OPERATOR,
    PASSWORD,
    Casework,
    enrol,
    form_token,
    sign_in,
)

PUBLIC = {("GET", "/staff/login"), ("POST", "/staff/login")}
"""The sign-in form: the only console routes without the gate."""
PASSED = {200, 201, 303, 409, 422}
"""Through the gate: a page, a result, or the service's own refusal of an empty form."""


def gates(dependant: Dependant) -> Iterator[Needs]:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Needs):
            yield dependency.call
        yield from gates(dependency)


def _routes(app: FastAPI) -> Iterator[Any]:
    """Every route the app answers, through included routers (FastAPI 0.165 includes routers
    lazily: ``effective_route_contexts`` gives each route with the include's dependencies)."""
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            yield from contexts()
        elif isinstance(route, APIRoute):
            yield route


def console_routes(app: FastAPI) -> list[tuple[str, str, list[Needs]]]:
    found = []
    for route in _routes(app):
        path = getattr(route, "path", None) or ""
        dependant = getattr(route, "dependant", None)
        if path.startswith("/staff") and isinstance(dependant, Dependant):
            for method in sorted(route.methods or ()):
                found.append((method, path, list(gates(dependant))))
    return found


TARGET = "tomas"
"""An account the staff-account routes act on (never the member signed in)."""


def concrete(path: str, casework: Casework) -> str:
    if path.startswith("/staff/complaints/"):
        path = path.replace("{reference}", casework.complaint)
    path = path.replace("{username}", TARGET)
    return path.replace("{reference}", casework.later).replace("{number}", "1")


def enrol_target(store: Store, clock: ManualClock) -> None:
    service.create_account(
        store,
        username=TARGET,
        display_name="Tomas Target",
        role=Role.office,
        password=PASSWORD,
        by=OPERATOR,
        now=clock.now,
    )


def call(client: TestClient, method: str, path: str) -> int:
    if method == "GET":
        return client.get(path).status_code
    token = form_token(client, "/staff")
    return client.request(method, path, data={FIELD: token}).status_code


def test_every_console_route_but_sign_in_declares_exactly_one_gate(
    console_wiring: WebWiring,
) -> None:
    routes = console_routes(create_app(console_wiring))
    assert len(routes) >= 15
    for method, path, needs in routes:
        if (method, path) in PUBLIC:
            assert needs == [], path
        else:
            assert len(needs) == 1, f"{method} {path} has gates {needs}"


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_routes_its_permissions_allow(
    role: Role, console_wiring: WebWiring, casework: Casework, clock: ManualClock
) -> None:
    member = enrol(console_wiring.store, role, clock)
    enrol_target(console_wiring.store, clock)
    app = create_app(console_wiring)
    routes = [r for r in console_routes(app) if (r[0], r[1]) not in PUBLIC]
    # signing out ends the session, so it is called last
    routes.sort(key=lambda r: r[1] == "/staff/logout")
    seen: dict[str, int] = {}
    with TestClient(app, follow_redirects=False) as client:
        assert sign_in(client, member, clock).status_code == 303
        for method, path, (gate,) in routes:
            status = call(client, method, concrete(path, casework))
            seen[f"{method} {path}"] = status
            permission: Permission | None = gate.permission
            if permission is None or allowed(role, permission).allowed:
                assert status in PASSED, f"{role.value} {method} {path}: {status}"
            else:
                assert status == 403, f"{role.value} {method} {path}: {status}"
    granted = {k for k, v in seen.items() if v != 403}
    assert "GET /staff" in granted and "POST /staff/logout" in granted


def test_a_refusal_names_the_role_and_who_holds_the_permission(
    console_wiring: WebWiring, clock: ManualClock
) -> None:
    member = enrol(console_wiring.store, Role.marketing, clock)
    with TestClient(create_app(console_wiring), follow_redirects=False) as client:
        sign_in(client, member, clock)
        refused = client.get("/staff/requests", headers={"accept": "application/json"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    body = refused.json()
    assert "marketing role does not hold requests.read" in body["detail"]
    assert body["where"] == "requests.read"


def test_signed_out_every_page_redirects_to_sign_in_and_json_gets_401(
    console_wiring: WebWiring, casework: Casework
) -> None:
    app = create_app(console_wiring)
    with TestClient(app, follow_redirects=False) as client:
        for method, path, _ in console_routes(app):
            if (method, path) in PUBLIC:
                continue
            target = concrete(path, casework)
            token = form_token(client)  # a valid form token: only the session is missing
            form = {FIELD: token} if method != "GET" else None
            answer = client.request(method, target, data=form)
            assert answer.status_code == 303, f"{method} {path}"
            assert answer.headers["location"].startswith("/staff/login?next=")
            as_json = client.request(
                method,
                target,
                headers={"accept": "application/json"},
                data=form,
            )
            assert as_json.status_code == 401, f"{method} {path}"
            assert as_json.headers["content-type"].startswith("application/problem+json")

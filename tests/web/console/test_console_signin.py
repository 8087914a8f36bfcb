"""Signing in to the staff console: both factors, one refusal for every failure, the lock and
the per-source limit through the web, the session cookie's attributes, expiry and sign-out."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from steward.staff.roles import Role
from steward.staff.second_factor import totp_code
from steward.web.app import create_app
from steward.web.console.access import COOKIE
from steward.web.console.signin import SIGN_IN_PER_MINUTE
from steward.web.csrf import FIELD
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.integration.staff.accounts import audit_trail
from tests.web.console.conftest import PASSWORD, enrol, form_token, later, sign_in

REFUSAL = "the username, password or code is not right"


def test_signing_in_with_password_and_code_opens_the_console_with_a_strict_cookie(
    console: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    priya = enrol(console_wiring.store, Role.privacy_lead, clock)
    start = console.get("/staff/requests")
    assert start.status_code == 303
    assert start.headers["location"] == "/staff/login?next=/staff/requests"
    page = console.get(start.headers["location"])
    assert 'name="next" value="/staff/requests"' in page.text

    token = page.text.split(f'name="{FIELD}" value="')[1].split('"')[0]
    answer = console.post(
        "/staff/login",
        data={
            FIELD: token,
            "username": "priya",
            "password": PASSWORD,
            "code": totp_code(priya.secret, clock.now),
            "next": "/staff/requests",
        },
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/requests"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/staff" in cookie
    assert "Secure" not in cookie and "Max-Age" not in cookie
    overview = console.get("/staff")
    assert overview.status_code == 200
    assert "Priya Shah" in overview.text and "privacy lead" in overview.text
    assert overview.headers["cache-control"] == "no-store"
    assert ("staff.signed_in", f"staff:{priya.account_id}", "public:staff-sign-in") in (
        audit_trail(console_wiring.store)
    )


def test_behind_https_the_session_cookie_is_secure(
    console_wiring: WebWiring, clock: ManualClock
) -> None:
    member = enrol(console_wiring.store, Role.office, clock)
    with TestClient(
        create_app(replace(console_wiring, https=True)),
        base_url="https://testserver",
        follow_redirects=False,
    ) as client:
        answer = sign_in(client, member, clock)
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(COOKIE))
    assert "; Secure" in cookie


def test_every_failure_gets_the_same_refusal_and_no_session(
    console: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    olu = enrol(console_wiring.store, Role.office, clock)
    attempts = [
        {"username": "olu", "password": "not the password at all", "code": "000000"},
        {"username": "nobody-here", "password": PASSWORD, "code": "123456"},
        {"username": "olu", "password": PASSWORD, "code": "999999"},
        {"username": "olu", "password": PASSWORD, "code": "aaaa-bbbb-cccc"},
    ]
    bodies = []
    for attempt in attempts:
        answer = console.post("/staff/login", data={FIELD: form_token(console), **attempt})
        assert answer.status_code == 401
        assert not any(c.startswith(COOKIE + "=") for c in answer.headers.get_list("set-cookie"))
        assert REFUSAL in answer.text
        assert attempt["password"] not in answer.text
        bodies.append(answer.text.split('<div class="error"')[1].split("</div>")[0])
    assert len(set(bodies)) == 1
    assert console.get("/staff").status_code == 303
    failed = [s for a, s, _ in audit_trail(console_wiring.store) if a == "staff.sign_in_failed"]
    assert failed.count(f"staff:{olu.account_id}") == 3


def test_five_failures_lock_the_account_even_against_the_right_password_and_code(
    console: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    hr = enrol(console_wiring.store, Role.hr, clock)
    for _ in range(5):
        wrong = sign_in(console, hr, clock, code="000000")
        assert wrong.status_code == 401
    later(clock, seconds=30)

    refused = sign_in(console, hr, clock)

    assert refused.status_code == 401 and REFUSAL in refused.text
    actions = [action for action, subject, _ in audit_trail(console_wiring.store)]
    assert "staff.account_locked" in actions
    assert actions[-1] == "staff.sign_in_refused"
    later(clock, minutes=16)
    assert sign_in(console, hr, clock).status_code == 303


def test_one_source_sending_sign_in_forms_fast_is_turned_away_with_retry_after(
    console: TestClient, console_wiring: WebWiring
) -> None:
    token = form_token(console)
    for _ in range(SIGN_IN_PER_MINUTE):
        answer = console.post(
            "/staff/login", data={FIELD: token, "username": "x1", "password": "y", "code": "1"}
        )
        assert answer.status_code == 401
    flooded = console.post(
        "/staff/login", data={FIELD: token, "username": "x1", "password": "y", "code": "1"}
    )
    assert flooded.status_code == 429
    assert int(flooded.headers["retry-after"]) >= 1


def test_the_sign_in_form_needs_its_csrf_token(
    console: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    member = enrol(console_wiring.store, Role.office, clock)
    form_token(console)
    answer = console.post(
        "/staff/login",
        data={
            "username": member.username,
            "password": PASSWORD,
            "code": totp_code(member.secret, clock.now),
        },
    )
    assert answer.status_code == 403
    assert console.get("/staff").status_code == 303


def test_a_session_idle_for_thirty_minutes_sends_a_page_to_sign_in_and_json_gets_401(
    console: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    member = enrol(console_wiring.store, Role.office, clock)
    assert sign_in(console, member, clock).status_code == 303
    later(clock, minutes=29)
    assert console.get("/staff/requests").status_code == 200
    later(clock, minutes=31)

    page = console.get("/staff/requests?overdue=true")
    api = console.get("/staff/requests", headers={"accept": "application/json"})

    assert page.status_code == 303
    assert page.headers["location"] == "/staff/login?next=/staff/requests%3Foverdue%3Dtrue"
    assert api.status_code == 401
    assert api.headers["content-type"].startswith("application/problem+json")
    ended = [a for a, s, _ in audit_trail(console_wiring.store) if a == "staff.session_ended"]
    assert ended == ["staff.session_ended"]


def test_signing_out_ends_the_session_and_clears_the_cookie(
    console: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    member = enrol(console_wiring.store, Role.auditor, clock)
    sign_in(console, member, clock)
    token = console.cookies.get(COOKIE)
    assert token

    out = console.post("/staff/logout", data={FIELD: form_token(console, "/staff")})

    assert out.status_code == 303
    assert out.headers["location"] == "/staff/login?signed_out=true"
    cleared = next(c for c in out.headers.get_list("set-cookie") if c.startswith(COOKIE))
    assert "Max-Age=0" in cleared
    console.cookies.set(COOKIE, token, path="/staff")
    assert console.get("/staff").status_code == 303
    assert "You have signed out" in console.get("/staff/login?signed_out=true").text


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(
    console: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    member = enrol(console_wiring.store, Role.marketing, clock)
    code = member.recovery_codes[0].upper()

    answer = sign_in(console, member, clock, code=code)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff?codes_left=9"
    assert "You have 9 left" in console.get(answer.headers["location"]).text
    console.post("/staff/logout", data={FIELD: form_token(console, "/staff")})
    assert sign_in(console, member, clock, code=code).status_code == 401


def test_after_sign_in_only_a_console_path_is_followed(
    console: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    member = enrol(console_wiring.store, Role.office, clock)
    answer = console.post(
        "/staff/login",
        data={
            FIELD: form_token(console),
            "username": member.username,
            "password": PASSWORD,
            "code": totp_code(member.secret, clock.now),
            "next": "//evil.example/staff",
        },
    )
    assert answer.headers["location"] == "/staff"
    page = console.get("/staff/login?next=https://evil.example/")
    assert page.status_code == 303 and page.headers["location"] == "/staff"


def test_a_console_form_without_its_csrf_token_is_refused(
    console: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    member = enrol(console_wiring.store, Role.auditor, clock)
    sign_in(console, member, clock)
    answer = console.post("/staff/logout", data={FIELD: "forged"})
    assert answer.status_code == 403
    assert console.get("/staff").status_code == 200

"""Staff accounts in the console (docs/staff.md, "Managing accounts in the console").

- ``GET /staff/accounts`` (``staff.read``): every account, its role and state (active, locked,
  disabled), whether its second factor is set up, its last sign-in and recovery codes left.
- ``POST /staff/accounts`` (``staff.manage``): a new account; the page that answers shows its
  authenticator secret and recovery codes once, never again.
- ``POST /staff/accounts/{username}/role|disable|enable|unlock|password|second-factor``
  (``staff.manage``): one service call each (``steward.services.staff``), which keeps its own
  rules: the last privacy lead is never disabled or demoted, nobody disables their own account,
  a password is checked against the policy, a reset second factor is shown once.

Every page is sent with ``Cache-Control: no-store``; the secrets are never logged or stored in
the clear (the service seals the TOTP secret and keeps only keyed hashes of recovery codes).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from steward.errors import StewardError
from steward.services import staff
from steward.staff.accounts import SignedIn, StaffAccount
from steward.staff.roles import Permission, Role, role_named
from steward.store.database import Store
from steward.web.console.access import Needs
from steward.web.console.pages import page, problem_of, see_other
from steward.web.wiring import wiring_of

Username = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
_SHORT = 200


class AccountChange(Protocol):
    def __call__(
        self, store: Store, username: str, *, by: staff.Manager, now: datetime
    ) -> StaffAccount: ...


SIMPLE_CHANGES: dict[str, AccountChange] = {
    "disable": staff.disable_account,
    "enable": staff.enable_account,
    "unlock": staff.unlock_account,
}
"""The changes that take nothing but the account: the last word of the route, the service call."""


def router() -> APIRouter:
    routes = APIRouter()

    def listing(
        request: Request,
        who: SignedIn,
        problem: dict[str, str | None] | None = None,
        status: int = 200,
        values: dict[str, str] | None = None,
    ) -> Response:
        wiring = wiring_of(request)
        accounts = staff.list_accounts(wiring.store, by=who)
        return page(
            request,
            who,
            "staff.html.j2",
            {
                "accounts": accounts,
                "now": wiring.clock(),
                "roles": list(Role),
                "problem": problem,
                "values": values or {},
            },
            status_code=status,
        )

    def enrolment_page(
        request: Request, who: SignedIn, username: str, enrolment: staff.Enrolment, new: bool
    ) -> Response:
        return page(
            request,
            who,
            "staff_enrolment.html.j2",
            {"username": username, "enrolment": enrolment, "new": new},
            status_code=201 if new else 200,
        )

    @routes.get("/staff/accounts", response_class=HTMLResponse, include_in_schema=False)
    async def accounts(
        request: Request, who: Annotated[SignedIn, Depends(Needs(Permission.staff_read))]
    ) -> Response:
        return await run_in_threadpool(listing, request, who)

    @routes.post("/staff/accounts", response_class=HTMLResponse, include_in_schema=False)
    async def create(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.staff_manage))],
        username: Annotated[str, Form(max_length=64)] = "",
        display_name: Annotated[str, Form(max_length=_SHORT)] = "",
        role: Annotated[str, Form(max_length=40)] = "",
        password: Annotated[str, Form(max_length=_SHORT)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        values = {"username": username, "display_name": display_name, "role": role}

        def made() -> Response:
            try:
                created = staff.create_account(
                    wiring.store,
                    username=username,
                    display_name=display_name,
                    role=role_named(role),
                    password=password,
                    by=who,
                    now=wiring.clock(),
                )
            except StewardError as error:
                problem, status = problem_of(error)
                return listing(request, who, problem, status, values)
            return enrolment_page(
                request, who, created.account.username, created.enrolment, new=True
            )

        return await run_in_threadpool(made)

    def change(request: Request, who: SignedIn, action: Callable[[], object]) -> Response:
        try:
            action()
        except StewardError as error:
            problem, status = problem_of(error)
            return listing(request, who, problem, status)
        return see_other("/staff/accounts")

    @routes.post("/staff/accounts/{username}/role", include_in_schema=False)
    async def set_role(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.staff_manage))],
        username: Username,
        role: Annotated[str, Form(max_length=40)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        return await run_in_threadpool(
            change,
            request,
            who,
            lambda: staff.change_role(
                wiring.store, username, role_named(role), by=who, now=wiring.clock()
            ),
        )

    def simple(call: AccountChange) -> Callable[..., Awaitable[Response]]:
        async def endpoint(
            request: Request,
            who: Annotated[SignedIn, Depends(Needs(Permission.staff_manage))],
            username: Username,
        ) -> Response:
            wiring = wiring_of(request)
            return await run_in_threadpool(
                change,
                request,
                who,
                lambda: call(wiring.store, username, by=who, now=wiring.clock()),
            )

        return endpoint

    for verb, call in SIMPLE_CHANGES.items():
        routes.add_api_route(
            f"/staff/accounts/{{username}}/{verb}",
            simple(call),
            methods=["POST"],
            include_in_schema=False,
        )

    @routes.post("/staff/accounts/{username}/password", include_in_schema=False)
    async def set_password(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.staff_manage))],
        username: Username,
        password: Annotated[str, Form(max_length=_SHORT)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        return await run_in_threadpool(
            change,
            request,
            who,
            lambda: staff.set_password(
                wiring.store, username, password, by=who, now=wiring.clock()
            ),
        )

    @routes.post(
        "/staff/accounts/{username}/second-factor",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    async def reset_second_factor(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.staff_manage))],
        username: Username,
    ) -> Response:
        wiring = wiring_of(request)

        def reset() -> Response:
            try:
                enrolment = staff.reset_second_factor(
                    wiring.store, username, by=who, now=wiring.clock()
                )
            except StewardError as error:
                problem, status = problem_of(error)
                return listing(request, who, problem, status)
            return enrolment_page(request, who, username, enrolment, new=False)

        return await run_in_threadpool(reset)

    del accounts, create, set_role, set_password, reset_second_factor
    return routes

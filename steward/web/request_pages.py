"""The privacy centre's request pages (issue 12 item 2): make a request, enter the one-time code,
see its progress and due date. No JavaScript; every form carries the CSRF token and is rate
limited per source (``steward.web.request_limits``, shared with ``/api/requests``).

Each route parses the form, calls one function of ``steward.services.online_requests`` and
renders. Who may see a status page is decided by ``steward.web.request_pass``. A mistake in the
form comes back as the same form, with what was typed kept and each problem beside its box.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from steward.errors import ConfigError, InvalidInput, NotFound
from steward.law.calendar import Nation
from steward.manifest.schema import Manifest
from steward.requests import explained
from steward.requests.lifecycle import Channel
from steward.requests.online import CODES_PER_HOUR, InvalidFields, OnlineRequest, is_reference
from steward.services import online_requests as service
from steward.web import request_pass
from steward.web.csrf import require_csrf
from steward.web.request_limits import limits_of, source_of
from steward.web.templates import render
from steward.web.wiring import WebWiring, wiring_of

ACTOR = "public:web"
NO_STORE = {"cache-control": "no-store"}
CORRECTABLE = (
    ("name", "My name"),
    ("email", "My e-mail address"),
    ("phone", "My phone number"),
    ("other", "Something else"),
)
FIELDS = ("kind", "email", "name", "phone", "details", "correct_field", "currently", "should_be")


@dataclass(frozen=True)
class FieldProblem:
    """One problem as the form shows it: a short title for the summary, a sentence by the box."""

    title: str
    sentence: str


def _sentence(error: InvalidInput) -> str:
    text = error.message[:1].upper() + error.message[1:]
    return f"{text}: {error.hint}." if error.hint else f"{text}."


def field_problems(errors: tuple[InvalidInput, ...]) -> dict[str, FieldProblem]:
    """The first problem of each field, in form order."""
    found: dict[str, FieldProblem] = {}
    for error in errors:
        where = error.where or "form"
        found.setdefault(
            where, FieldProblem(error.message[:1].upper() + error.message[1:], _sentence(error))
        )
    return found


def nation_of(wiring: WebWiring) -> Nation:
    """The organisation's nation (its bank holidays decide due dates)."""
    if wiring.nation is None:
        raise ConfigError(
            "the privacy centre has no manifest, so it cannot work out when a request is due",
            where="STEWARD_MANIFEST",
            hint="make your request by e-mail, post or phone for now; the site's operator should "
            "set STEWARD_MANIFEST and restart steward serve",
        )
    return wiring.nation


def contact_of(manifest: Manifest | None) -> dict[str, str | None] | None:
    """The privacy contact the manifest declares, for the 'other ways' box."""
    if manifest is None:
        return None
    organisation = manifest.organisation
    contact = organisation.privacy_contact
    address = contact.address or organisation.postal_address or organisation.registered_address
    postal = ", ".join([*address.lines, *([address.postcode] if address.postcode else [])])
    return {"email": contact.email, "phone": contact.phone, "address": postal}


def page_context(request: Request) -> dict[str, Any]:
    manifest = wiring_of(request).manifest
    return {
        "organisation": manifest.organisation.name if manifest is not None else None,
        "contact": contact_of(manifest),
    }


def verify_link(request: Request) -> str | None:
    """The code page's full address for the code's e-mail (``{reference}`` filled in later), only
    when the deployment declares its address (``STEWARD_WEB_PUBLIC_URL``): a link built from the
    request's own Host header could be pointed at another site by whoever sends the form."""
    base = wiring_of(request).public_url
    return None if base is None else base.rstrip("/") + "/requests/{reference}/verify"


def checked_reference(reference: str) -> str:
    if not is_reference(reference):
        raise NotFound(
            "there is no such page",
            where="reference",
            hint="references look like R-2026-ABC234; check the link or the e-mail we sent",
        )
    return reference


def _form_page(
    request: Request, values: dict[str, str], problems: dict[str, FieldProblem], status: int
) -> HTMLResponse:
    wiring = wiring_of(request)
    context = page_context(request) | {
        "values": values,
        "problems": problems,
        "rights": list(explained.RIGHTS.items()),
        "correctable": CORRECTABLE,
        "online": wiring.mailer is not None,
    }
    return render(request, "requests/new.html.j2", context, status_code=status)


def _verify_page(
    request: Request,
    reference: str,
    *,
    sent: str | None = None,
    code: str = "",
    problems: dict[str, FieldProblem] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = page_context(request) | {
        "reference": reference,
        "sent": sent,
        "code": code,
        "problems": problems or {},
        "codes_per_hour": CODES_PER_HOUR,
    }
    return render(request, "requests/verify.html.j2", context, status_code=status, headers=NO_STORE)


def _private_page(request: Request, reference: str) -> HTMLResponse:
    """The one answer for a status page without its pass, known reference or not."""
    context = page_context(request) | {"reference": reference}
    return render(request, "requests/private.html.j2", context, status_code=403, headers=NO_STORE)


_Field = Annotated[str, Form()]


def router() -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    @routes.get("/requests/new", response_class=HTMLResponse)
    def new_form(request: Request) -> HTMLResponse:
        nation_of(wiring_of(request))
        return _form_page(request, dict.fromkeys(FIELDS, ""), {}, 200)

    @routes.get("/requests")
    def requests_home() -> RedirectResponse:
        """The form's own address, for anyone who reloads or bookmarks where it was sent."""
        return RedirectResponse("/requests/new", status_code=303)

    @routes.post("/requests", dependencies=[Depends(require_csrf)])
    def make(
        request: Request,
        kind: _Field = "",
        email: _Field = "",
        name: _Field = "",
        phone: _Field = "",
        details: _Field = "",
        correct_field: _Field = "",
        currently: _Field = "",
        should_be: _Field = "",
    ) -> Response:
        limits_of(request).intake.hit(source_of(request))
        wiring = wiring_of(request)
        form = OnlineRequest(kind, email, name, phone, details, correct_field, currently, should_be)
        try:
            receipt = service.receive_online(
                wiring.store,
                nation_of(wiring),
                form,
                channel=Channel.web,
                actor=ACTOR,
                mailer=wiring.mailer,
                verify_link=verify_link(request),
            )
        except InvalidFields as error:
            return _form_page(request, vars_of(form), field_problems(error.problems), 422)
        except InvalidInput as error:
            return _form_page(request, vars_of(form), field_problems((error,)), 422)
        if receipt.delivery is service.CodeDelivery.not_configured:
            context = page_context(request) | {
                "reference": receipt.reference,
                "right": explained.RIGHTS[receipt.kind],
                "received": explained.day_in_words(receipt.received),
            }
            return render(request, "requests/recorded.html.j2", context, status_code=202)
        return RedirectResponse(
            f"/requests/{receipt.reference}/verify?sent={receipt.delivery.value}", status_code=303
        )

    @routes.get("/requests/{reference}/verify", response_class=HTMLResponse)
    def code_form(request: Request, reference: str, sent: str | None = None) -> HTMLResponse:
        shown = sent if sent in ("sent", "failed", "again") else None
        return _verify_page(request, checked_reference(reference), sent=shown)

    @routes.post("/requests/{reference}/verify", dependencies=[Depends(require_csrf)])
    def check_code(request: Request, reference: str, code: _Field = "") -> Response:
        checked_reference(reference)
        limits_of(request).code_tries.hit(source_of(request))
        wiring = wiring_of(request)
        try:
            verified = service.verify_online(
                wiring.store, nation_of(wiring), reference, code, actor=ACTOR
            )
        except InvalidInput as error:
            problems = field_problems((error,))
            return _verify_page(request, reference, code=code, problems=problems, status=422)
        now = wiring.clock()
        token, ends = request_pass.issue(wiring.secret, verified.reference, now)
        response = RedirectResponse(f"/requests/{verified.reference}", status_code=303)
        response.headers.append(
            "set-cookie",
            request_pass.set_cookie_header(token, verified.reference, ends, now, wiring.https),
        )
        return response

    @routes.post("/requests/{reference}/code", dependencies=[Depends(require_csrf)])
    def new_code(request: Request, reference: str) -> Response:
        checked_reference(reference)
        limits_of(request).new_codes.hit(source_of(request))
        wiring = wiring_of(request)
        if wiring.mailer is None:
            raise ConfigError(
                "we cannot send codes just now",
                where="mail",
                hint="our privacy team will contact you at the address you gave, or use the "
                "contact details on our privacy notice",
            )
        service.resend_online(
            wiring.store,
            nation_of(wiring),
            reference,
            mailer=wiring.mailer,
            actor=ACTOR,
            verify_link=verify_link(request),
        )
        return RedirectResponse(f"/requests/{reference}/verify?sent=again", status_code=303)

    @routes.get("/requests/{reference}", response_class=HTMLResponse)
    def progress(request: Request, reference: str) -> HTMLResponse:
        checked_reference(reference)
        limits_of(request).status.hit(source_of(request))
        wiring = wiring_of(request)
        token = request_pass.from_cookie(request)
        if not request_pass.admits(wiring.secret, reference, token, wiring.clock()):
            return _private_page(request, reference)
        try:
            status = service.requester_status(
                wiring.store, nation_of(wiring), reference, actor=ACTOR
            )
        except NotFound:
            return _private_page(request, reference)
        context = page_context(request) | {
            "status": status,
            "right": explained.RIGHTS[status.kind],
            "progress": explained.STATUSES[status.status],
            "received": explained.day_in_words(status.received),
            "due": explained.day_in_words(status.due),
            "due_in": explained.days_left_in_words(status.days_left),
        }
        return render(request, "requests/status.html.j2", context, headers=NO_STORE)

    return routes


def vars_of(form: OnlineRequest) -> dict[str, str]:
    """The form's values as typed, to fill the boxes again."""
    return {name: getattr(form, name) for name in FIELDS}

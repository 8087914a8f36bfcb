"""``/api/requests``: the request pages as JSON, for the organisation's own site or app
(issue 12 item 2). Make a request, confirm it with the e-mailed code, read its progress.

The same services, answers and rate limits as the pages (``steward.web.request_pages``); errors
are problem+json (RFC 9457). Confirming a request returns a status pass, sent back as
``Authorization: Bearer`` to read the request; a missing or wrong pass and an unknown reference
get the same 401. No cookies are read here, so the API needs no CSRF token.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from steward.errors import ConfigError, InvalidInput, NotFound
from steward.requests import explained
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel, RequestStatus
from steward.requests.online import (
    CORRECTION_MAX,
    DETAILS_MAX,
    NAME_MAX,
    REFERENCE_PATTERN,
    CorrectableDetail,
    InvalidFields,
    OnlineRequest,
)
from steward.services import online_requests as service
from steward.services.online_requests import CodeDelivery
from steward.web import request_pass
from steward.web.problems import PROBLEM_JSON, problem, title_of
from steward.web.request_limits import limits_of, source_of
from steward.web.request_pages import nation_of, verify_link
from steward.web.wiring import wiring_of

ACTOR = "public:api"


def _text(value: str) -> str:
    """Refuse text that is not text (a lone surrogate cannot be stored or sealed)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains characters that are not text") from None
    return value


_Plain = Annotated[str, AfterValidator(_text)]


class NewRequest(BaseModel):
    """A request, as the person makes it. Only ``kind`` and ``email`` are required."""

    model_config = ConfigDict(extra="forbid")

    kind: RequestKind = Field(description="Which right the person uses (UK GDPR Arts 15-21).")
    email: _Plain = Field(
        max_length=320,
        description="Where the one-time code is sent; also searched for the person's records.",
    )
    name: _Plain = Field("", max_length=NAME_MAX)
    phone: _Plain = Field("", max_length=40)
    details: _Plain = Field("", max_length=DETAILS_MAX)
    correct_field: CorrectableDetail | None = Field(
        None, description="Rectification only: which detail is wrong."
    )
    currently: _Plain = Field(
        "", max_length=CORRECTION_MAX, description="Rectification only: what it says now."
    )
    should_be: _Plain = Field(
        "", max_length=CORRECTION_MAX, description="Rectification only: what it should say."
    )


class RequestReceived(BaseModel):
    reference: str = Field(examples=["R-2026-ABC234"])
    kind: RequestKind
    received: date
    code: CodeDelivery = Field(
        description="sent: a code is on its way; failed: the request is recorded but the code "
        "could not be sent (ask for a new one); not_configured: the request is recorded and "
        "staff will confirm identity another way."
    )
    code_expires_at: datetime | None
    verify_url: str
    message: str


class CodeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=20, examples=["123456"])


class StatusPass(BaseModel):
    reference: str
    status_token: str = Field(description="Send as 'Authorization: Bearer <token>'.")
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: datetime
    status_url: str


class CodeAsked(BaseModel):
    message: str


class RequestProgress(BaseModel):
    reference: str
    kind: RequestKind
    kind_title: str
    article: str
    status: RequestStatus
    status_title: str
    status_detail: str
    received: date
    due: date | None = Field(description="The day it must be answered by; null once finished.")
    due_in_words: str | None
    days_left: int | None
    extended: bool
    finished: bool


class Problem(BaseModel):
    """RFC 9457 problem details, with Steward's ``where`` and ``hint``."""

    type: str
    title: str
    status: int
    instance: str | None = None
    detail: str | None = None
    where: str | None = None
    hint: str | None = None
    errors: list[dict[str, str | None]] | None = None


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}},
    }


_Responses = dict[int | str, dict[str, Any]]
_INVALID: _Responses = {
    422: _problem_response("What was sent is not valid; 'where' names the field.")
}
_BUSY: _Responses = {429: _problem_response("Too many from this source just now; see Retry-After.")}
_UNAVAILABLE: _Responses = {503: _problem_response("The privacy centre cannot do this just now.")}
_Reference = Annotated[
    str,
    Path(
        pattern=REFERENCE_PATTERN,
        description="The request's reference.",
        examples=["R-2026-ABC234"],
    ),
]

_MESSAGES = {
    CodeDelivery.sent: "a six-digit code was sent to the e-mail address given; it works once, "
    "for 15 minutes",
    CodeDelivery.failed: "the request is recorded, but the code could not be sent just now; "
    "ask for a new code in a few minutes",
    CodeDelivery.not_configured: "the request is recorded; codes cannot be sent just now, so "
    "the privacy team will contact the person at the address given",
}


def router() -> APIRouter:
    routes = APIRouter(prefix="/api/requests", tags=["requests"])

    @routes.post(
        "",
        status_code=202,
        response_model=RequestReceived,
        responses={**_INVALID, **_BUSY, **_UNAVAILABLE},
    )
    def make(request: Request, body: NewRequest) -> Response | RequestReceived:
        """Make a request: it is recorded at once (the legal clock starts today) and a one-time
        code is e-mailed to ``email``. The answer is the same whether or not the organisation
        holds anything about the person."""
        limits_of(request).intake.hit(source_of(request))
        wiring = wiring_of(request)
        form = OnlineRequest(
            kind=body.kind.value,
            email=body.email,
            name=body.name,
            phone=body.phone,
            details=body.details,
            correct_field=body.correct_field.value if body.correct_field else "",
            currently=body.currently,
            should_be=body.should_be,
        )
        try:
            receipt = service.receive_online(
                wiring.store,
                nation_of(wiring),
                form,
                channel=Channel.api,
                actor=ACTOR,
                mailer=wiring.mailer,
                verify_link=verify_link(request),
            )
        except InvalidFields as error:
            return _invalid(request, error.problems)
        except InvalidInput as error:
            return _invalid(request, (error,))
        return RequestReceived(
            reference=receipt.reference,
            kind=receipt.kind,
            received=receipt.received,
            code=receipt.delivery,
            code_expires_at=receipt.code_expires_at,
            verify_url=f"/api/requests/{receipt.reference}/verification",
            message=_MESSAGES[receipt.delivery],
        )

    @routes.post(
        "/{reference}/verification",
        response_model=StatusPass,
        responses={**_INVALID, **_BUSY, **_UNAVAILABLE},
    )
    def verify(request: Request, reference: _Reference, body: CodeEntry) -> StatusPass:
        """Confirm a request with its code. Every refusal is the same 422, whatever the reason
        and whether or not the reference exists; five wrong tries void a code."""
        limits_of(request).code_tries.hit(source_of(request))
        wiring = wiring_of(request)
        verified = service.verify_online(
            wiring.store, nation_of(wiring), reference, body.code, actor=ACTOR
        )
        token, ends = request_pass.issue(wiring.secret, verified.reference, wiring.clock())
        return StatusPass(
            reference=verified.reference,
            status_token=token,
            expires_at=ends,
            status_url=f"/api/requests/{verified.reference}",
        )

    @routes.post(
        "/{reference}/code",
        status_code=202,
        response_model=CodeAsked,
        responses={**_INVALID, **_BUSY, **_UNAVAILABLE},
    )
    def new_code(request: Request, reference: _Reference) -> CodeAsked:
        """Ask for a new code. The answer is the same for every reference; a code is sent only
        to a request waiting for one, at most three an hour."""
        limits_of(request).new_codes.hit(source_of(request))
        wiring = wiring_of(request)
        if wiring.mailer is None:
            raise ConfigError(
                "codes cannot be sent just now",
                where="mail",
                hint="the privacy team will contact the person at the address given",
            )
        service.resend_online(
            wiring.store,
            nation_of(wiring),
            reference,
            mailer=wiring.mailer,
            actor=ACTOR,
            verify_link=verify_link(request),
        )
        return CodeAsked(
            message="if this request is waiting for a code, a new one was sent to the address "
            "given with it; earlier codes no longer work"
        )

    @routes.get(
        "/{reference}",
        response_model=RequestProgress,
        responses={
            401: _problem_response("No valid status pass for this reference."),
            **_INVALID,
            **_BUSY,
            **_UNAVAILABLE,
        },
    )
    def progress(
        request: Request,
        reference: _Reference,
        authorization: Annotated[str | None, Header()] = None,
    ) -> Response | RequestProgress:
        """The request's kind, progress and due date, for the holder of its status pass."""
        limits_of(request).status.hit(source_of(request))
        wiring = wiring_of(request)
        token = request_pass.from_bearer(authorization)
        if not request_pass.admits(wiring.secret, reference, token, wiring.clock()):
            return _unauthorised(request)
        try:
            status = service.requester_status(
                wiring.store, nation_of(wiring), reference, actor=ACTOR
            )
        except NotFound:
            return _unauthorised(request)
        right = explained.RIGHTS[status.kind]
        progress = explained.STATUSES[status.status]
        return RequestProgress(
            reference=status.reference,
            kind=status.kind,
            kind_title=right.title,
            article=right.article,
            status=status.status,
            status_title=progress.title,
            status_detail=progress.detail,
            received=status.received,
            due=None if status.finished else status.due,
            due_in_words=None if status.finished else explained.day_in_words(status.due),
            days_left=None if status.finished else status.days_left,
            extended=status.extended,
            finished=status.finished,
        )

    return routes


def _invalid(request: Request, problems: tuple[InvalidInput, ...]) -> Response:
    first = problems[0]
    return problem(
        request,
        422,
        "invalid-input",
        title_of(422),
        detail=first.message,
        where=first.where,
        hint=first.hint,
        extra={
            "errors": [
                {"where": item.where, "message": item.message, "hint": item.hint}
                for item in problems
            ]
        },
    )


def _unauthorised(request: Request) -> Response:
    return problem(
        request,
        401,
        "unauthorised",
        title_of(401),
        detail="this request's progress is shown only to the holder of its status pass",
        where="authorization",
        hint="confirm the request with its code (POST .../verification) and send the "
        "status_token you get as 'Authorization: Bearer <token>'",
        headers={"WWW-Authenticate": 'Bearer realm="steward-requests"'},
    )

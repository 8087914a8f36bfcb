"""The privacy centre's JSON API (issue 12 items 1-2), described in the OpenAPI document
(``/api/openapi.json``); errors are problem+json (RFC 9457, ``steward.web.problems``).

- ``POST /api/consent/events``: record a consent event for a person named by email or phone.
  It needs an API key (``Authorization: Bearer stk_...``, made by ``steward api-key create``):
  without one, anyone could sign anyone up to marketing or fill the ledger.
- ``GET /api/preferences/{token}``, ``POST /api/preferences/{token}``: a person's marketing
  preferences and one change, from the signed token in their unsubscribe link.
- ``POST /api/unsubscribe/{token}``: the unsubscribe, for a client that wants JSON back.

Why the token routes take no API key and no CSRF token: the signed token is the credential (it
names one person, purpose and channel, and cannot be forged or widened), exactly as for the
one-click unsubscribe and the preferences page. CSRF guards what a browser's cookies allow, and
these routes use no cookie; they read JSON only (a cross-site form cannot send
``application/json`` without a preflight, which this app never grants).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from steward.consent.events import ConsentEventKind
from steward.consent.preferences import Preference
from steward.consent.state import ConsentState, ConsentStatus
from steward.services.api_keys import ApiKey, authenticate
from steward.services.consent_api import ReportedEvent, record_reported_event
from steward.services.marketing_links import LinkScope, unsubscribe_by_link
from steward.services.preferences import (
    PreferencePage,
    change_preference,
    preference_page,
)
from steward.web.problems import Unauthorised
from steward.web.wiring import wiring_of

_bearer = HTTPBearer(auto_error=False, description="An API key made by `steward api-key create`")


class Problem(BaseModel):
    """An RFC 9457 problem document (served as application/problem+json)."""

    type: str
    title: str
    status: int
    instance: str
    detail: str | None = None
    where: str | None = None
    hint: str | None = None


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"model": Problem, "content": {"application/problem+json": {}}}
        for status in statuses
    }


class ConsentEventIn(BaseModel):
    """A consent event another system reports (docs/consent.md, "Events")."""

    model_config = ConfigDict(extra="forbid")

    event_id: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str | None, Field(max_length=320)] = None
    phone: Annotated[str | None, Field(max_length=40)] = None
    kind: ConsentEventKind
    purpose: Annotated[str, Field(min_length=1, max_length=100)]
    channel: Annotated[str, Field(min_length=1, max_length=32)]
    source: Annotated[str, Field(min_length=1, max_length=200)]
    wording: Annotated[str, Field(max_length=5000)] = ""
    wording_version: Annotated[str, Field(max_length=50)] = ""
    occurred_at: dt.datetime = Field(description="When it happened, with its time zone")
    evidence: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    opted_in: bool | None = None


class ConsentEventOut(BaseModel):
    event_id: str
    sequence: int
    received_at: dt.datetime
    replayed: bool = Field(description="True: this event_id was recorded before, nothing new")
    state_changed: bool
    status: ConsentStatus = Field(description="The status in force for the purpose and channel")


class LinkOut(BaseModel):
    purpose: str
    purpose_name: str
    channel: str
    channel_name: str


class StateOut(BaseModel):
    purpose: str
    channel: str
    status: ConsentStatus
    since: dt.datetime


class PreferenceOut(BaseModel):
    purpose: str
    purpose_name: str
    channel: str
    channel_name: str
    status: ConsentStatus | None = Field(description="null: nothing recorded")
    since: dt.datetime | None
    stopped_by: StateOut | None = Field(
        description="A refusal recorded for another purpose or channel that stops this too"
    )
    can_stop: bool
    can_give: bool
    give_blocked: str | None = Field(description="Why agreeing is not offered here")
    wording: str | None = Field(description="The words a person agrees to (show them)")
    wording_version: str | None = Field(description="Send it back when the person agrees")


class PreferencesOut(BaseModel):
    link: LinkOut
    objection: StateOut | None = Field(description="An objection to all direct marketing")
    preferences: list[PreferenceOut]


class PreferenceChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Annotated[str, Field(min_length=1, max_length=100)]
    channel: Annotated[str, Field(min_length=1, max_length=32)]
    opt_in: bool = Field(description="true: agree; false: stop")
    wording_version: Annotated[str | None, Field(max_length=50)] = Field(
        default=None, description="Required to agree: the version of the wording shown"
    )


class PreferenceChangeOut(BaseModel):
    recorded: bool = Field(description="false: the preference already said so")
    preference: PreferenceOut
    preferences: PreferencesOut


class UnsubscribeOut(BaseModel):
    recorded: bool = Field(description="false: already unsubscribed (or objected, withdrawn)")
    link: LinkOut
    kind: ConsentEventKind
    in_force_since: dt.datetime


def _link(scope: LinkScope) -> LinkOut:
    return LinkOut(
        purpose=scope.purpose,
        purpose_name=scope.purpose_name,
        channel=scope.channel,
        channel_name=scope.channel_name,
    )


def _state(state: ConsentState | None) -> StateOut | None:
    if state is None:
        return None
    return StateOut(
        purpose=state.purpose, channel=state.channel, status=state.status, since=state.occurred_at
    )


def _preference(row: Preference) -> PreferenceOut:
    can_give = row.can_give
    return PreferenceOut(
        purpose=row.purpose,
        purpose_name=row.offer.name,
        channel=row.channel,
        channel_name=row.channel_name,
        status=row.status,
        since=row.since,
        stopped_by=_state(row.stopped_by),
        can_stop=row.can_stop,
        can_give=can_give,
        give_blocked=row.give_blocked,
        wording=row.offer.wording if can_give else None,
        wording_version=row.offer.wording_version if can_give else None,
    )


def _page(page: PreferencePage) -> PreferencesOut:
    return PreferencesOut(
        link=_link(page.link),
        objection=_state(page.objection),
        preferences=[_preference(row) for row in page.rows],
    )


def api_client(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    """The API key presented (``Authorization: Bearer``); 401 when missing, unknown or revoked."""
    wiring = wiring_of(request)
    found = None
    if credentials is not None:
        with wiring.store.unit_of_work(actor="api", reads_only=True) as uow:
            found = authenticate(uow, credentials.credentials)
    if found is None:
        raise Unauthorised(
            "this needs a valid API key",
            where="Authorization",
            hint="send 'Authorization: Bearer <key>' with a key made by `steward api-key "
            "create NAME` (docs/web.md)",
        )
    return found


def router() -> APIRouter:
    routes = APIRouter(prefix="/api")

    @routes.post(
        "/consent/events",
        tags=["consent"],
        responses=_problems(401, 409, 422, 503),
    )
    def record_event(
        request: Request, body: ConsentEventIn, client: Annotated[ApiKey, Depends(api_client)]
    ) -> ConsentEventOut:
        """Record a consent event for the person an email or phone names (added if new).

        Idempotent on ``event_id``: the same event again returns the first result with
        ``replayed`` true; the same id with other content is refused (409).
        """
        wiring = wiring_of(request)
        reported = ReportedEvent(
            event_id=body.event_id,
            kind=body.kind,
            purpose=body.purpose,
            channel=body.channel,
            source=body.source,
            occurred_at=body.occurred_at,
            email=body.email,
            phone=body.phone,
            wording=body.wording,
            wording_version=body.wording_version,
            evidence=body.evidence,
            opted_in=body.opted_in,
        )
        with wiring.store.unit_of_work(actor=f"api:{client.name}") as uow:
            result = record_reported_event(
                uow, reported, purposes=wiring.purposes, client=client.name
            )
            uow.commit()
        return ConsentEventOut(
            event_id=result.event_id,
            sequence=result.sequence,
            received_at=result.received_at,
            replayed=result.replayed,
            state_changed=result.state_changed,
            status=result.status,
        )

    @routes.get("/preferences/{token}", tags=["preferences"], responses=_problems(404))
    def get_preferences(request: Request, token: str) -> PreferencesOut:
        """Each marketing purpose × channel and the person's state, from their link's token."""
        wiring = wiring_of(request)
        with wiring.store.unit_of_work(actor="api:preferences", reads_only=True) as uow:
            page = preference_page(uow, token, wiring.manifest, wiring.clock())
        return _page(page)

    @routes.post("/preferences/{token}", tags=["preferences"], responses=_problems(404, 422))
    def post_preference(
        request: Request, token: str, body: PreferenceChangeIn
    ) -> PreferenceChangeOut:
        """Stop (``opt_in`` false) or agree to one purpose on one channel. Agreeing needs the
        ``wording_version`` of the words shown to the person (from GET)."""
        wiring = wiring_of(request)
        with wiring.store.unit_of_work(actor="api:preferences") as uow:
            update = change_preference(
                uow,
                token,
                wiring.manifest,
                purpose=body.purpose,
                channel=body.channel,
                opt_in=body.opt_in,
                now=wiring.clock(),
                shown_version=body.wording_version if body.opt_in else None,
                via="api",
            )
            uow.commit()
        change = update.changes[0]
        return PreferenceChangeOut(
            recorded=change.recorded,
            preference=_preference(change.row),
            preferences=_page(update.page),
        )

    @routes.post("/unsubscribe/{token}", tags=["unsubscribe"], responses=_problems(404))
    def api_unsubscribe(request: Request, token: str) -> UnsubscribeOut:
        """Unsubscribe the token's person from its purpose on its channel; idempotent."""
        wiring = wiring_of(request)
        with wiring.store.unit_of_work(actor="api:unsubscribe") as uow:
            done = unsubscribe_by_link(uow, token, wiring.manifest, wiring.clock())
            uow.commit()
        return UnsubscribeOut(
            recorded=done.outcome.recorded,
            link=_link(done.scope),
            kind=done.outcome.kind,
            in_force_since=done.outcome.in_force_since,
        )

    return routes

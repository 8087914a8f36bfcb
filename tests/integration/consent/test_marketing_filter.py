"""`marketing filter` on SQLite and PostgreSQL: who may be sent a campaign, and for everyone
else the law.pecr reason (RULES.md R2.2-R2.6, R2.10), from one set-based lookup."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from steward.consent import ledger, marketing_filter
from steward.consent.events import ConsentEvent, ConsentEventKind
from steward.consent.marketing_facts import soft_opt_in_evidence
from steward.consent.marketing_filter import Campaign, FilterSummary, filter_list
from steward.consent.purposes import DeclaredPurpose, PurposeCatalogue
from steward.consent.unsubscribe import issue_token, record_email_unsubscribe, unsubscribe
from steward.errors import InvalidInput
from steward.law.pecr import Channel, DetailsSource, ListSource, MarketingDecision
from steward.store.database import Store
from tests.integration.conftest import ManualClock

ON = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
JAN = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> ManualClock:
    """The ledger is read after every event in it happened (none is received before it
    occurred), and the campaign is judged for ``ON``, earlier than some of them."""
    return ManualClock(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))


PURPOSES = PurposeCatalogue((DeclaredPurpose("newsletter", "News", frozenset({Channel.email})),))


def given(
    email: str,
    purpose: str = "newsletter",
    channel: str = "email",
    kind: ConsentEventKind = ConsentEventKind.GIVEN,
    at: dt.datetime = JAN,
    evidence: dict[str, Any] | None = None,
) -> Any:
    def apply(uow: Any) -> None:
        person = ledger.ensure_person(uow, email=email)
        refusal = kind in (
            ConsentEventKind.WITHDRAWN,
            ConsentEventKind.OBJECTED,
            ConsentEventKind.UNSUBSCRIBED,
        )
        ledger.record(
            uow,
            ConsentEvent(
                event_id=f"{email}-{purpose}-{channel}-{kind.value}",
                person=person,
                kind=kind,
                purpose=purpose,
                channel=channel,
                source="test",
                wording="" if refusal else "Marketing from Outserve",
                wording_version="" if refusal else "v1",
                occurred_at=at,
                evidence=evidence or {},
            ),
        )

    return apply


def soft_opt_in(email: str, obtained_from: ListSource) -> Any:
    return given(
        email,
        kind=ConsentEventKind.SOFT_OPT_IN_ESTABLISHED,
        evidence=dict(
            soft_opt_in_evidence(
                relationship=DetailsSource.sale,
                obtained_from=obtained_from,
                opt_out_at_collection=True,
            )
        ),
    )


def one_click(email: str) -> Any:
    def apply(uow: Any) -> None:
        person = ledger.find_person(uow, email=email)
        assert person is not None
        unsubscribe(uow, issue_token(uow, person, "newsletter", "email", purposes=PURPOSES), NOW)

    return apply


def staff_objection(email: str) -> Any:
    def apply(uow: Any) -> None:
        record_email_unsubscribe(uow, email, received=dt.date(2026, 11, 1), now=NOW)

    return apply


LEDGER = [
    given("ann@example.org"),
    soft_opt_in("bob@example.org", ListSource.directly),
    given("cat@example.org"),
    given("cat@example.org", kind=ConsentEventKind.WITHDRAWN, at=JAN + dt.timedelta(days=30)),
    given("dan@example.org"),
    one_click("dan@example.org"),
    given("eve@example.org"),
    given("eve@example.org", purpose="offers", channel="sms", kind=ConsentEventKind.OBJECTED),
    given("hal@example.org"),
    given("hal@example.org", purpose="offers", kind=ConsentEventKind.UNSUBSCRIBED),
    soft_opt_in("ivy@example.org", ListSource.partner),
    given("joe@example.org"),
    staff_objection("joe@example.org"),
    given("kim@example.org", at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)),
]
LIST = [
    ("email", "legal_form", "first_name"),
    ("ann@example.org", "", "Ann"),
    ("bob@example.org", "sole_trader", "Bob"),
    ("cat@example.org", "", "Cat"),
    ("dan@example.org", "", "Dan"),
    ("eve@example.org", "", "Eve"),
    ("fay@acme.example", "company", "Fay"),
    ("gus@example.org", "", "Gus"),
    ("Ann@Example.org", "", "Ann again"),
    ("not-an-address", "", "Nobody"),
    ("hal@example.org", "", "Hal"),
    ("ivy@example.org", "", "Ivy"),
    ("joe@example.org", "", "Joe"),
    ("kim@example.org", "", "Kim"),
    ("lea@example.org", "trust fund", "Lea"),
]
EXPECTED = {  # first name -> route; allowed routes are consent, soft_opt_in, corporate_subscriber
    "Ann": "consent",
    "Bob": "no_basis",
    "Cat": "no_basis",
    "Dan": "objection",
    "Eve": "objection",
    "Fay": "corporate_subscriber",
    "Gus": "no_basis",
    "Ann again": "duplicate",
    "Nobody": "invalid_address",
    "Hal": "consent",
    "Ivy": "no_basis",
    "Joe": "objection",
    "Kim": "no_basis",
    "Lea": "invalid_legal_form",
}
ALLOWED_ROUTES = {"consent", "soft_opt_in", "corporate_subscriber"}


def seed(store: Store) -> None:
    with store.unit_of_work(actor="test") as uow:
        for step in LEDGER:
            step(uow)
        uow.commit()


def write_list(tmp_path: Path, rows: list[tuple[str, ...]]) -> Path:
    path = tmp_path / "list.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(
    store: Store, tmp_path: Path, *, similar: bool = False, rows: list[tuple[str, ...]] = LIST
) -> FilterSummary:
    campaign = Campaign(
        purpose="newsletter", channel=Channel.email, on=ON, own_similar_products=similar
    )
    with store.unit_of_work(actor="test") as uow:
        return filter_list(uow, write_list(tmp_path, rows), tmp_path / "out", campaign)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def routes(summary: FilterSummary) -> dict[str, str]:
    rows = read(summary.allowed_file) + read(summary.excluded_file)
    return {row["first_name"]: row["route"] for row in rows}


def test_every_address_lands_in_allowed_or_excluded_with_the_law_route(
    store: Store, tmp_path: Path
) -> None:
    seed(store)
    summary = run(store, tmp_path)
    assert routes(summary) == EXPECTED
    assert {row["route"] for row in read(summary.allowed_file)} <= ALLOWED_ROUTES
    assert (summary.read, summary.allowed) == (14, 3)


def test_excluded_rows_carry_line_reason_and_citation(store: Store, tmp_path: Path) -> None:
    seed(store)
    excluded = {row["first_name"]: row for row in read(run(store, tmp_path).excluded_file)}
    assert excluded["Dan"]["line"] == "5"
    assert excluded["Dan"]["reason"] == "the recipient objected or unsubscribed on 2026-11-26"
    assert excluded["Dan"]["citation"] == "UK GDPR Art 21(2)-(3)"
    assert "withdrawn on 2026-02-09" in excluded["Cat"]["reason"]
    assert excluded["Ann again"]["reason"] == "the same address as line 2"
    assert "PECR reg 22" in excluded["Gus"]["citation"]


def test_soft_opt_in_needs_a_campaign_for_own_similar_products(
    store: Store, tmp_path: Path
) -> None:
    seed(store)
    assert routes(run(store, tmp_path, similar=True))["Bob"] == "soft_opt_in"
    assert (
        "similar products"
        in {row["first_name"]: row for row in read(run(store, tmp_path).excluded_file)}["Bob"][
            "reason"
        ]
    )


def test_details_from_a_partner_never_give_a_soft_opt_in(store: Store, tmp_path: Path) -> None:
    seed(store)
    excluded = {
        row["first_name"]: row for row in read(run(store, tmp_path, similar=True).excluded_file)
    }
    assert "not obtained by the sender" in excluded["Ivy"]["reason"]


def test_allowed_rows_keep_the_list_columns(store: Store, tmp_path: Path) -> None:
    seed(store)
    (ann, *_) = read(run(store, tmp_path).allowed_file)
    assert ann == {
        "email": "ann@example.org",
        "legal_form": "",
        "first_name": "Ann",
        "route": "consent",
    }


def test_the_lookup_is_set_based_not_one_query_per_address(store: Store, tmp_path: Path) -> None:
    seed(store)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    small = LIST[:3]
    run(store, tmp_path, rows=small)
    few = len(statements)
    statements.clear()
    run(store, tmp_path, rows=[LIST[0]] + [(f"p{i}@example.org", "", "P") for i in range(1500)])
    assert len(statements) == few


def test_the_law_is_asked_once_per_distinct_situation(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(store)
    law = marketing_filter.may_send
    asked: list[str] = []

    def may_send(*args: Any, **kwargs: Any) -> MarketingDecision:
        decision = law(*args, **kwargs)
        asked.append(decision.route.value)
        return decision

    monkeypatch.setattr(marketing_filter, "may_send", may_send)
    unknown = [(f"p{i}@example.org", "", "P") for i in range(50)]
    summary = run(store, tmp_path, rows=[LIST[0], LIST[1], *unknown, ("hal@example.org", "", "")])
    assert (summary.read, summary.allowed) == (52, 2)
    assert asked == ["consent", "no_basis"]  # Ann and Hal share one situation


def test_a_list_without_an_email_column_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no email column"):
        run(store, tmp_path, rows=[("address",), ("ann@example.org",)])

"""`marketing filter` on SQLite and PostgreSQL: who may be sent a campaign, and for everyone
else the law.pecr reason (RULES.md R2.2-R2.6, R2.10), from one set-based lookup."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef
from steward.consent.marketing_facts import soft_opt_in_evidence
from steward.consent.purposes import DeclaredPurpose, PurposeCatalogue
from steward.consent.unsubscribe_headers import UnsubscribeEndpoints
from steward.errors import InvalidInput
from steward.files import atomic_outputs, open_regular_file
from steward.law.pecr import Channel, DetailsSource, ListSource, MarketingDecision
from steward.services import marketing_filter
from steward.services.marketing_filter import (
    ALLOWED_FILE,
    EXCLUDED_FILE,
    Campaign,
    CampaignList,
    FilterOutputs,
    FilterSummary,
    UnsubscribeLinks,
    filter_list,
)
from steward.services.unsubscribe import (
    issue_token,
    record_email_unsubscribe,
    signer_for,
    unsubscribe,
)
from steward.store import ledger
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


@dataclass(frozen=True)
class Filtered:
    summary: FilterSummary
    allowed_file: Path
    excluded_file: Path

    @property
    def read(self) -> int:
        return self.summary.read

    @property
    def allowed(self) -> int:
        return self.summary.allowed


def run(
    store: Store, tmp_path: Path, *, similar: bool = False, rows: list[tuple[str, ...]] = LIST
) -> Filtered:
    """As the command runs it: the list file opened, the outputs written atomically."""
    campaign = Campaign(
        purpose="newsletter", channel=Channel.email, on=ON, own_similar_products=similar
    )
    source, out = write_list(tmp_path, rows), tmp_path / "out"
    with (
        open_regular_file(source, what="the list") as listing,
        store.unit_of_work(actor="test", reads_only=True, temporary_tables=True) as uow,
        atomic_outputs(out, (ALLOWED_FILE, EXCLUDED_FILE), inputs=(source,)) as (allowed, excluded),
    ):
        summary = filter_list(
            uow, CampaignList(listing, str(source)), FilterOutputs(allowed, excluded), campaign
        )
    return Filtered(summary, out / ALLOWED_FILE, out / EXCLUDED_FILE)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def routes(summary: Filtered) -> dict[str, str]:
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


ENDPOINTS = UnsubscribeEndpoints(
    base_url="https://privacy.outserve.example", mailbox="unsubscribe@outserve.example"
)


def run_streams(
    store: Store, data: bytes, *, links: bool = False
) -> tuple[FilterSummary, str, str]:
    """The service alone, on streams: no file is opened or written."""
    campaign = Campaign(purpose="newsletter", channel=Channel.email, on=ON)
    allowed, excluded = io.StringIO(newline=""), io.StringIO(newline="")

    def register(address: str) -> PersonRef:
        with store.unit_of_work(actor="test") as uow:
            person = ledger.ensure_person(uow, email=address)
            uow.commit()
        return person

    with store.unit_of_work(actor="test", reads_only=True, temporary_tables=True) as uow:
        summary = filter_list(
            uow,
            CampaignList(io.BytesIO(data), "list.csv"),
            FilterOutputs(allowed, excluded),
            campaign,
            links=UnsubscribeLinks(ENDPOINTS, register) if links else None,
        )
    return summary, allowed.getvalue(), excluded.getvalue()


def token_of(header: str) -> str:
    return header.split(">", 1)[0].removeprefix("<https://privacy.outserve.example/u/")


def test_allowed_rows_carry_each_recipient_s_unsubscribe_headers(committed_store: Store) -> None:
    store = committed_store
    seed(store)
    data = (
        b"email,legal_form\r\nann@example.org,\r\ngus@example.org,\r\nfay@acme.example,company\r\n"
    )
    summary, allowed, excluded = run_streams(store, data, links=True)
    rows = list(csv.DictReader(io.StringIO(allowed)))
    assert [row["email"] for row in rows] == ["ann@example.org", "fay@acme.example"]
    assert "List-Unsubscribe" not in excluded
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        signer = signer_for(uow.keys)
        for row in rows:
            header = row["List-Unsubscribe"]
            assert (
                header.endswith(">") and "<mailto:unsubscribe@outserve.example?subject=" in header
            )
            assert row["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            scope = signer.verify(token_of(header))
            assert scope.person_ref == ledger.find_person(uow, email=row["email"])
            assert (scope.purpose, scope.channel) == ("newsletter", "email")
    assert summary.registered == 1  # the corporate subscriber the ledger did not know


def test_an_unsubscribe_through_the_filter_s_link_takes_the_row_out_of_the_next_run(
    store: Store,
) -> None:
    seed(store)
    data = b"email\r\nann@example.org\r\n"
    _, allowed, _ = run_streams(store, data, links=True)
    (row,) = csv.DictReader(io.StringIO(allowed))
    with store.unit_of_work(actor="test") as uow:
        unsubscribe(uow, token_of(row["List-Unsubscribe"]), NOW)
        uow.commit()
    summary, _, excluded = run_streams(store, data)
    assert (summary.allowed, summary.routes) == (0, (("objection", 1),))
    assert "ann@example.org" in excluded


def test_without_links_the_allowed_columns_stay_as_they_were(store: Store) -> None:
    seed(store)
    _, allowed, _ = run_streams(store, b"email\r\nann@example.org\r\n")
    assert allowed == "email,route\r\nann@example.org,consent\r\n"


def test_a_formula_in_the_list_is_written_as_text(store: Store) -> None:
    seed(store)
    data = b'email,first_name\r\nann@example.org,=HYPERLINK("http://x")\r\n=1+1@x.example,-\r\n'
    _, allowed, excluded = run_streams(store, data)
    assert allowed.splitlines()[1] == 'ann@example.org,"\'=HYPERLINK(""http://x"")",consent'
    assert "3,'=1+1@x.example,-,no_basis" in excluded


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        (
            b'email\r\nann@example.org\r\n"bob@example.org\r\ncat@example.org\r\n',
            "3",
            "never closed",
        ),
        (b"email\r\nann@example.org\r\nb\xf6b@example.org\r\n", "3", "not UTF-8"),
        (b"email,note\r\nann@example.org," + b"x" * 1_000_000 + b"\r\n", "2", "longer than"),
    ],
)
def test_an_unreadable_list_is_refused_with_its_line_before_any_row_is_written(
    store: Store, data: bytes, where: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as raised:
        run_streams(store, data)
    assert raised.value.where == f"list.csv:{where}"

"""Importing a marketing list into the ledger on SQLite and PostgreSQL: all or nothing unless
bad rows are skipped, re-importing records nothing new (RULES.md R2.3), and the batches write
exactly what one ``ledger.record`` per row would (issue 9 items 2 and 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from steward.consent.imports import ListContext, ListEntry, MissingProvenance, read_list
from steward.consent.purposes import DeclaredPurpose, PurposeCatalogue
from steward.consent.state import ConsentStatus
from steward.errors import InvalidInput
from steward.law.pecr import Channel
from steward.services.list_import import ImportReport, ListRefused, event_for, import_list
from steward.services.unsubscribe import record_email_unsubscribe
from steward.store import ledger
from steward.store.audit import verify_chain
from steward.store.database import Store
from steward.store.pacing import BatchPacer
from steward.store.tables import audit_events, consent_events, people

HEADER = (
    "email,source,obtained_from,obtained_on,basis,legal_form,"
    "consent_wording,consent_version,consent_where,consent_at,consent_names_us,"
    "relationship,relationship_date,relationship_ref,opt_out_at_collection"
)
CONSENT = (
    "ann@example.org,newsletter form,directly,2026-01-10,consent,individual,"
    "Send me Outserve news,v3,https://outserve.example/signup,2026-01-10T09:30,yes,,,,"
)
SOFT = (
    "bob@example.org,shop checkout,directly,2025-06-01,soft_opt_in,sole_trader,"
    ",,,,,sale,2025-06-01,ORD-1001,yes"
)
BOUGHT = (
    "cat@example.org,list broker,bought_list,2026-02-01,consent,individual,"
    "Offers from partners,v1,https://broker.example,2026-02-01,no,,,,"
)
CONTEXT = ListContext(
    file="list.csv", purpose="newsletter", channel=Channel.email, today=dt.date(2026, 11, 26)
)


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "list.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run(store: Store, path: Path, *, skip_invalid: bool = False) -> ImportReport:
    return import_list(store, path, CONTEXT, actor="staff:7", skip_invalid=skip_invalid)


def rows_in(store: Store, table: object) -> int:
    with store.unit_of_work(actor="test") as uow:
        return int(
            uow.connection.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[arg-type]
        )


def status_of(store: Store, email: str) -> ConsentStatus | None:
    with store.unit_of_work(actor="test") as uow:
        person = ledger.find_person(uow, email=email)
        assert person is not None
        state = ledger.current_state(uow, person, "newsletter", "email")
    return None if state is None else state.status


def test_a_good_list_records_consent_and_soft_opt_in(store: Store, tmp_path: Path) -> None:
    report = run(store, write(tmp_path, CONSENT, SOFT))
    assert (report.recorded, report.skipped) == (2, 0)
    assert status_of(store, "ann@example.org") is ConsentStatus.GIVEN
    assert status_of(store, "bob@example.org") is ConsentStatus.SOFT_OPT_IN


def test_importing_the_same_list_again_records_nothing_new(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, CONSENT, SOFT)
    run(store, path)
    again = run(store, path)
    assert (again.recorded, again.already_recorded) == (0, 2)
    assert rows_in(store, consent_events) == 2


def test_a_list_with_a_bad_row_imports_nothing(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ListRefused) as refused:
        run(store, write(tmp_path, CONSENT, BOUGHT, SOFT))
    assert refused.value.count == 1
    assert "line 3, obtained_from" in str(refused.value)
    assert "--skip-invalid" in str(refused.value)
    assert rows_in(store, people) == 0


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(
    store: Store, tmp_path: Path
) -> None:
    report = run(store, write(tmp_path, CONSENT, BOUGHT, SOFT), skip_invalid=True)
    assert (report.recorded, report.skipped) == (2, 1)
    assert [problem.line for problem in report.problems] == [3]


def test_a_list_without_provenance_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("email\nann@example.org\n", encoding="utf-8")
    with pytest.raises(MissingProvenance, match="never use bought lists"):
        run(store, path)
    assert rows_in(store, people) == 0


def test_import_evidence_never_holds_the_address(store: Store, tmp_path: Path) -> None:
    run(store, write(tmp_path, CONSENT, SOFT))
    with store.unit_of_work(actor="test") as uow:
        evidence = [row[0] for row in uow.connection.execute(select(consent_events.c.evidence))]
    assert evidence and not any("@" in text for text in evidence)


def test_a_list_of_addresses_is_imported_for_email_only(store: Store, tmp_path: Path) -> None:
    sms = ListContext(
        file="list.csv", purpose="newsletter", channel=Channel.sms, today=dt.date(2026, 11, 26)
    )
    with pytest.raises(InvalidInput, match="email"):
        import_list(store, write(tmp_path, CONSENT), sms, actor="staff:7")


def test_each_batch_is_its_own_transaction_and_every_row_is_recorded(
    store: Store, tmp_path: Path
) -> None:
    rows = [CONSENT.replace("ann@", f"ann{n}@") for n in range(7)]
    report = import_list(
        store,
        write(tmp_path, *rows),
        CONTEXT,
        actor="staff:7",
        pacer=BatchPacer(start=2, floor=2, ceiling=2),
    )
    assert (report.recorded, report.people_created, report.batches) == (7, 7, 4)
    assert rows_in(store, consent_events) == 7


def test_after_an_import_the_audit_chain_verifies_with_a_link_per_person_and_event(
    store: Store, tmp_path: Path
) -> None:
    run(store, write(tmp_path, CONSENT, SOFT))
    with store.unit_of_work(actor="test") as uow:
        report = verify_chain(uow)
        actions = list(
            uow.connection.execute(select(audit_events.c.action).order_by(audit_events.c.sequence))
        )
    assert report.intact and report.length == 4
    assert [row[0] for row in actions] == [
        "person.created",
        "consent.given",
        "person.created",
        "consent.soft_opt_in_established",
    ]


def test_an_imported_event_is_stored_as_record_would_store_it(store: Store, tmp_path: Path) -> None:
    run(store, write(tmp_path, CONSENT))
    with store.unit_of_work(actor="test") as uow:
        person = ledger.find_person(uow, email="ann@example.org")
        assert person is not None
        row = uow.connection.execute(select(consent_events)).one()
        event = event_for(next(iter(_entries(tmp_path))), person, CONTEXT)
        replay = ledger.record(uow, event)
    assert replay.replayed and replay.event_id == row.event_id
    assert row.content_digest == event.content_digest()


def test_an_address_listed_twice_is_one_person_whose_latest_row_decides(
    store: Store, tmp_path: Path
) -> None:
    later = CONSENT.replace("2026-01-10T09:30", "2026-02-01T09:30").replace(",v3,", ",v4,")
    report = run(store, write(tmp_path, later, CONSENT))
    assert (report.recorded, report.people_created) == (2, 1)
    with store.unit_of_work(actor="test") as uow:
        person = ledger.find_person(uow, email="ann@example.org")
        assert person is not None
        state = ledger.current_state(uow, person, "newsletter", "email")
    assert state is not None and state.wording_version == "v4"


def test_an_unsubscribe_recorded_before_the_import_still_wins(store: Store, tmp_path: Path) -> None:
    with store.unit_of_work(actor="staff:7") as uow:
        record_email_unsubscribe(
            uow,
            "ann@example.org",
            received=dt.date(2026, 11, 1),
            now=dt.datetime(2026, 11, 26, tzinfo=dt.UTC),
            purpose="newsletter",
            purposes=PurposeCatalogue(
                (DeclaredPurpose("newsletter", "News", frozenset({Channel.email})),)
            ),
        )
        uow.commit()
    report = run(store, write(tmp_path, CONSENT))
    assert (report.recorded, report.people_created) == (1, 0)
    assert status_of(store, "ann@example.org") is ConsentStatus.UNSUBSCRIBED


def _entries(tmp_path: Path) -> list[ListEntry]:
    with (tmp_path / "list.csv").open(newline="", encoding="utf-8") as handle:
        return [item for item in read_list(handle, CONTEXT) if isinstance(item, ListEntry)]


def test_a_list_that_is_not_utf8_is_refused_at_its_line_and_nothing_is_recorded(
    store: Store, tmp_path: Path
) -> None:
    path = write(tmp_path, CONSENT)
    path.write_bytes(path.read_bytes() + b"caf\xe9@example.org,shop\n")
    with pytest.raises(InvalidInput) as refused:
        run(store, path)
    assert refused.value.where == f"{path}:3"
    assert "not UTF-8" in refused.value.message
    assert rows_in(store, consent_events) == 0

"""Importing a marketing list into the ledger on SQLite and PostgreSQL: all or nothing unless
bad rows are skipped, and re-importing records nothing new (RULES.md R2.3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from steward.consent import ledger
from steward.consent.imports import ListContext, MissingProvenance
from steward.consent.imports_service import ImportReport, ListRefused, import_list
from steward.consent.state import ConsentStatus
from steward.errors import InvalidInput
from steward.law.pecr import Channel
from steward.store.database import Store
from steward.store.tables import consent_events, people

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

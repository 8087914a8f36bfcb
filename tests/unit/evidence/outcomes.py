"""Request outcomes for evidence tests: fixed dates, plausible digests, no real person."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime

from steward.requests.kinds import RequestKind
from steward.requests.outcome import RequestOutcome, SearchScope, StepAction, StepEvidence

FINISHED = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def step(
    system: str,
    collection: str,
    action: StepAction,
    records: int,
    affected: int = 0,
    **more: object,
) -> StepEvidence:
    return StepEvidence(
        system=system,
        collection=collection,
        action=action,
        records=records,
        affected=affected,
        digest=digest(f"{system}/{collection}/{action}"),
        finished_at=FINISHED,
        **more,  # type: ignore[arg-type]
    )


def erasure_outcome() -> RequestOutcome:
    return RequestOutcome(
        request_id="REQ-2026-0042",
        kind=RequestKind.erasure,
        received=date(2026, 11, 2),
        due=date(2026, 12, 2),
        finished_at=FINISHED,
        scope=SearchScope(
            systems=("crm", "billing"),
            identity_kinds=("email",),
            earliest=None,
            latest=None,
            run_by="staff:priya@outserve.example",
            run_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        ),
        steps=(
            step("crm", "customers", StepAction.search, 2),
            step("crm", "customers", StepAction.erase, 2, 2, system_ids=("c-17", "c-18")),
            step("billing", "invoices", StepAction.search, 5),
            step(
                "billing",
                "invoices",
                StepAction.keep,
                5,
                kept_because=("Tax records are kept six years (HMRC)",),
            ),
        ),
    )


def access_outcome() -> RequestOutcome:
    base = erasure_outcome()
    return replace(
        base,
        kind=RequestKind.access,
        steps=(
            step("crm", "customers", StepAction.search, 2),
            step("crm", "customers", StepAction.export, 2),
            step("billing", "invoices", StepAction.search, 1),
            step("billing", "invoices", StepAction.export, 1),
        ),
    )

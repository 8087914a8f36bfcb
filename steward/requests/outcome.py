"""What answering a request did, per system: the facts a certificate signs and a package shows.

Built by the engine from its recorded steps; read by ``steward.evidence`` (the signed
certificate) and the response package. Plain values only, so both can be tested without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from steward.connectors.protocol import Record
from steward.requests.kinds import RequestKind


class StepAction(StrEnum):
    search = "search"
    export = "export"  # read for an access or portability response
    rectify = "rectify"
    erase = "erase"
    restrict = "restrict"
    keep = "keep"  # held: restricted instead of erased, with the hold's reason
    notify = "notify"  # a recipient told of a rectification, erasure or restriction (Art 19)
    manual = "manual"  # no connector can do it: a task for staff, with its outcome recorded


@dataclass(frozen=True)
class StepEvidence:
    system: str
    collection: str
    action: StepAction
    records: int  # records the step covered
    affected: int  # records the system reported changed
    digest: str  # SHA-256 (hex) of the canonical JSON of what was exported, or of the keys acted on
    finished_at: datetime
    system_ids: tuple[str, ...] = ()  # ids the system's API gave back
    kept_because: tuple[str, ...] = ()  # hold reasons, for action keep
    note: str = ""


@dataclass(frozen=True)
class SearchScope:
    """The reasonable-and-proportionate search record (ICO right of access guidance)."""

    systems: tuple[str, ...]
    identity_kinds: tuple[str, ...]
    earliest: date | None
    latest: date | None
    run_by: str
    run_at: datetime


@dataclass(frozen=True)
class RequestOutcome:
    request_id: str
    kind: RequestKind
    received: date
    due: date
    finished_at: datetime
    scope: SearchScope
    steps: tuple[StepEvidence, ...]
    unreachable: tuple[str, ...] = ()  # systems that could not be reached: the request stays open


ExportedRecords = Mapping[tuple[str, str], Sequence[Record]]
"""(system, collection) -> the person's records, for an access or portability package."""

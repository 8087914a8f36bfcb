"""What Steward asks Mailchimp to do to a member, and what Mailchimp answers.

Mailchimp names a member by the MD5 of the lower-cased address (its "subscriber hash"), which
is all Steward ever sends. Unsubscribing (PATCH status) keeps the member as a suppression entry
inside Mailchimp; archiving (DELETE) hides the member but keeps its history; Steward never calls
delete-permanent, which would also drop Mailchimp's record of the opt-out (RULES.md R2.7:
suppress rather than delete). Batch results arrive as a tar.gz of JSON files.
"""

from __future__ import annotations

import enum
import hashlib
import io
import json
import re
import tarfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from steward.errors import ConnectorError

_ADDRESS = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[^\s@<>\"'(),;:]+")


def subscriber_hash(email: str) -> str:
    """Mailchimp's member id: the MD5 hex digest of the lower-cased address."""
    return hashlib.md5(email.strip().lower().encode("utf-8"), usedforsecurity=False).hexdigest()


def redact_addresses(text: str) -> str:
    """Mailchimp's error details sometimes quote the address; errors must not (DESIGN.md §3)."""
    return _ADDRESS.sub("<address>", text)


class MemberChange(enum.Enum):
    """What a suppression did to one member."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"  # already in the wanted state
    ABSENT = "absent"  # not in the audience, so nothing to suppress there


# Mailchimp answers an archive (DELETE) of a member it cannot archive with 405: the member is
# already archived, has bounced (cleaned) or is still pending confirmation. The answer does not
# say which, so the member's status is read back to decide (``settled_by_status``).
CANNOT_ARCHIVE = 405
# Statuses in which nobody is mailed any more, whichever suppression was asked for.
NOT_MAILED = frozenset({"archived", "cleaned", "unsubscribed"})


def change_for_status(status_code: int) -> MemberChange | None:
    """Outcome of an unsubscribe PATCH or archive DELETE by HTTP status; None is a failure
    (a 405 needs the member's status read back first, see ``CANNOT_ARCHIVE``)."""
    if 200 <= status_code < 300:
        return MemberChange.CHANGED
    if status_code == 404:
        return MemberChange.ABSENT
    return None


def settled_by_status(status: str | None) -> MemberChange | None:
    """What a refused archive means once the member's status is known: already archived or
    cleaned is done, gone is absent; a pending member still needs unsubscribing (None)."""
    if status is None:
        return MemberChange.ABSENT
    if status in NOT_MAILED:
        return MemberChange.UNCHANGED
    return None


@dataclass(frozen=True)
class BatchOperation:
    """One call inside POST /3.0/batches; ``path`` is relative to /3.0."""

    method: str
    path: str
    operation_id: str
    body: Mapping[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "operation_id": self.operation_id,
        }
        if self.body is not None:
            data["body"] = json.dumps(self.body)
        return data


@dataclass(frozen=True)
class OperationResult:
    """One operation's answer from a finished batch; ``detail`` is redacted."""

    operation_id: str
    status_code: int
    detail: str


def member_path(list_id: str, member_id: str) -> str:
    return f"/lists/{list_id}/members/{member_id}"


def unsubscribe_operation(list_id: str, member_id: str) -> BatchOperation:
    return BatchOperation(
        "PATCH", member_path(list_id, member_id), member_id, {"status": "unsubscribed"}
    )


def archive_operation(list_id: str, member_id: str) -> BatchOperation:
    return BatchOperation("DELETE", member_path(list_id, member_id), member_id)


def read_results_archive(content: bytes) -> Iterator[OperationResult]:
    """Per-operation results: a tar.gz of JSON files, each a list of operation answers."""
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
        for entry in archive:
            if not entry.isfile() or not entry.name.endswith(".json"):
                continue
            handle = archive.extractfile(entry)
            if handle is None:
                continue
            for item in json.loads(handle.read()):
                status_code = int(item["status_code"])
                yield OperationResult(
                    operation_id=str(item["operation_id"]),
                    status_code=status_code,
                    detail=_operation_detail(status_code, item.get("response")),
                )


def _operation_detail(status_code: int, response: object) -> str:
    if status_code < 400 or not isinstance(response, str):
        return ""
    try:
        problem = json.loads(response)
    except ValueError:
        return ""
    if not isinstance(problem, dict):
        return ""
    return redact_addresses(str(problem.get("detail") or problem.get("title") or ""))


@dataclass(frozen=True)
class BatchProgress:
    """One look at a running batch, for a progress display."""

    batch_id: str
    status: str  # pending, started or finished
    finished_operations: int
    total_operations: int


@dataclass(frozen=True)
class BatchOutcome:
    batch_id: str
    results: list[OperationResult]


class BatchStillRunning(ConnectorError):
    """Mailchimp had not finished a batch within the allowed time. The batch goes on running
    there; ``batch_id`` says which one to check (GET /3.0/batches/{batch_id})."""

    def __init__(self, batch_id: str, status: str, waited: float) -> None:
        super().__init__(
            f"batch {batch_id} is still '{status}' after {waited:.0f}s",
            where=f"Mailchimp batch {batch_id}",
            hint=f"Mailchimp is busy; check the batch later (GET /3.0/batches/{batch_id}) or "
            "run the push again, which skips members already changed; the time allowed is "
            "STEWARD_MAILCHIMP_BATCH_TIMEOUT_SECONDS",
        )
        self.batch_id = batch_id

"""The certificate of a finished request: what was searched, found, exported, changed or kept.

UK GDPR Art 5(2) (accountability) and Art 12(3) (the response within the time limit): the
organisation must be able to show what it did with a request. The certificate states it per
system and collection, with counts and the SHA-256 digests the engine recorded (of what was
exported, or of the keys acted on), and is signed with the deployment's Ed25519 key, so anyone
holding the published public key can check that not a byte changed since (docs/evidence.md).

It holds no personal data: the request's reference, counts, digests and the names of systems;
never an e-mail address, a name or a record's content. The person who ran the search is given as
a digest (the audit log says who). Free text that looks like an e-mail address or a phone number
is refused rather than signed.

A request whose search could not reach every system in its scope says ``incomplete`` and lists
the systems it could not reach or has no record of searching; it never says ``complete``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

from steward.errors import InvalidInput
from steward.evidence.canonical import canonical_bytes
from steward.evidence.signing import fingerprint, public_key_pem, sign
from steward.requests.outcome import RequestOutcome, StepAction, StepEvidence

FORMAT = "steward-certificate/1"
COMPLETE = "complete"
INCOMPLETE = "incomplete"

_DIGEST = re.compile(r"[0-9a-f]{64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_PHONE_DIGITS = 10  # UK numbers have 10 or 11 digits; a date (8) or a statute year never do

# What each action adds to a collection's totals: (total's name, count records or affected).
_TOTALS: dict[StepAction, tuple[str, str]] = {
    StepAction.search: ("found", "records"),
    StepAction.export: ("exported", "records"),
    StepAction.rectify: ("rectified", "affected"),
    StepAction.erase: ("erased", "affected"),
    StepAction.restrict: ("restricted", "affected"),
    StepAction.keep: ("kept", "records"),
    StepAction.notify: ("notified", "records"),
    StepAction.manual: ("manual", "records"),
}


def certificate_document(
    outcome: RequestOutcome, *, organisation: str, signing_key: str
) -> dict[str, object]:
    """The certificate as a plain document, ready for ``canonical_bytes``.

    ``signing_key`` is the fingerprint of the key that will sign it, so a verifier told to use
    another key learns which one the organisation used.
    """
    _no_contact_details(outcome.request_id, "request_id", free_text=False)
    searched = {step.system for step in outcome.steps}
    unreachable = sorted(set(outcome.unreachable))
    not_searched = sorted(set(outcome.scope.systems) - searched - set(unreachable))
    status = INCOMPLETE if unreachable or not_searched else COMPLETE
    return {
        "format": FORMAT,
        "organisation": organisation,
        "request": {
            "reference": outcome.request_id,
            "kind": outcome.kind.value,
            "article": outcome.kind.article,
            "received": outcome.received.isoformat(),
            "due": outcome.due.isoformat(),
            "finished": _moment(outcome.finished_at, "finished_at"),
        },
        "status": status,
        "scope": _scope(outcome),
        "systems": _systems(outcome.steps),
        "unreachable": unreachable,
        "not_searched": not_searched,
        "signing_key": signing_key,
    }


def signed_certificate(outcome: RequestOutcome, *, organisation: str, private_pem: bytes) -> bytes:
    """The certificate file: JSON with ``certificate`` and ``signature`` (base64 Ed25519)."""
    key = fingerprint(public_key_pem(private_pem))
    document = certificate_document(outcome, organisation=organisation, signing_key=key)
    signature = sign(private_pem, canonical_bytes(document))
    return certificate_file(document, signature)


def certificate_file(document: dict[str, object], signature: bytes) -> bytes:
    """The file's bytes: indented for reading; the signature covers the canonical form."""
    wrapper = {"certificate": document, "signature": base64.b64encode(signature).decode("ascii")}
    return (json.dumps(wrapper, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _scope(outcome: RequestOutcome) -> dict[str, object]:
    scope = outcome.scope
    for kind in scope.identity_kinds:
        _no_contact_details(kind, "scope.identity_kinds", free_text=False)
    return {
        "systems": sorted(set(scope.systems)),
        "identity_kinds": sorted(set(scope.identity_kinds)),
        "earliest": _day(scope.earliest),
        "latest": _day(scope.latest),
        "run_by_digest": hashlib.sha256(scope.run_by.encode("utf-8")).hexdigest(),
        "run_at": _moment(scope.run_at, "scope.run_at"),
    }


def _systems(steps: Iterable[StepEvidence]) -> list[dict[str, object]]:
    grouped: dict[str, dict[str, list[StepEvidence]]] = {}
    for step in steps:
        grouped.setdefault(step.system, {}).setdefault(step.collection, []).append(step)
    return [
        {
            "system": system,
            "collections": [
                _collection(collection, grouped[system][collection])
                for collection in sorted(grouped[system])
            ],
        }
        for system in sorted(grouped)
    ]


def _collection(name: str, steps: list[StepEvidence]) -> dict[str, object]:
    totals = dict.fromkeys(sorted(total for total, _ in _TOTALS.values()), 0)
    for step in steps:
        total, counted = _TOTALS[step.action]
        totals[total] += step.records if counted == "records" else step.affected
    return {
        "collection": name,
        "totals": totals,
        "steps": [_step(step) for step in steps],
    }


def _step(step: StepEvidence) -> dict[str, object]:
    where = f"{step.system}/{step.collection} {step.action.value}"
    if not _DIGEST.fullmatch(step.digest):
        raise InvalidInput(
            f"the step's digest is not a SHA-256 in lower-case hex: {step.digest[:12]!r}…",
            where=where,
            hint="the engine records the hex digest of what it exported or acted on",
        )
    if step.records < 0 or step.affected < 0:
        raise InvalidInput("a count is negative", where=where, hint="counts start at 0")
    for reason in step.kept_because:
        _no_contact_details(reason, f"{where}: kept_because", free_text=True)
    ids = sorted(step.system_ids)
    return {
        "action": step.action.value,
        "records": step.records,
        "affected": step.affected,
        "digest": step.digest,
        "finished": _moment(step.finished_at, f"{where}: finished_at"),
        "system_ids": len(ids),
        "system_ids_digest": hashlib.sha256(canonical_bytes(ids)).hexdigest() if ids else None,
        "kept_because": list(step.kept_because),
    }


def _no_contact_details(text: str, where: str, *, free_text: bool) -> None:
    """Refuse text that would put a person's e-mail address or phone number in the signed file."""
    phone = free_text and any(
        sum(c.isdigit() for c in found.group()) >= _PHONE_DIGITS for found in _PHONE.finditer(text)
    )
    if _EMAIL.search(text) or phone:
        raise InvalidInput(
            "this text looks like an e-mail address or phone number; a certificate holds no "
            "personal data",
            where=where,
            hint="describe the reason without contact details (the request's reference is "
            "enough to find the person in Steward)",
        )


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _moment(moment: datetime, where: str) -> str:
    if moment.tzinfo is None:
        raise InvalidInput(
            "a time without a time zone cannot be certified",
            where=where,
            hint="record times in UTC (datetime with tzinfo)",
        )
    return moment.astimezone(UTC).isoformat()

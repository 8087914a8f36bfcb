"""``index.html`` of a response package: what we found, what we keep and why, and the Art 15 facts.

UK GDPR Art 15(1)(a)-(h) and 15(2): with a copy of their data a person is told the purposes, the
categories of data, the recipients, how long it is kept, their rights (rectification, erasure,
restriction, objection, complaint to the ICO), where the data came from, any automated
decisions, and the safeguards for transfers abroad. Those facts are the privacy notice's own
sections, built by ``steward.notice`` from the same manifest, so the response and the notice can
never say different things, and whatever the manifest does not declare reads "Not stated" here
as it does there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2

from steward.manifest.schema import Manifest
from steward.notice.document import NOT_STATED, Section, long_date, para, table
from steward.notice.privacy import privacy_notice
from steward.requests.outcome import RequestOutcome, StepAction

ARTICLE_15_SECTIONS = (
    "purposes",
    "personal-data",
    "sharing",
    "transfers",
    "retention",
    "rights",
    "automated-decisions",
    "complaints",
)
"""The notice's sections that answer Art 15(1)(a)-(h) and 15(2), in reading order."""

KIND_NAMES = {
    "access": "subject access",
    "portability": "data portability",
    "erasure": "erasure",
    "rectification": "rectification",
    "restriction": "restriction",
    "objection": "objection",
}


@dataclass(frozen=True)
class Holding:
    """One collection's records in the package, and the files that hold them."""

    system: str
    collection: str
    records: int
    json_name: str
    csv_name: str


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("steward.requests", "templates"),
                jinja2.PackageLoader("steward.notice", "templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_index(
    *,
    manifest: Manifest,
    outcome: RequestOutcome,
    certificate: Mapping[str, Any],
    holdings: Sequence[Holding],
) -> str:
    """The summary page; ``certificate`` (already signed) says whether the response is complete."""
    organisation = manifest.organisation.name
    missing = [*certificate.get("unreachable", []), *certificate.get("not_searched", [])]
    notice = privacy_notice(manifest)
    sections = [_purposes_found(manifest, holdings)] if holdings else []
    sections += [notice.section(section_id) for section_id in ARTICLE_15_SECTIONS]
    return (
        _environment()
        .get_template("package_index.html.j2")
        .render(
            title=f"Your personal data: response to request {outcome.request_id}",
            organisation=organisation,
            request={
                "reference": outcome.request_id,
                "kind_name": KIND_NAMES.get(outcome.kind.value, outcome.kind.value),
                "article": outcome.kind.article,
                "received": long_date(outcome.received),
                "due": long_date(outcome.due),
                "finished": long_date(outcome.finished_at.date()),
            },
            complete=certificate.get("status") == "complete" and not missing,
            missing=sorted(missing),
            holdings=holdings,
            kept=_kept(outcome),
            sections=sections,
            signing_key=str(certificate.get("signing_key", "")),
        )
    )


def _purposes_found(manifest: Manifest, holdings: Sequence[Holding]) -> Section:
    """Which declared purposes use the systems where this person's data was found."""
    found = sorted({h.system for h in holdings})
    rows = []
    for system in found:
        names = [p.name for p in manifest.purposes if system in p.systems]
        rows.append((_system_name(manifest, system), "; ".join(names) or str(NOT_STATED)))
    return Section(
        "purposes-found",
        "Why these systems hold your data",
        (
            para("The purposes, from our privacy notice, that use each system where we found data"),
            table("Purposes by system", ("System", "Purposes that use it"), rows),
        ),
    )


def _system_name(manifest: Manifest, system_id: str) -> str:
    for system in manifest.systems:
        if system.id == system_id:
            return f"{system.name} ({system_id})"
    return system_id


def _kept(outcome: RequestOutcome) -> list[dict[str, object]]:
    """Records kept (and restricted) under a hold, with the hold's reasons (Art 17(3))."""
    return [
        {
            "system": step.system,
            "collection": step.collection,
            "records": step.records,
            "reasons": step.kept_because or (str(NOT_STATED),),
        }
        for step in outcome.steps
        if step.action is StepAction.keep
    ]

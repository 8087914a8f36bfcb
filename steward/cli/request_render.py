"""How ``steward request list`` and ``show`` look: Rich tables, overdue and at-risk marked.

Only rendering: it prints what ``steward.services.requests`` returned. Identifiers are never
printed here (``show`` names which kinds of identifier a request carries, not their values).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from steward.law.deadlines import LONDON
from steward.requests.clock import AT_RISK_DAYS
from steward.services.requests import RequestLine, RequestView


def _mark(line_overdue: bool, line_at_risk: bool) -> str:
    if line_overdue:
        return "[bold red]OVERDUE[/]"
    if line_at_risk:
        return "[yellow]at risk[/]"
    return ""


def _console() -> Console:
    """Wide enough for the whole table when the output goes to a file or a pipe."""
    out = Console(highlight=False, soft_wrap=True)
    if not out.is_terminal:
        out.width = max(out.width, PIPE_WIDTH)
    return out


PIPE_WIDTH = 120


def request_table(lines: Sequence[RequestLine], console: Console | None = None) -> None:
    out = console or _console()
    if not lines:
        out.print("no requests")
        return
    table = Table(title="Data-subject requests by due date")
    for heading in ("reference", "kind", "status", "received", "due"):
        table.add_column(heading, no_wrap=True)
    table.add_column("days left", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("assigned")
    for line in lines:
        request, clock = line.request, line.clock
        table.add_row(
            request.reference,
            request.kind.value,
            request.status.value,
            request.received.isoformat(),
            clock.due.isoformat(),
            "" if request.status.finished else str(clock.days_left),
            _mark(clock.overdue, clock.at_risk),
            escape(request.assigned_to or ""),
        )
    out.print(table)
    out.print(f"at risk: open and due within {AT_RISK_DAYS} days")


def request_view(view: RequestView, console: Console | None = None) -> None:
    out = console or _console()
    request, clock = view.request, view.clock
    out.print(f"[bold]{request.reference}[/]  {request.kind.value} ({request.kind.article})")
    facts = [
        ("status", request.status.value),
        ("channel", request.channel.value),
        ("received", request.received.isoformat()),
        ("identifiers", ", ".join(view.identity_kinds)),
        ("identity", request.verified_by.value if request.verified_by else "not verified"),
        ("assigned to", request.assigned_to or "nobody"),
        ("due", f"{clock.due} {_mark(clock.overdue, clock.at_risk)}".strip()),
    ]
    if request.extension is not None:
        facts.append(
            ("extension", f"told {request.extension.told_on}: {escape(request.extension.reason)}")
        )
    if request.refusal_reason is not None:
        facts.append(("refused because", escape(request.refusal_reason)))
    if request.outcome is not None:
        facts.append(("outcome", escape(request.outcome)))
    for label, value in facts:
        out.print(f"  {label:<16}{value}")
    if not request.status.finished:
        out.print("How the due date was reached:")
        for step in view.deadline.steps:
            out.print(f"  - {escape(step)}")
    out.print("Timeline:")
    for entry in view.timeline:
        note = f": {escape(entry.note)}" if entry.note else ""
        at = entry.at.astimezone(LONDON)
        out.print(f"  {at:%Y-%m-%d %H:%M}  {escape(entry.actor)}  {entry.action}{note}")

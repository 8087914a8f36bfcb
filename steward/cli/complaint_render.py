"""How ``steward complaint list`` and ``show`` look: Rich tables, overdue and at-risk marked.

Only rendering: it prints what ``steward.services.complaints`` returned. Who complained and
what they said are printed only when asked for (``show --details``).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from steward.complaints.clock import AT_RISK_DAYS, ComplaintClock
from steward.law.deadlines import LONDON
from steward.services.complaints import ComplaintLine, ComplaintView

PIPE_WIDTH = 120


def _console() -> Console:
    """Wide enough for the whole table when the output goes to a file or a pipe."""
    out = Console(highlight=False, soft_wrap=True)
    if not out.is_terminal:
        out.width = max(out.width, PIPE_WIDTH)
    return out


def _mark(clock: ComplaintClock) -> str:
    if clock.overdue:
        return "[bold red]OVERDUE[/]"
    if clock.at_risk:
        return "[yellow]at risk[/]"
    return ""


def next_step(clock: ComplaintClock) -> str:
    """'acknowledge by 2026-12-29' (or 'outcome target ...', or 'nothing owed')."""
    step = clock.next
    if step is None:
        return "nothing owed"
    if step.step.value == "acknowledge":
        kind = "acknowledge by" if step.statutory else "acknowledge by (good practice)"
    else:
        kind = "outcome target"
    return f"{kind} {step.day}"


def complaint_table(lines: Sequence[ComplaintLine], console: Console | None = None) -> None:
    out = console or _console()
    if not lines:
        out.print("no complaints")
        return
    table = Table(title="Complaints by due date")
    for heading in ("reference", "channel", "status", "received", "next step", "due"):
        table.add_column(heading, no_wrap=True)
    table.add_column("days left", justify="right")
    table.add_column("", no_wrap=True)
    for line in lines:
        complaint, clock = line.complaint, line.clock
        step = clock.next
        table.add_row(
            complaint.reference,
            complaint.channel.value,
            complaint.status.value,
            complaint.received.isoformat(),
            "" if step is None else step.step.value,
            "" if step is None else step.day.isoformat(),
            "" if clock.days_left is None else str(clock.days_left),
            _mark(clock),
        )
    out.print(table)
    out.print(f"at risk: open and due within {AT_RISK_DAYS} days")


def complaint_view(view: ComplaintView, *, details: bool, console: Console | None = None) -> None:
    out = console or _console()
    complaint, clock = view.complaint, view.clock
    out.print(f"[bold]{complaint.reference}[/]  complaint to the controller (DPA 2018 s.164A)")
    facts = [
        ("status", complaint.status.value),
        ("channel", complaint.channel.value),
        ("received", complaint.received.isoformat()),
        ("reachable by", ", ".join(view.complainant.reachable_by)),
        ("s.164A", escape(clock.coverage.reason)),
        ("next", f"{next_step(clock)} {_mark(clock)}".strip()),
    ]
    if complaint.request_ref is not None:
        facts.append(("about request", complaint.request_ref))
    if complaint.acknowledged_on is not None and complaint.acknowledged_by is not None:
        timing = "in time" if clock.acknowledged_in_time else "LATE"
        facts.append(
            (
                "acknowledged",
                f"{complaint.acknowledged_on} by {complaint.acknowledged_by.value} ({timing})",
            )
        )
    if complaint.last_told_on is not None:
        facts.append(("last told", complaint.last_told_on.isoformat()))
    if complaint.outcome is not None:
        facts.append(("outcome", f"told {complaint.outcome_told_on}: {escape(complaint.outcome)}"))
    if complaint.closure is not None:
        facts.append(("closed", f"{complaint.closed_on}: {complaint.closure.value}"))
    for label, value in facts:
        out.print(f"  {label:<16}{value}")
    out.print("How the dates were reached:")
    ack = clock.acknowledgement
    out.print(f"  - acknowledgement: {escape(ack.reason)} [{escape(ack.citation)}]")
    if clock.internal_target is not None:
        out.print(f"  - internal target (received + 29 days, not rolled): {clock.internal_target}")
    out.print(f"  - outcome: {escape(clock.outcome.reason)} [{escape(clock.outcome.citation)}]")
    if details:
        who = view.complainant
        out.print("Complainant:")
        for label, given in (
            ("name", who.name),
            ("e-mail", who.email),
            ("address", who.postal_address),
            ("phone", who.phone),
        ):
            if given is not None:
                out.print(f"  {label:<16}{escape(given).replace(chr(10), ', ')}")
        out.print("Complaint:")
        out.print(f"  {escape(view.text)}")
    out.print("Timeline:")
    for entry in view.timeline:
        note = f": {escape(entry.note)}" if entry.note else ""
        at = entry.at.astimezone(LONDON)
        out.print(f"  {at:%Y-%m-%d %H:%M}  {escape(entry.actor)}  {entry.action}{note}")

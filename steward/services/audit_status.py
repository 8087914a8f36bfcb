"""The audit chain's status for staff (``audit.read``): verified or the first break, the head
as a witness line to copy somewhere Steward cannot write, and whether earlier witness lines
are still held (UK GDPR Art 5(2); docs/security.md, "Witnessing"). Also one subject's trail.

The same checks as ``steward audit verify`` and ``steward audit head``: the chain is recomputed
link by link and the consent ledger is checked against it, in one reading unit of work, so the
head shown is the one that was verified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from steward.store.audit import AuditEvent, BrokenLink, verify_chain
from steward.store.audit_trail import links_about
from steward.store.audit_witness import Witness, read_head, witness_line
from steward.store.database import Store
from steward.store.ledger_check import verify_ledger


@dataclass(frozen=True)
class WitnessCheck:
    """One witness line given back: whether the chain still holds its link, and if not why."""

    witness: Witness
    held: bool
    reason: str


@dataclass(frozen=True)
class ChainStatus:
    """The chain as verified now; ``intact`` only if the chain, the ledger and every witness
    given agree."""

    length: int
    head_hash: str
    broken: BrokenLink | None
    ledger_events: int
    ledger_states: int
    ledger_problems: tuple[str, ...]
    witnesses: tuple[WitnessCheck, ...]
    witness_line: str
    head_restored: tuple[int, ...]

    @property
    def intact(self) -> bool:
        return (
            self.broken is None
            and not self.ledger_problems
            and all(check.held for check in self.witnesses)
        )


def parse_witnesses(text: str) -> list[Witness]:
    """Witness lines (``steward-audit SEQ:HASH TIME``, or ``SEQ:HASH``), one a line."""
    return [Witness.parse(line) for line in text.splitlines() if line.strip()]


def chain_status(
    store: Store, *, actor: str, now: datetime, witnesses: Sequence[Witness] = ()
) -> ChainStatus:
    """Verify the chain and the ledger; check each witness; give the head's witness line."""
    with store.unit_of_work(actor, reads_only=True) as uow:
        line = witness_line(read_head(uow), now)
        chain = verify_chain(uow, witnesses=[w.sequence for w in witnesses])
        ledger = verify_ledger(uow)
    checks = []
    for seen in witnesses:
        held = chain.witnessed.get(seen.sequence)
        if held == seen.hash:
            checks.append(WitnessCheck(seen, True, "the chain still holds this link"))
            continue
        if held is not None:
            now_there = f"holds {held} there"
        elif chain.broken is not None and chain.broken.sequence <= seen.sequence:
            now_there = "is broken before it"
        else:
            now_there = "ends before it"
        reason = f"the chain {now_there}: the log was rewritten or cut since it was witnessed"
        checks.append(WitnessCheck(seen, False, reason))
    problems = [str(problem) for problem in ledger.problems]
    if ledger.more:
        problems.append(f"{ledger.more} more problems not listed")
    return ChainStatus(
        length=chain.length,
        head_hash=chain.head_hash,
        broken=chain.broken,
        ledger_events=ledger.events,
        ledger_states=ledger.states,
        ledger_problems=tuple(problems),
        witnesses=tuple(checks),
        witness_line=line,
        head_restored=chain.head_restored,
    )


def trail_of(store: Store, subject: str, *, actor: str) -> tuple[AuditEvent, ...]:
    """The audit links about one subject (``request:R-2026-…``, ``complaint:C-…``), oldest
    first."""
    with store.unit_of_work(actor, reads_only=True) as uow:
        return tuple(links_about(uow, subject))

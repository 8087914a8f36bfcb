"""A request's or a complaint's reference is drawn again when a stored one already has it: at
tens of thousands of requests, 30^6 references meet by chance, and the person making the
request must never see that as an error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from steward.law.calendar import Nation
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel
from steward.services import requests as request_service
from steward.store import references
from steward.store.database import Store
from steward.store.tables import requests

DAY = date(2026, 11, 20)


def _draws(*tails: str) -> Iterator[str]:
    for tail in tails:
        yield f"R-2026-{tail}"


def test_a_reference_already_stored_is_drawn_again(store: Store) -> None:
    with store.unit_of_work("test") as uow:
        first = references.unused_reference(
            uow, requests.c.reference, "R", DAY, lambda _p, _d: "R-2026-AAAAAA"
        )
        assert first == "R-2026-AAAAAA"
    request_service.new_request(
        store,
        Nation.england,
        kind=RequestKind.access,
        channel=Channel.email,
        received=DAY,
        identities=[(IdentityKind.email, "ada@example.org")],
        actor="test",
    )
    with store.unit_of_work("test") as uow:
        stored = uow.connection.execute(requests.select()).one().reference
        draws = _draws(stored.removeprefix("R-2026-"), stored.removeprefix("R-2026-"), "BBBBBB")
        again = references.unused_reference(
            uow, requests.c.reference, "R", DAY, lambda _p, _d: next(draws)
        )
    assert again == "R-2026-BBBBBB"


def test_a_drawn_reference_reads_out_without_lookalike_characters() -> None:
    drawn = {references.drawn("C", DAY) for _ in range(200)}
    assert all(d.startswith("C-2026-") and len(d) == 13 for d in drawn)
    tails = "".join(d.removeprefix("C-2026-") for d in drawn)
    assert not set(tails) & set("01ILOU") and set(tails) <= set(references.ALPHABET)

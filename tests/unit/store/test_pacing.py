"""The batch pacer keeps each write transaction near its target, well inside the half-second
budget a long job may hold the write lock for (issue 9 item 2)."""

from __future__ import annotations

from steward.store.pacing import WRITE_BUDGET_SECONDS, BatchPacer


def test_batches_grow_while_transactions_finish_well_inside_the_target() -> None:
    pacer = BatchPacer(start=100, floor=10, ceiling=10_000, target=0.2)
    pacer.observe(100, 0.01)
    assert pacer.size == 200
    pacer.observe(200, 0.02)
    assert pacer.size == 400


def test_batches_never_grow_past_the_pace_the_target_allows() -> None:
    pacer = BatchPacer(start=1000, floor=10, ceiling=10_000, target=0.2)
    pacer.observe(1000, 0.15)
    assert pacer.size == 1333


def test_a_slow_transaction_at_least_halves_the_next_batch() -> None:
    pacer = BatchPacer(start=1000, floor=10, ceiling=10_000, target=0.2)
    pacer.observe(1000, 0.3)
    assert pacer.size == 500
    pacer.observe(500, 2.0)
    assert pacer.size == 50


def test_batches_stay_between_the_floor_and_the_ceiling() -> None:
    pacer = BatchPacer(start=100, floor=20, ceiling=150, target=0.2)
    pacer.observe(100, 0.001)
    assert pacer.size == 150
    pacer.observe(150, 60.0)
    assert pacer.size == 20


def test_the_longest_transaction_is_remembered_for_the_report() -> None:
    pacer = BatchPacer()
    for seconds in (0.1, 0.4, 0.2):
        pacer.observe(100, seconds)
    assert pacer.longest == 0.4
    assert pacer.target < WRITE_BUDGET_SECONDS

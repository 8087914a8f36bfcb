"""The connector pool lends a connector to one job at a time and never reuses a broken one."""

from __future__ import annotations

import threading

from steward.connectors.memory import MemoryConnector
from steward.connectors.pool import ConnectorPool, pool_key
from steward.connectors.protocol import Connector

KEY = pool_key("crm", "postgresql", {"url": "postgresql://crm"}, {}, b"k" * 32)


class Opened:
    def __init__(self) -> None:
        self.made: list[MemoryConnector] = []
        self.closed: list[MemoryConnector] = []

    def __call__(self) -> Connector:
        opened = self

        class Tracked(MemoryConnector):
            def close(self) -> None:
                opened.closed.append(self)

        made = Tracked("crm", {})
        self.made.append(made)
        return made


def test_a_connector_given_back_is_lent_again_instead_of_opening_one() -> None:
    pool, opener = ConnectorPool(), Opened()
    first = pool.take(KEY, opener)
    pool.give_back(KEY, first)
    assert pool.take(KEY, opener) is first
    assert len(opener.made) == 1


def test_a_lent_connector_is_not_lent_to_a_second_borrower() -> None:
    pool, opener = ConnectorPool(), Opened()
    first = pool.take(KEY, opener)
    second = pool.take(KEY, opener)
    assert first is not second and len(opener.made) == 2


def test_a_broken_connector_is_closed_not_kept() -> None:
    pool, opener = ConnectorPool(), Opened()
    first = pool.take(KEY, opener)
    pool.give_back(KEY, first, broken=True)
    assert opener.closed == [first] and pool.idle() == 0
    assert pool.take(KEY, opener) is not first


def test_no_more_than_keep_idle_connectors_are_kept_and_the_rest_are_closed() -> None:
    pool, opener = ConnectorPool(keep=2), Opened()
    lent = [pool.take(KEY, opener) for _ in range(3)]
    for connector in lent:
        pool.give_back(KEY, connector)
    assert pool.idle() == 2 and opener.closed == [lent[2]]


def test_close_closes_every_idle_connector() -> None:
    pool, opener = ConnectorPool(), Opened()
    lent = [pool.take(KEY, opener) for _ in range(2)]
    for connector in lent:
        pool.give_back(KEY, connector)
    pool.close()
    assert sorted(map(id, opener.closed)) == sorted(map(id, lent)) and pool.idle() == 0


def test_anything_a_connector_is_opened_with_makes_a_different_key() -> None:
    base = ("crm", "postgresql", {"url": "postgresql://crm"}, {"schema": "a"}, b"k" * 32)
    changed = [
        ("hr", *base[1:]),
        (base[0], "mysql", *base[2:]),
        (*base[:2], {"url": "postgresql://other"}, *base[3:]),
        (*base[:3], {"schema": "b"}, base[4]),
        (*base[:4], b"j" * 32),
    ]
    keys = {pool_key(*base)} | {pool_key(*variant) for variant in changed}
    assert len(keys) == 6
    assert "postgresql://crm" not in pool_key(*base)


def test_two_threads_borrowing_at_once_never_hold_the_same_connector() -> None:
    pool, opener = ConnectorPool(), Opened()
    held: list[set[int]] = [set(), set()]
    overlap: list[int] = []
    lock = threading.Lock()

    def borrow(slot: int) -> None:
        for _ in range(200):
            connector = pool.take(KEY, opener)
            with lock:
                if id(connector) in held[1 - slot]:
                    overlap.append(id(connector))
                held[slot].add(id(connector))
            with lock:
                held[slot].discard(id(connector))
            pool.give_back(KEY, connector)

    threads = [threading.Thread(target=borrow, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlap == []

"""The composition root: the one place that turns settings into an engine, keys and a store.

DESIGN.md §5 item 4. Entry points (CLI, web, jobs) call these functions; nothing connects at
import time, and nothing else builds engines or reads the key file.
"""

from __future__ import annotations

from sqlalchemy import Engine

from steward.config import Settings
from steward.store.database import Clock, Store, create_store_engine, system_clock
from steward.store.key_checks import verify_key_ring
from steward.store.keyfile import KeyFile
from steward.store.schema import require_current


def build_engine(settings: Settings) -> Engine:
    return create_store_engine(settings.resolved_database_url())


def build_key_file(settings: Settings) -> KeyFile:
    return KeyFile(settings.resolved_key_file())


def open_store(settings: Settings, *, clock: Clock = system_clock) -> Store:
    """A store ready for work: refuses an un-migrated database, a missing or unsafe key file, and
    a key file that is not this database's own (checked before anything is written)."""
    engine = build_engine(settings)
    try:
        require_current(engine)
        keys = build_key_file(settings)
        keys.ring()
        store = Store(engine, keys, clock)
        verify_key_ring(store, where=str(keys.path))
    except BaseException:
        engine.dispose()
        raise
    return store

"""The composition root: the one place that turns settings into an engine, keys and a store.

DESIGN.md §5 item 4. Entry points (CLI, web, jobs) call these functions; nothing connects at
import time, and nothing else builds engines or reads the key file.
"""

from __future__ import annotations

from sqlalchemy import Engine

from steward.config import Settings
from steward.errors import ConfigError
from steward.store.database import Clock, Store, create_store_engine, system_clock
from steward.store.keyfile import KeyFile
from steward.store.schema import require_current


def build_engine(settings: Settings) -> Engine:
    if settings.database_url is None:
        _require_data_dir(settings)
    return create_store_engine(settings.resolved_database_url())


def build_key_file(settings: Settings) -> KeyFile:
    if settings.key_file is None:
        _require_data_dir(settings)
    return KeyFile(settings.resolved_key_file())


def _require_data_dir(settings: Settings) -> None:
    """The data dir holds the default database and key file: something else at that path is a
    setting to fix, not a traceback."""
    path = settings.data_dir
    if path.exists() and not path.is_dir():
        raise ConfigError(
            "the data folder is not a folder",
            where="STEWARD_DATA_DIR",
            hint=f"{path} is a file; point STEWARD_DATA_DIR at a folder (it is created if missing)",
        )


def open_store(settings: Settings, *, clock: Clock = system_clock) -> Store:
    """A store ready for work: refuses an un-migrated database and a missing or unsafe key file."""
    engine = build_engine(settings)
    try:
        require_current(engine)
        keys = build_key_file(settings)
        keys.ring()
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, keys, clock)

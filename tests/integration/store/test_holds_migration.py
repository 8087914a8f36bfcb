"""Migration 20261204_0009 (legal holds, recipient notices, objection balancings) undoes cleanly."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from steward.store.database import create_store_engine
from steward.store.schema import alembic_config, upgrade

ADDED = {"legal_holds", "recipient_notices", "objection_balancings"}


def test_the_holds_migration_adds_its_tables_and_can_be_undone(empty_database_url: str) -> None:
    engine = create_store_engine(empty_database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) >= ADDED
            command.downgrade(alembic_config(connection), "20261203_0005")
            connection.commit()
        with engine.connect() as connection:
            assert not ADDED & set(inspect(connection).get_table_names())
        upgrade(engine)
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) >= ADDED
    finally:
        engine.dispose()

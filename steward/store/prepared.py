"""Hot-path statements: compiled once per dialect from Core, run on the driver's own cursor.

Ledger writes are the store's hot path (issue 5: at least half the throughput of a raw INSERT).
SQLAlchemy's per-call machinery (execution context, result wrapper, events) costs more than the
database work itself for a one-row write, so these statements skip it. They stay declared as Core
against the tables in ``tables.py``, and every value still passes through its column type's bind
processor, so what is stored is exactly what the Core path would store. They run inside the unit
of work's transaction like anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.sql.expression import ClauseElement

from steward.store.database import UnitOfWork

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    defaults: Mapping[str, Any]
    processors: Mapping[str, Processor]
    order: tuple[str, ...] | None  # parameter order for positional drivers (SQLite)

    def bind(self, values: Mapping[str, Any]) -> Any:
        params = {**self.defaults, **values}
        for name, process in self.processors.items():
            params[name] = process(params[name])
        if self.order is None:
            return params
        return tuple(params[name] for name in self.order)


class Prepared:
    """One statement, built per dialect by ``build`` (dialect name -> Core statement)."""

    def __init__(self, build: Callable[[str], ClauseElement]) -> None:
        self._build = build
        self._by_dialect: dict[str, _Compiled] = {}

    def run(self, uow: UnitOfWork, values: Mapping[str, Any]) -> Any:
        """Execute with ``values`` (extra keys are ignored); returns the driver's cursor."""
        compiled = self._by_dialect.get(uow.dialect)
        if compiled is None:
            compiled = self._compile(uow.connection.dialect)
        cursor = uow.cursor()
        cursor.execute(compiled.sql, compiled.bind(values))
        return cursor

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled: Any = self._build(dialect.name).compile(dialect=dialect)
        processors = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        defaults = {
            name: bind.value for name, bind in compiled.binds.items() if bind.value is not None
        }
        order = tuple(compiled.positiontup) if compiled.positional else None
        result = _Compiled(compiled.string, defaults, processors, order)
        self._by_dialect[dialect.name] = result
        return result

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
    """The SQL text and, per parameter in the driver's order, its name, fixed value and type
    processor (a fixed value is a literal Core turned into a parameter, such as ``id = 1``)."""

    sql: str
    plan: tuple[tuple[str, Any, Processor | None], ...]
    positional: bool

    def bind(self, values: Mapping[str, Any]) -> Any:
        bound = [
            (name, values[name] if fixed is None else fixed, process)
            for name, fixed, process in self.plan
        ]
        if self.positional:
            return tuple(
                value if process is None else process(value) for _, value, process in bound
            )
        return {
            name: value if process is None else process(value) for name, value, process in bound
        }


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
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        plan = tuple(
            (
                name,
                compiled.binds[name].value,
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect),
            )
            for name in names
        )
        result = _Compiled(compiled.string, plan, bool(compiled.positional))
        self._by_dialect[dialect.name] = result
        return result

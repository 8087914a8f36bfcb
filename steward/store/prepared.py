"""Hot-path statements: compiled once per dialect from Core, run on the driver's own cursor.

Ledger writes are the store's hot path (issue 5: at least half the throughput of a raw INSERT).
SQLAlchemy's per-call machinery (execution context, result wrapper, events) costs more than the
database work itself for a one-row write, so these statements skip it. They stay declared as Core
against the tables in ``tables.py``, and every value still passes through its column type's bind
processor, so what is stored is exactly what the Core path would store. They run inside the unit
of work's transaction like anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.sql.expression import ClauseElement

from steward.store.database import UnitOfWork

Processor = Callable[[Any], Any]


class _Compiled:
    """The SQL text and how to turn named values into the driver's parameters: the names in the
    driver's order, fixed values (a literal Core turned into a parameter, such as ``id = 1``) and
    the type processors of the parameters that have one."""

    def __init__(
        self,
        sql: str,
        names: Sequence[str],
        fixed: Mapping[str, Any],
        processors: Mapping[str, Processor],
        positional: bool,
    ) -> None:
        self.sql = sql
        self._names = tuple(names)
        self._fixed = dict(fixed)
        self._processors = [
            (at, processors[name]) for at, name in enumerate(self._names) if name in processors
        ]
        self._positional = positional

    def bind(self, values: Mapping[str, Any]) -> Any:
        merged = {**values, **self._fixed} if self._fixed else values
        bound = [merged[name] for name in self._names]
        for at, process in self._processors:
            bound[at] = process(bound[at])
        return tuple(bound) if self._positional else dict(zip(self._names, bound, strict=True))


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

    def bind_many(self, uow: UnitOfWork, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The driver's parameters for each row, ready for ``run_bound``: for batches that
        prepare their rows before they take the write lock."""
        compiled = self._compiled(uow)
        return [compiled.bind(row) for row in rows]

    def run_bound(self, uow: UnitOfWork, parameters: Sequence[Any]) -> None:
        """Execute once per set of ``bind_many`` parameters, in one driver call (executemany)."""
        if parameters:
            uow.cursor().executemany(self._compiled(uow).sql, parameters)

    def run_many(self, uow: UnitOfWork, rows: Sequence[Mapping[str, Any]]) -> None:
        self.run_bound(uow, self.bind_many(uow, rows))

    def run_counted(self, uow: UnitOfWork, rows: Sequence[Mapping[str, Any]]) -> int:
        """``run_many`` for an UPDATE or DELETE: how many rows it changed in all."""
        if not rows:
            return 0
        cursor = uow.cursor()
        cursor.executemany(self._compiled(uow).sql, self.bind_many(uow, rows))
        return int(cursor.rowcount)

    def _compiled(self, uow: UnitOfWork) -> _Compiled:
        compiled = self._by_dialect.get(uow.dialect)
        return compiled if compiled is not None else self._compile(uow.connection.dialect)

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled: Any = self._build(dialect.name).compile(dialect=dialect)
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        fixed: dict[str, Any] = {}
        processors: dict[str, Processor] = {}
        for name in names:
            bind = compiled.binds[name]
            if bind.value is not None:
                fixed[name] = bind.value
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        result = _Compiled(compiled.string, names, fixed, processors, bool(compiled.positional))
        self._by_dialect[dialect.name] = result
        return result

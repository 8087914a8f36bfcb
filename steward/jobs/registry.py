"""Which tasks exist: a name, the function that does the work, and what serialises it.

A job carries a task name and ids, never objects (DESIGN.md §5 item 3): the task reads what it
needs from the store when it runs, so it always acts on the committed state, not on a copy taken
before. ``serialised_by`` names the id whose jobs must never run at once: two steps of the same
request (``serialised_by="request_id"``) run one after the other, whichever worker takes them.

The deployment's tasks register on ``tasks`` with ``@task(...)`` in the modules listed in
``TASK_MODULES``; ``deployment_tasks()`` imports them, so a worker knows every task a web
process or a command line may queue.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from steward.errors import InvalidInput

TaskFunction = Callable[..., None]
"""``(context: TaskContext, **ids) -> None``."""

TASK_MODULES: tuple[str, ...] = ("steward.tasks.engine",)
"""Modules whose ``@task`` functions make up the deployment's tasks."""

RESERVED_ARGUMENTS = frozenset({"run_id", "context"})
_TASK_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ID_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_ID_TEXT = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


@dataclass(frozen=True)
class TaskSpec:
    name: str
    run: TaskFunction
    serialised_by: str | None = None

    def lock_key(self, ids: Mapping[str, str | int]) -> str | None:
        """``request_id=42``: the same for every task serialised by the same id."""
        if self.serialised_by is None:
            return None
        return f"{self.serialised_by}={ids[self.serialised_by]}"


class TaskRegistry:
    """Task names to the functions that do the work."""

    def __init__(self) -> None:
        self._specs: dict[str, TaskSpec] = {}

    def add(self, name: str, run: TaskFunction, *, serialised_by: str | None = None) -> None:
        if not _TASK_NAME.match(name):
            raise InvalidInput(
                f"{name!r} is not a task name",
                where="task",
                hint="dotted lower-case words, area first: 'engine.run_step'",
            )
        if serialised_by is not None and not _ID_NAME.match(serialised_by):
            raise InvalidInput(
                f"{serialised_by!r} is not an id name", where="serialised_by", hint="'request_id'"
            )
        known = self._specs.get(name)
        if known is not None and known.run is not run:
            raise InvalidInput(
                f"two functions register the task {name!r}",
                where="task",
                hint="give each task its own name",
            )
        self._specs[name] = TaskSpec(name, run, serialised_by)

    def task(
        self, name: str, *, serialised_by: str | None = None
    ) -> Callable[[TaskFunction], TaskFunction]:
        """Register the decorated function as task ``name``."""

        def register(run: TaskFunction) -> TaskFunction:
            self.add(name, run, serialised_by=serialised_by)
            return run

        return register

    def spec(self, name: str) -> TaskSpec:
        found = self._specs.get(name)
        if found is None:
            known = ", ".join(sorted(self._specs)) or "none"
            raise InvalidInput(
                f"no task {name!r} is registered (known: {known})",
                where="task",
                hint="register it with @task(...) in a module listed in TASK_MODULES",
            )
        return found

    def __iter__(self) -> Iterator[TaskSpec]:
        return iter(sorted(self._specs.values(), key=lambda spec: spec.name))

    def __contains__(self, name: object) -> bool:
        return name in self._specs


def job_arguments(spec: TaskSpec, ids: Mapping[str, Any]) -> dict[str, str | int]:
    """Check a job's arguments are ids, and only ids.

    A job's arguments are stored in the queue and in ``job_runs`` in the clear, so they must
    never hold personal data (UK GDPR Art 32; DESIGN.md §3): an id is an integer, or a short
    text of letters, digits and ``_.:-`` (so never an e-mail address or a name with spaces)."""
    arguments: dict[str, str | int] = {}
    for name, value in ids.items():
        where = f"{spec.name}.{name}"
        if name in RESERVED_ARGUMENTS or not _ID_NAME.match(name):
            raise InvalidInput(
                f"{name!r} cannot name a job argument",
                where=where,
                hint="name ids in lower case ('request_id'); 'run_id' and 'context' are taken",
            )
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InvalidInput(
                f"a job carries ids, not {type(value).__name__} values",
                where=where,
                hint="pass the id of the thing; the task reads it from the store when it runs",
            )
        if isinstance(value, str) and not _ID_TEXT.match(value):
            raise InvalidInput(
                "a job's id may hold only letters, digits and '_.:-' (at most 200)",
                where=where,
                hint="pass a reference such as a request id, never a person's details",
            )
        arguments[name] = value
    if spec.serialised_by is not None and spec.serialised_by not in arguments:
        raise InvalidInput(
            f"the task {spec.name!r} is serialised by {spec.serialised_by!r}, which is missing",
            where=spec.name,
            hint=f"pass {spec.serialised_by}=...",
        )
    return arguments


tasks = TaskRegistry()
"""The deployment's tasks."""

task = tasks.task


def deployment_tasks() -> TaskRegistry:
    """``tasks`` once every module in ``TASK_MODULES`` has registered its own."""
    for module in TASK_MODULES:
        importlib.import_module(module)
    return tasks

"""A job carries ids, never personal data, and a task serialised by an id names its lock."""

from __future__ import annotations

import pytest

from steward.errors import InvalidInput
from steward.jobs.protocol import TaskContext
from steward.jobs.registry import TaskRegistry, job_arguments


def run_step(context: TaskContext, **ids: str | int) -> None:
    """A task that does nothing: these tests are about its registration."""


@pytest.fixture
def registry() -> TaskRegistry:
    registry = TaskRegistry()
    registry.add("engine.run_step", run_step, serialised_by="request_id")
    return registry


def test_ids_and_short_references_are_accepted(registry: TaskRegistry) -> None:
    spec = registry.spec("engine.run_step")
    assert job_arguments(spec, {"request_id": 42, "step": "erase:crm.customers"}) == {
        "request_id": 42,
        "step": "erase:crm.customers",
    }


def test_an_email_address_is_refused_as_a_job_argument(registry: TaskRegistry) -> None:
    with pytest.raises(InvalidInput) as raised:
        job_arguments(
            registry.spec("engine.run_step"), {"request_id": 1, "person": "ann@example.org"}
        )
    assert raised.value.where == "engine.run_step.person"


def test_an_object_is_refused_as_a_job_argument(registry: TaskRegistry) -> None:
    with pytest.raises(InvalidInput) as raised:
        job_arguments(registry.spec("engine.run_step"), {"request_id": 1, "plan": {"a": 1}})
    assert "carries ids" in raised.value.message


def test_a_boolean_is_not_an_id(registry: TaskRegistry) -> None:
    with pytest.raises(InvalidInput):
        job_arguments(registry.spec("engine.run_step"), {"request_id": True})


def test_run_id_is_reserved_for_the_runner(registry: TaskRegistry) -> None:
    with pytest.raises(InvalidInput) as raised:
        job_arguments(registry.spec("engine.run_step"), {"request_id": 1, "run_id": "x"})
    assert "taken" in (raised.value.hint or "")


def test_a_serialised_task_needs_the_id_it_is_serialised_by(registry: TaskRegistry) -> None:
    with pytest.raises(InvalidInput) as raised:
        job_arguments(registry.spec("engine.run_step"), {"step": "s1"})
    assert "request_id" in raised.value.message


def test_every_task_serialised_by_the_same_request_shares_one_lock(
    registry: TaskRegistry,
) -> None:
    registry.add("engine.notify_recipients", run_step, serialised_by="request_id")
    keys = {
        registry.spec(name).lock_key({"request_id": 7, "step": "s"})
        for name in ("engine.run_step", "engine.notify_recipients")
    }
    assert keys == {"request_id=7"}


def test_an_unserialised_task_has_no_lock() -> None:
    registry = TaskRegistry()
    registry.add("mail.send_reminder", run_step)
    assert registry.spec("mail.send_reminder").lock_key({"request_id": 7}) is None


def test_an_unknown_task_names_the_known_ones(registry: TaskRegistry) -> None:
    with pytest.raises(InvalidInput) as raised:
        registry.spec("engine.run_stpe")
    assert "engine.run_step" in raised.value.message


def test_a_task_name_must_be_dotted_lower_case() -> None:
    with pytest.raises(InvalidInput):
        TaskRegistry().add("RunStep", run_step)


def test_two_functions_cannot_share_a_task_name(registry: TaskRegistry) -> None:
    def other(context: TaskContext, **ids: str | int) -> None:
        """Another task under a name already taken."""

    with pytest.raises(InvalidInput) as raised:
        registry.add("engine.run_step", other)
    assert "two functions" in raised.value.message


def test_the_decorator_registers_the_function_unchanged() -> None:
    registry = TaskRegistry()
    decorated = registry.task("retention.sweep")(run_step)
    assert decorated is run_step and registry.spec("retention.sweep").run is run_step

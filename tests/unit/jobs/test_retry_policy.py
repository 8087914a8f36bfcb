"""Retries on the queue: the configured count, with waits growing as b, b², b³."""

from __future__ import annotations

from procrastinate.jobs import Job

from steward.jobs.queue import RetryPolicy


def job_after(attempts: int) -> Job:
    return Job(
        id=1, queue="steward", lock=None, queueing_lock=None, task_name="t.t", attempts=attempts
    )


def test_the_backoff_is_procrastinates_exponential_wait() -> None:
    """procrastinate waits ``exponential_wait ** (attempts + 1)``: b, b², b³ seconds."""
    strategy = RetryPolicy(retries=3, backoff_seconds=5).strategy()
    assert strategy is not None
    assert (strategy.max_attempts, strategy.exponential_wait, strategy.wait) == (3, 5, 0)


def test_a_job_is_retried_until_its_retries_are_spent() -> None:
    strategy = RetryPolicy(retries=3, backoff_seconds=5).strategy()
    assert strategy is not None
    decisions = [
        strategy.get_retry_decision(exception=RuntimeError(), job=job_after(n)) for n in range(3)
    ]
    assert None not in decisions


def test_after_the_last_retry_the_job_fails() -> None:
    strategy = RetryPolicy(retries=3, backoff_seconds=5).strategy()
    assert strategy is not None
    assert strategy.get_retry_decision(exception=RuntimeError(), job=job_after(3)) is None


def test_zero_retries_means_none_not_for_ever() -> None:
    assert RetryPolicy(retries=0).strategy() is None

"""Law benchmark: response-date throughput and small-cell suppression of a 1,000 x 50 table."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from steward.law.calendar import Nation, add_months
from steward.law.deadlines import response_due
from steward.law.suppression import suppress

DAYS = 20_000
START = date(2026, 1, 1)


def _per_second(work: int, seconds: float) -> str:
    return f"{work / seconds:,.0f}"


def _deadlines() -> tuple[float, float, float]:
    received = [START + timedelta(days=i % 1_500) for i in range(DAYS)]
    nations = list(Nation)
    began = time.perf_counter()
    for day in received:
        add_months(day, 1)
    bare = time.perf_counter() - began
    began = time.perf_counter()
    for i, day in enumerate(received):
        response_due(day, nations[i % 4])
    full = time.perf_counter() - began
    pauses = [(START + timedelta(days=3), START + timedelta(days=9))]
    began = time.perf_counter()
    for i in range(DAYS):
        response_due(START, nations[i % 4], clarifications=pauses, extension_notice_sent=START)
    paused = time.perf_counter() - began
    return bare, full, paused


def _suppression() -> tuple[float, int, int]:
    rng = random.Random(20261126)
    population = [0] * 2 + list(range(1, 10)) + list(range(10, 200)) * 3
    table = [[rng.choice(population) for _ in range(50)] for _ in range(1_000)]
    began = time.perf_counter()
    result = suppress(table)
    return time.perf_counter() - began, len(result.primary), len(result.secondary)


def run() -> str:
    bare, full, paused = _deadlines()
    seconds, primary, secondary = _suppression()
    return "\n".join(
        [
            "## Law: deadlines and suppression",
            "",
            f"{DAYS:,} computations each; received dates spread over four years and four nations.",
            "",
            "| measure | per second | total seconds |",
            "|---|---:|---:|",
            f"| bare `add_months` loop (comparison) | {_per_second(DAYS, bare)} | {bare:.3f} |",
            f"| `response_due` (full R1.9 with roll and steps) | {_per_second(DAYS, full)} "
            f"| {full:.3f} |",
            f"| `response_due` with a pause and an extension | {_per_second(DAYS, paused)} "
            f"| {paused:.3f} |",
            "",
            f"`response_due` costs about {full / bare:.0f}x a bare month addition: it validates "
            "inputs, rolls past weekends and holidays (cached per nation and year) and writes "
            "the explanation steps.",
            "",
            "| suppression of a 1,000 x 50 table (seeded random counts) | value |",
            "|---|---:|",
            f"| seconds | {seconds:.3f} |",
            f"| primary suppressed cells | {primary:,} |",
            f"| secondary suppressed cells | {secondary:,} |",
            "",
        ]
    )

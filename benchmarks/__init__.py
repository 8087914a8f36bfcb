"""Benchmarks: ``python -m benchmarks`` (or ``make bench``) runs them all.

Each ``bench_*.py`` module beside this one exposes ``run() -> str`` returning one Markdown
section; the runner writes them to ``docs/benchmarks.md`` under a header naming the machine
and the date, so every figure sits beside the comparison measured in the same run.
"""

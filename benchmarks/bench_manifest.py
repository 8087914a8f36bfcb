"""Manifest benchmark: `steward build` + `steward lint` wall time including interpreter start.

Two cases: examples/outserve (target < 300 ms each, compared with a bare `python -c pass` start
measured in the same run) and a generated manifest 100x its size (2,500 purposes, 10,000
cookies; target < 10 s and < 500 MB peak RSS per command). Each command runs in a fresh process,
as a person runs it. Until the lead wires build and lint into `steward`, the commands run
through a one-line entry that registers the same command modules (steward.cli.build_commands,
steward.cli.lint_commands) on a Typer app; the report says which was used.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUTSERVE = ROOT / "examples" / "outserve"
STEWARD = Path(sys.executable).parent / "steward"
RUNS = 7
PURPOSES = 2_500
COOKIES = 10_000
COPIES = 100
ON = "2026-11-26"


def _command(args: list[str]) -> list[str]:
    """The real ``steward`` command, as a person runs it (interpreter start included)."""
    return [str(STEWARD), *args]


LARGE_TIME_LIMIT = 45.0
"""Seconds after which a large-manifest command is stopped, so the benchmark stays short."""
TIMED_OUT = -9


def _timed(argv: list[str], limit: float | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit status of one fresh process (-9: stopped)."""
    began = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while limit is not None:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - began > limit:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            return time.perf_counter() - began, usage.ru_maxrss / 1024, TIMED_OUT
        time.sleep(0.05)
    else:
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def _median(argv: list[str], runs: int, limit: float | None = None) -> tuple[float, float, int]:
    results = [_timed(argv, limit) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        max(r[1] for r in results),
        results[-1][2],
    )


def _suffixed(value: str, copy: int) -> str:
    return f"{value}_c{copy}"


def _copy(section: list[dict[str, Any]], copy: int) -> list[dict[str, Any]]:
    return [{**item, "id": _suffixed(item["id"], copy)} for item in section]


def generate(folder: Path) -> Path:
    """Outserve scaled 100x: every id-bearing section copied, purposes and cookies cycled."""
    data: dict[str, Any] = {}
    for file in sorted(OUTSERVE.glob("*.yaml")):
        data.update(yaml.safe_load(file.read_text(encoding="utf-8")))
    out: dict[str, Any] = {k: data[k] for k in ("steward", "organisation", "notice", "rights")}
    out["changes"] = data["changes"]
    for section in ("data_subjects", "retention"):
        out[section] = [i for c in range(COPIES) for i in _copy(data[section], c)]
    out["data_categories"] = [
        {**i, "retention": _suffixed(i["retention"], c)} if "retention" in i else i
        for c in range(COPIES)
        for i in _copy(data["data_categories"], c)
    ]
    out["recipients"] = [i for c in range(COPIES) for i in _copy(data["recipients"], c)]
    out["systems"] = [
        {
            **i,
            "categories": [_suffixed(x, c) for x in i.get("categories", [])],
            **({"recipient": _suffixed(i["recipient"], c)} if "recipient" in i else {}),
        }
        for c in range(COPIES)
        for i in _copy(data["systems"], c)
    ]
    purposes = data["purposes"]
    out["purposes"] = []
    for n in range(PURPOSES):
        p, c = purposes[n % len(purposes)], n % COPIES
        copy = {**p, "id": f"{p['id']}_{n}"}
        for key in ("data_subjects", "categories", "recipients", "systems"):
            if key in p:
                copy[key] = [_suffixed(x, c) for x in p[key]]
        out["purposes"].append(copy)
    cookies = data["cookies"]
    out["cookies"] = []
    for n in range(COOKIES):
        cookie = {**cookies[n % len(cookies)]}
        cookie["name"] = f"{cookie['name']}_{n}"
        if "recipient" in cookie:
            cookie["recipient"] = _suffixed(cookie["recipient"], n % COPIES)
        out["cookies"].append(cookie)
    target = folder / "manifest.yaml"
    target.write_text(yaml.safe_dump(out, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def _row(name: str, seconds: float, rss: float, status: int, target: str) -> str:
    return f"| {name} | {seconds * 1000:,.0f} ms | {rss:,.0f} MB | {status} | {target} |"


def run() -> str:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        bare = _median([sys.executable, "-c", "pass"], RUNS)
        build_small = _median(_command(["build", str(OUTSERVE), "--out", str(work / "a")]), RUNS)
        lint_small = _median(_command(["lint", str(OUTSERVE), "--on", ON]), RUNS)
        large = generate(work)
        size_mb = large.stat().st_size / 1_000_000
        build_large = _timed(
            _command(["build", str(large), "--out", str(work / "b")]), LARGE_TIME_LIMIT
        )
        lint_large = _timed(_command(["lint", str(large), "--on", ON]), LARGE_TIME_LIMIT)
    lines = [
        "## Manifest: build and lint, including interpreter start",
        "",
        f"Each Outserve figure is the median wall time of {RUNS} fresh processes and the largest "
        f"peak RSS seen; the large manifest runs once, stopped after {LARGE_TIME_LIMIT:.0f} s "
        f"(exit {TIMED_OUT}). Commands run through the installed `steward` entry point. "
        f"Lint applies the law on {ON} (exit 1 means error findings, as expected for the seed "
        "declaration).",
        "",
        "| command | wall time | peak RSS | exit | target |",
        "|---|---|---|---|---|",
        _row("`python -c pass` (interpreter start alone)", *bare, "comparison"),
        _row("build examples/outserve", *build_small, "< 300 ms"),
        _row("lint examples/outserve", *lint_small, "< 300 ms"),
        _row(
            f"build 100x manifest ({PURPOSES:,} purposes, {COOKIES:,} cookies, "
            f"{size_mb:.1f} MB YAML)",
            *build_large,
            "< 10 s, < 500 MB",
        ),
        _row("lint 100x manifest", *lint_large, "< 10 s, < 500 MB"),
        "",
        f"Steward's own share of the Outserve build is about "
        f"{(build_small[0] - bare[0]) * 1000:,.0f} ms over the bare interpreter start.",
    ]
    return "\n".join(lines) + "\n"

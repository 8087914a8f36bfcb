"""Run every benchmark module and write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pkgutil
import platform
import subprocess
import sys
from pathlib import Path

import benchmarks

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def machine() -> str:
    """One line describing the machine the figures came from."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown memory"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def run_isolated(name: str) -> str:
    """One benchmark in a fresh interpreter, so no figure carries another's memory or caches
    (a child's peak RSS on Linux includes its parent's at fork time)."""
    done = subprocess.run(
        [sys.executable, "-c", f"import sys, benchmarks.{name} as m; sys.stdout.write(m.run())"],
        cwd=DOC.parent.parent,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="run only these benchmark modules (e.g. law)")
    args = parser.parse_args()
    names = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    if args.only:
        names = [n for n in names if n.removeprefix("bench_") in args.only or n in args.only]
    sections = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        sections.append(run_isolated(name).rstrip() + "\n")
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench` (`python -m benchmarks`); do not edit by hand.\n\n"
        f"- Date: {dt.date.today().isoformat()}\n"
        f"- Machine: {machine()}\n"
    )
    DOC.write_text(header + "\n" + "\n".join(sections))
    print(f"wrote {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()

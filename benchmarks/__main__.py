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


def sections_of(text: str) -> tuple[str, dict[str, str]]:
    """(the header, each ``## `` section by its title line), in the order they appear."""
    head, *rest = text.split("\n## ")
    sections = {}
    for part in rest:
        title = part.split("\n", 1)[0]
        sections[title] = "## " + part.rstrip() + "\n"
    return head, sections


def spliced(existing: str, fresh: list[str], machine_line: str) -> str:
    """``existing`` with the sections of ``fresh`` replaced (or appended), the others kept as
    measured; the header says which sections this run re-measured, and when."""
    head, sections = sections_of(existing)
    titles = []
    for section in fresh:
        title = section.removeprefix("## ").split("\n", 1)[0]
        sections[title] = section
        titles.append(title)
    kept = []
    for line in head.rstrip().splitlines():
        if line.startswith("- Re-run ") and ": " in line:  # an earlier partial run's line
            said, _, listed = line.partition(": ")
            left = [t for t in listed.split("; ") if t not in titles]
            if left:
                kept.append(f"{said}: {'; '.join(left)}")
            continue
        kept.append(line)
    kept.append(f"- Re-run {dt.date.today().isoformat()} on {machine_line}: " + "; ".join(titles))
    return "\n".join(kept) + "\n\n" + "\n".join(sections.values())


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
    if args.only and DOC.exists():
        DOC.write_text(spliced(DOC.read_text(), sections, machine()))
    else:
        header = (
            "# Benchmarks\n\n"
            "Written by `make bench` (`python -m benchmarks`); do not edit by hand. "
            "`python -m benchmarks NAME` re-runs one benchmark and replaces its section only.\n\n"
            f"- Date: {dt.date.today().isoformat()}\n"
            f"- Machine: {machine()}\n"
        )
        DOC.write_text(header + "\n" + "\n".join(sections))
    print(f"wrote {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()

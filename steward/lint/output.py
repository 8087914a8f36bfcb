"""Lint reports as text for people and JSON for scripts (SARIF lives in ``lint.sarif``)."""

from __future__ import annotations

import json

from steward.lint.engine import LintReport
from steward.lint.rule import Finding, Severity


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text_report(report: LintReport) -> str:
    """One block per finding, compiler style (file:line:col: severity id message), then a tally.

    A finding that applies in several places is one headline (at its first place, with the
    problem and the count), then one ``note:`` line per place with what is wrong there, as
    compilers print related locations, so an editor can jump to every place.
    """
    lines: list[str] = []
    for f in report.findings:
        lines.append(
            f"{f.file}:{f.line}:{f.column}: {f.severity.value} {f.rule_id} "
            f"[{f.rule_name}] {f.field}: {f.message}"
        )
        for place in f.places if len(f.places) > 1 else ():
            lines.append(
                f"{place.file}:{place.line}:{place.column}: note: {f.rule_id} here: "
                f"{place.field}: {place.message}"
            )
        lines.append(f"    fix: {f.hint}")
        covers = f" ({', '.join(f.covers)})" if f.covers else ""
        lines.append(f"    law: {f.citation}{covers}")
    tally = ", ".join(_plural(report.count(s), s.value) for s in Severity)
    lines.append(f"{tally} (law applied as at {report.on.isoformat()})")
    return "\n".join(lines)


def _finding_json(f: Finding) -> dict[str, object]:
    return {
        "rule": f.rule_id,
        "name": f.rule_name,
        "severity": f.severity.value,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "field": f.field,
        "message": f.message,
        "fix": f.hint,
        "citation": f.citation,
        "covers": list(f.covers),
        "locations": [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "field": p.field,
                "message": p.message,
            }
            for p in f.places
        ],
    }


def json_report(report: LintReport) -> str:
    """Stable JSON: the date, a summary and every finding (with all its locations) in order."""
    document = {
        "on": report.on.isoformat(),
        "summary": {s.value: report.count(s) for s in Severity},
        "findings": [_finding_json(f) for f in report.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)

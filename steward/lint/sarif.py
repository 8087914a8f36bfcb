"""Lint reports as SARIF 2.1.0, the format GitHub code scanning uploads.

Locations are relative to the repository root with ``uriBaseId: %SRCROOT%`` so code scanning
annotates the manifest lines in pull requests.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath

from steward import __version__
from steward.lint.engine import LintReport
from steward.lint.rule import Finding, Rule, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}


def source_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``.git``; else ``start`` itself."""
    resolved = start.resolve()
    for folder in (resolved, *resolved.parents):
        if (folder / ".git").exists():
            return folder
    return resolved


def relative_uri(file: str, root: Path) -> str:
    """The file as a forward-slash path relative to ``root`` (as given if outside it)."""
    path = Path(file)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return PurePath(file).as_posix()


def _rule(rule: Rule) -> dict[str, object]:
    covers = f" Covers {', '.join(rule.covers)}." if rule.covers else ""
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.why} ({rule.citation}).{covers}"},
        "help": {"text": f"Fix: {rule.fix}", "markdown": f"**Fix:** {rule.fix}"},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["privacy", "uk-gdpr", *rule.covers]},
    }


def _location(file: str, line: int, column: int, field: str, root: Path) -> dict[str, object]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": relative_uri(file, root), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line, "startColumn": column},
        },
        "message": {"text": field},
    }


def _result(f: Finding, index: dict[str, int], root: Path) -> dict[str, object]:
    """One result per problem; a repeated problem carries every place in ``locations``."""
    places = f.places or ()
    locations = [_location(p.file, p.line, p.column, p.field, root) for p in places] or [
        _location(f.file, f.line, f.column, f.field, root)
    ]
    return {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "level": _LEVEL[f.severity],
        "message": {"text": f"{', '.join(f.fields)}: {f.message}. Fix: {f.hint} ({f.citation})"},
        "locations": locations,
    }


def sarif_report(report: LintReport, root: Path) -> str:
    """The whole report as one SARIF 2.1.0 log with a single run."""
    index = {rule.id: position for position, rule in enumerate(report.rules)}
    log = {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "steward-lint",
                        "version": __version__,
                        "rules": [_rule(rule) for rule in report.rules],
                    }
                },
                "results": [_result(f, index, root) for f in report.findings],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)

"""Run every rule over a loaded manifest and place each finding at its file:line:column."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from steward.errors import Location
from steward.lint.context import LintContext, LintOptions
from steward.lint.rule import Finding, Issue, Place, Rule, Severity, all_rules
from steward.manifest.load import LoadedManifest
from steward.manifest.source import path_text


@dataclass(frozen=True)
class LintReport:
    """The findings, sorted by file, line and rule id, and the rules that were run."""

    on: date
    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.error for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


def lint(
    loaded: LoadedManifest,
    on: date,
    *,
    options: LintOptions = LintOptions(),
    rules: Iterable[Rule] | None = None,
) -> LintReport:
    """Every finding for the manifest with the law applied as it stands on ``on``.

    Issues a rule marks with the same ``group`` (and severity) become one finding that lists
    every place, so a problem repeated across twelve purposes is read once.
    """
    context = LintContext.build(loaded.manifest, on, options)
    chosen = tuple(rules) if rules is not None else all_rules()
    default_file = loaded.files[0] if loaded.files else "manifest"
    findings: list[Finding] = []
    quotes = _QuoteFinder()
    for rule in chosen:
        grouped: dict[tuple[str, Severity], list[tuple[Issue, Place]]] = {}
        for issue in rule.check(context):
            where = loaded.locate(issue.path)
            if where is not None and issue.quote:
                where = quotes.find(where, issue.quote)
            place = Place(
                file=where.file if where else default_file,
                line=(where.line or 1) if where else 1,
                column=(where.column or 1) if where else 1,
                field=path_text(issue.path),
                message=issue.message,
            )
            severity = issue.severity or rule.severity
            if issue.group is None:
                findings.append(_finding(rule, severity, issue, [(issue, place)]))
            else:
                grouped.setdefault((issue.group, severity), []).append((issue, place))
        for (_, severity), members in grouped.items():
            findings.append(_finding(rule, severity, members[0][0], members))
    findings.sort(key=lambda f: f.sort_key)
    return LintReport(on=on, findings=tuple(findings), rules=chosen)


def _finding(
    rule: Rule, severity: Severity, first: Issue, members: list[tuple[Issue, Place]]
) -> Finding:
    places = tuple(place for _, place in members)
    head = places[0]
    message = head.message
    if len(places) > 1 and first.group:
        message = f"{first.group} ({len(places)} places)"
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=severity,
        file=head.file,
        line=head.line,
        column=head.column,
        field=head.field,
        message=message,
        hint=first.hint or rule.fix,
        citation=rule.citation,
        covers=rule.covers,
        places=places,
    )


QUOTE_WINDOW = 400
"""Lines searched after a text field's start: a paragraph, never the rest of a large file."""


@dataclass
class _QuoteFinder:
    """Find quoted words in the source file at or after a text field's start.

    YAML folds a long paragraph over several lines; pointing at the line that holds the words
    puts a code-scanning annotation where the reader needs it. Files are read once each.
    """

    lines: dict[str, list[str]] = field(default_factory=dict)

    def find(self, start: Location, quote: str) -> Location:
        lines = self._lines(start.file)
        first = (start.line or 1) - 1
        if not lines or first >= len(lines):
            return start
        words = [re.escape(word) for word in quote.split()]
        pattern = re.compile(r"\s+".join(words), re.IGNORECASE)
        text = "\n".join(lines[first : first + QUOTE_WINDOW])
        offset = (start.column or 1) - 1
        match = pattern.search(text, offset)
        if match is None:
            return start
        before = text[: match.start()]
        line = first + before.count("\n") + 1
        column = match.start() - (before.rfind("\n") + 1) + 1
        return Location(start.file, line, column)

    def _lines(self, file: str) -> list[str]:
        if file not in self.lines:
            try:
                self.lines[file] = Path(file).read_text(encoding="utf-8").splitlines()
            except OSError:
                self.lines[file] = []
        return self.lines[file]

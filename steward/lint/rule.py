"""What a lint rule is, what it reports, and the registry every rule module adds itself to."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from steward.manifest.source import Path

if TYPE_CHECKING:
    from steward.lint.context import LintContext


class Severity(StrEnum):
    """How bad a finding is: any ``error`` makes ``steward lint`` exit 1."""

    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class Issue:
    """What a check yields: the offending field, what is wrong and, if it helps, how to fix it.

    ``severity`` overrides the rule's default for this one issue (e.g. an UNCONFIRMED point);
    ``quote`` is the offending words inside a text field, so the finding can point at their line
    rather than the line where a multi-line paragraph starts. ``group`` names the problem when
    it can repeat: issues of one rule with the same group become ONE finding listing every
    place (issue 10 item 3: twelve identical findings bury the rest), worded by the group.
    """

    path: Path
    message: str
    hint: str | None = None
    severity: Severity | None = None
    quote: str | None = None
    group: str | None = None


Check = Callable[["LintContext"], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    """A lint rule: stable id, default severity, documentation, and the check itself."""

    id: str
    name: str
    severity: Severity
    summary: str
    why: str
    fix: str
    citation: str
    covers: tuple[str, ...]
    check: Check


@dataclass(frozen=True)
class Place:
    """One occurrence of a problem: file:line:column, the field, and what is wrong there."""

    file: str
    line: int
    column: int
    field: str
    message: str


@dataclass(frozen=True)
class Finding:
    """One reported problem, located in the manifest's source (file:line:column).

    ``file``/``line``/``column``/``field`` are the first place; ``places`` lists every place
    the same problem applies (one entry when it occurs once).
    """

    rule_id: str
    rule_name: str
    severity: Severity
    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str
    citation: str
    covers: tuple[str, ...]
    places: tuple[Place, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, str, int, str]:
        return (self.file, self.line, self.rule_id, self.column, self.field)

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the finding applies to, first place first."""
        return tuple(p.field for p in self.places) or (self.field,)


_RULES: dict[str, Rule] = {}


def rule(
    id: str,
    name: str,
    severity: Severity,
    *,
    summary: str,
    why: str,
    fix: str,
    citation: str,
    covers: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    """Register the decorated check as rule ``id``; ids are unique and never reused."""

    def register(check: Check) -> Check:
        if id in _RULES:
            raise ValueError(f"lint rule id {id} is registered twice")
        _RULES[id] = Rule(id, name, severity, summary, why, fix, citation, covers, check)
        return check

    return register


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, by id (importing ``steward.lint.rules`` registers them)."""
    import steward.lint.rules  # noqa: F401  (registers the rule modules)

    return tuple(_RULES[key] for key in sorted(_RULES))

"""Everything a rule needs, indexed once so no rule loops inside a loop over the manifest.

A generated manifest of thousands of purposes and cookies must lint in linear time (issue 3,
item 8), so rules look things up here by id instead of scanning sections.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from steward.manifest.schema import (
    DataCategory,
    Manifest,
    Purpose,
    Recipient,
    RetentionRule,
    System,
)
from steward.manifest.source import Path
from steward.manifest.vocabulary import SystemKind

OFFLINE_SYSTEMS = frozenset({SystemKind.paper, SystemKind.cctv})
"""Systems that are not an information society service (UK GDPR Art 8)."""


@dataclass(frozen=True)
class LintOptions:
    """Dates the law leaves open, as configurable defaults (RULES.md §0.3, SEED-30).

    ``information_commission_from``: when DUAA s.119 commences and the ICO becomes the
    Information Commission; UNCONFIRMED, so None (not yet) by default.
    """

    information_commission_from: date | None = None


@dataclass(frozen=True)
class LintContext:
    """The manifest, the date the law is applied at, and indexes by id."""

    manifest: Manifest
    on: date
    options: LintOptions = LintOptions()
    categories: Mapping[str, tuple[int, DataCategory]] = field(default_factory=dict)
    recipients: Mapping[str, tuple[int, Recipient]] = field(default_factory=dict)
    retention: Mapping[str, tuple[int, RetentionRule]] = field(default_factory=dict)
    systems: Mapping[str, tuple[int, System]] = field(default_factory=dict)
    purposes_using: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    system_uses: frozenset[tuple[str, str]] = frozenset()
    children_kinds: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls, manifest: Manifest, on: date, options: LintOptions = LintOptions()
    ) -> LintContext:
        purposes_using: dict[str, list[int]] = defaultdict(list)
        system_uses: set[tuple[str, str]] = set()
        for index, purpose in enumerate(manifest.purposes):
            for category in purpose.categories:
                purposes_using[category].append(index)
                system_uses.update((system, category) for system in purpose.systems)
        return cls(
            manifest=manifest,
            on=on,
            options=options,
            categories={c.id: (i, c) for i, c in enumerate(manifest.data_categories)},
            recipients={r.id: (i, r) for i, r in enumerate(manifest.recipients)},
            retention={r.id: (i, r) for i, r in enumerate(manifest.retention)},
            systems={s.id: (i, s) for i, s in enumerate(manifest.systems)},
            purposes_using={k: tuple(v) for k, v in purposes_using.items()},
            system_uses=frozenset(system_uses),
            children_kinds=frozenset(s.id for s in manifest.data_subjects if s.includes_children),
        )

    @cached_property
    def texts(self) -> tuple[tuple[Path, str], ...]:
        """Every free-text field whose words reach the published notice (not the change log)."""
        return tuple(_texts(self.manifest))

    def purposes(self) -> Iterator[tuple[Path, Purpose]]:
        for index, purpose in enumerate(self.manifest.purposes):
            yield ("purposes", index), purpose

    def purposes_of(self, category_id: str) -> Iterator[Purpose]:
        for index in self.purposes_using.get(category_id, ()):
            yield self.manifest.purposes[index]

    def offline(self, purpose: Purpose) -> bool:
        """Whether every system the purpose declares is offline (paper records, CCTV).

        A purpose with no systems is not known to be offline.
        """
        kinds = [self.systems[s][1].kind for s in purpose.systems if s in self.systems]
        return bool(kinds) and all(kind in OFFLINE_SYSTEMS for kind in kinds)

    def observed_only(self, purpose: Purpose) -> bool:
        """Whether the purpose's data is only observed by cameras (its systems are all CCTV)."""
        kinds = [self.systems[s][1].kind for s in purpose.systems if s in self.systems]
        return bool(kinds) and all(kind is SystemKind.cctv for kind in kinds)

    def provision_answered_elsewhere(self, purpose: Purpose) -> bool:
        """Whether every category of the purpose is collected by another purpose that says
        whether it must be provided (the data is reused here, not collected again)."""
        return all(
            any(other is not purpose and other.provision for other in self.purposes_of(c))
            for c in purpose.categories
        )

    def category(self, category_id: str) -> DataCategory | None:
        found = self.categories.get(category_id)
        return found[1] if found else None


def _fields(base: Path, values: Mapping[str, str | None]) -> Iterator[tuple[Path, str]]:
    for name, value in values.items():
        if value:
            yield (*base, name), value


def _texts(m: Manifest) -> Iterator[tuple[Path, str]]:
    yield ("notice", "title"), m.notice.title
    yield from _fields(("notice", "statements"), m.notice.statements)
    for i, c in enumerate(m.data_categories):
        yield from _fields(("data_categories", i), {"name": c.name, "description": c.description})
    for i, p in enumerate(m.purposes):
        yield from _fields(
            ("purposes", i),
            {
                "name": p.name,
                "description": p.description,
                "legitimate_interests": p.legitimate_interests,
                "consent_wording": p.consent_wording,
            },
        )
        if p.provision:
            yield ("purposes", i, "provision", "consequence"), p.provision.consequence
    for i, r in enumerate(m.recipients):
        yield from _fields(
            ("recipients", i), {"category": r.category, "description": r.description}
        )
        if r.transfer:
            yield from _fields(
                ("recipients", i, "transfer"),
                {
                    "safeguard_copy": r.transfer.safeguard_copy,
                    "transfer_risk_assessment": r.transfer.transfer_risk_assessment,
                },
            )
    for i, rule in enumerate(m.retention):
        yield from _fields(
            ("retention", i),
            {
                "description": rule.description,
                "criteria": rule.criteria,
                "citation": rule.citation,
            },
        )
    for i, cookie in enumerate(m.cookies):
        yield ("cookies", i, "purpose"), cookie.purpose

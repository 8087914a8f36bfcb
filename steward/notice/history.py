"""What changed between two versions of a notice, section by section.

People are entitled to know when a notice changes and what changed (UK GDPR Art 12(1), 13(3);
the ICO's guidance on the right to be informed asks that changes be brought to people's
attention). A version is named by the digest of its Markdown (``steward.notice.fingerprint``);
here each top-level section gets a digest of its own Markdown, so two versions can be compared
without keeping either document: ``outline`` reduces a ``Document`` to its sections' ids, titles
and digests, and ``compare_outlines`` says which sections were added, removed or changed.
``compare`` does both for two documents.

Pure: no store, no clock. The privacy centre keeps each version's outline beside its digest
(``steward.services.notice_versions``) to compare the next version with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from steward.notice.document import Document, Section
from steward.notice.render import section_markdown

HEAD = "head"
"""The pseudo-section for what stands before the first section: title, summary, date."""


@dataclass(frozen=True)
class SectionPrint:
    """One top-level section of a version: its id, its title, and the digest of its words."""

    id: str
    title: str
    digest: str


@dataclass(frozen=True)
class NoticeChanges:
    """Titles of the sections added, removed and changed, in the order of the newer version
    (removed ones in the order of the older); ``first`` when there is no older version."""

    first: bool
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    head_changed: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.first or self.added or self.removed or self.changed or self.head_changed)

    def summary(self) -> str:
        """One or two plain sentences, e.g. "Added: Cookies. Changed: Your rights."."""
        if self.first:
            return "First version published."
        parts = [
            f"{label}: {'; '.join(titles)}."
            for label, titles in (
                ("Added", self.added),
                ("Removed", self.removed),
                ("Changed", self.changed),
            )
            if titles
        ]
        if self.head_changed:
            parts.append("The title, introduction or date changed.")
        return " ".join(parts) if parts else "No change in what the notice says."


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _head(document: Document) -> str:
    return json.dumps(
        [document.title, document.summary.plain, document.last_updated.isoformat(), document.draft]
    )


def outline(document: Document) -> tuple[SectionPrint, ...]:
    """The head and each top-level section (with its subsections) as id, title and digest."""
    prints = [SectionPrint(HEAD, document.title, _digest(_head(document)))]
    prints.extend(_print(section) for section in document.sections)
    return tuple(prints)


def _print(section: Section) -> SectionPrint:
    return SectionPrint(section.id, section.title, _digest(section_markdown(section)))


def compare_outlines(
    previous: Sequence[SectionPrint] | None, current: Sequence[SectionPrint]
) -> NoticeChanges:
    """Sections added, removed and changed from ``previous`` to ``current``, matched by id."""
    if previous is None:
        return NoticeChanges(first=True)
    before = {p.id: p for p in previous if p.id != HEAD}
    now = {p.id: p for p in current if p.id != HEAD}
    old_head = next((p.digest for p in previous if p.id == HEAD), None)
    new_head = next((p.digest for p in current if p.id == HEAD), None)
    return NoticeChanges(
        first=False,
        added=tuple(p.title for p in now.values() if p.id not in before),
        removed=tuple(p.title for p in before.values() if p.id not in now),
        changed=tuple(
            p.title for p in now.values() if p.id in before and before[p.id].digest != p.digest
        ),
        head_changed=old_head != new_head,
    )


def compare(previous: Document | None, current: Document) -> NoticeChanges:
    """What changed from ``previous`` (None: this is the first version) to ``current``."""
    return compare_outlines(None if previous is None else outline(previous), outline(current))


def outline_json(prints: Sequence[SectionPrint]) -> str:
    """The outline as compact JSON, to keep beside a version."""
    return json.dumps([[p.id, p.title, p.digest] for p in prints], separators=(",", ":"))


def outline_from_json(text: str) -> tuple[SectionPrint, ...]:
    """An outline kept by ``outline_json``; a malformed one raises ValueError."""
    rows = json.loads(text)
    if not isinstance(rows, list):
        raise ValueError("an outline is a JSON list")
    prints = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row)):
            raise ValueError("each outline entry is [id, title, digest]")
        prints.append(SectionPrint(row[0], row[1], row[2]))
    return tuple(prints)

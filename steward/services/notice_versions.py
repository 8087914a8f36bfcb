"""The privacy and cookie notices' version history: "what changed and when" (issue 12 item 2).

A version is what a notice says, named by the digest of its Markdown
(``steward.notice.fingerprint``; the cookie banner's receipts name the same digests). It is
recorded the first time it is published: by ``steward notice publish``, and when the privacy
centre starts serving a manifest whose notices say something new. Recording is idempotent: a
notice whose digest is already the latest of its kind records nothing. Each new version carries
what changed against the one before, section by section (``steward.notice.history``), and writes
one audit event (``notice.published``) in the same transaction (UK GDPR Art 5(2)).

Only a manifest lint finds no error in is published, the gate ``steward build`` applies
(``steward.notice.build.ManifestNotPublishable``); the privacy centre shows such a manifest's
notices marked as drafts and records nothing (``served_notices``). The caller owns the
transaction: nothing here commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from steward.errors import Conflict
from steward.lint import Severity, lint
from steward.manifest.load import LoadedManifest
from steward.manifest.schema import Manifest
from steward.manifest.source import SourceMap
from steward.notice.build import ManifestNotPublishable
from steward.notice.cookie_notice import cookie_notice
from steward.notice.document import Document
from steward.notice.fingerprint import document_digest
from steward.notice.history import compare_outlines, outline, outline_from_json, outline_json
from steward.notice.privacy import privacy_notice
from steward.notice.render import render_markdown
from steward.store import audit
from steward.store import notice_versions as versions
from steward.store.database import UnitOfWork

PUBLISHED = "notice.published"


class NoticeKind(StrEnum):
    PRIVACY = "privacy"
    COOKIE = "cookie"

    @property
    def label(self) -> str:
        return "Privacy notice" if self is NoticeKind.PRIVACY else "Cookie notice"


_BUILD: dict[NoticeKind, Callable[[Manifest], Document]] = {
    NoticeKind.PRIVACY: privacy_notice,
    NoticeKind.COOKIE: cookie_notice,
}


@dataclass(frozen=True)
class NoticeVersion:
    """One version as first published; ``number`` counts its kind's versions from 1."""

    kind: NoticeKind
    number: int
    digest: str
    last_updated: dt.date
    first_published_at: dt.datetime
    summary: str


@dataclass(frozen=True)
class Publication:
    """The version a notice is at; ``recorded`` False: it already was the latest."""

    version: NoticeVersion
    recorded: bool


@dataclass(frozen=True)
class ServedNotice:
    """A notice as the privacy centre shows it: the document (marked as a draft when the
    manifest is not publishable) and its version (None for a draft: nothing was recorded)."""

    kind: NoticeKind
    document: Document
    version: NoticeVersion | None


@dataclass(frozen=True)
class ServedNotices:
    privacy: ServedNotice
    cookie: ServedNotice
    lint_errors: int


def _lint_errors(loaded: LoadedManifest, on: dt.date) -> int:
    report = lint(loaded, on)
    return sum(1 for f in report.findings if f.severity is Severity.error)


def _loaded(manifest: Manifest | LoadedManifest) -> LoadedManifest:
    if isinstance(manifest, LoadedManifest):
        return manifest
    return LoadedManifest(manifest, SourceMap(), ())


def publish(
    uow: UnitOfWork,
    manifest: Manifest | LoadedManifest,
    *,
    on: dt.date,
    now: dt.datetime,
    source: str = "manifest",
) -> dict[NoticeKind, Publication]:
    """Record each notice's version if it is new; refused (nothing recorded) while lint finds
    errors in the manifest on ``on`` (``source`` names the manifest in the refusal)."""
    loaded = _loaded(manifest)
    errors = _lint_errors(loaded, on)
    if errors:
        raise ManifestNotPublishable(source, errors)
    return {kind: _record(uow, kind, build(loaded.manifest), now) for kind, build in _BUILD.items()}


def served_notices(
    uow: UnitOfWork, manifest: Manifest, *, on: dt.date, now: dt.datetime
) -> ServedNotices:
    """The notices the privacy centre serves: published (their versions recorded if new) when
    lint finds no error on ``on``; otherwise marked as drafts, with nothing recorded."""
    loaded = _loaded(manifest)
    errors = _lint_errors(loaded, on)
    served: dict[NoticeKind, ServedNotice] = {}
    for kind, build in _BUILD.items():
        document = build(manifest)
        if errors:
            note = (
                f"{errors} lint error{'s' if errors != 1 else ''} outstanding on "
                f"{on.isoformat()}; run `steward lint` on the manifest"
            )
            served[kind] = ServedNotice(kind, dataclasses.replace(document, draft=note), None)
        else:
            served[kind] = ServedNotice(kind, document, _record(uow, kind, document, now).version)
    return ServedNotices(served[NoticeKind.PRIVACY], served[NoticeKind.COOKIE], errors)


def history(uow: UnitOfWork) -> dict[NoticeKind, list[NoticeVersion]]:
    """Every recorded version of each notice, newest first."""
    return {kind: [_public(v) for v in versions.history(uow, kind.value)] for kind in NoticeKind}


def version_with_digest(uow: UnitOfWork, kind: NoticeKind, digest: str) -> NoticeVersion | None:
    """The version a digest names (a banner receipt, a request's evidence), if it was published."""
    found = versions.with_digest(uow, kind.value, digest)
    return None if found is None else _public(found)


def _record(uow: UnitOfWork, kind: NoticeKind, document: Document, now: dt.datetime) -> Publication:
    digest = document_digest(document)
    latest = versions.latest(uow, kind.value)
    if latest is not None and latest.digest == digest:
        return Publication(_public(latest), recorded=False)
    current = outline(document)
    previous = None if latest is None else outline_from_json(latest.outline)
    changes = compare_outlines(previous, current)
    stored = versions.StoredVersion(
        kind=kind.value,
        position=1 if latest is None else latest.position + 1,
        digest=digest,
        last_updated=document.last_updated,
        first_published_at=now,
        summary=changes.summary(),
        outline=outline_json(current),
        markdown=render_markdown(document),
    )
    if versions.add(uow, stored) is None:
        return _published_meanwhile(uow, kind, digest)
    audit.append(
        uow,
        action=PUBLISHED,
        subject=f"notice:{kind.value}",
        payload={
            "digest": digest,
            "version": stored.position,
            "last_updated": stored.last_updated.isoformat(),
            "summary": stored.summary,
        },
    )
    return Publication(_public(stored), recorded=True)


def _published_meanwhile(uow: UnitOfWork, kind: NoticeKind, digest: str) -> Publication:
    """Another process published at the same moment: fine if it published these same words."""
    latest = versions.latest(uow, kind.value)
    if latest is not None and latest.digest == digest:
        return Publication(_public(latest), recorded=False)
    raise Conflict(
        f"another version of the {kind.label.lower()} was published at the same moment",
        where=f"notice:{kind.value}",
        hint="publish again: the latest version will then be compared with this one",
    )


def _public(stored: versions.StoredVersion) -> NoticeVersion:
    return NoticeVersion(
        kind=NoticeKind(stored.kind),
        number=stored.position,
        digest=stored.digest,
        last_updated=stored.last_updated,
        first_published_at=stored.first_published_at,
        summary=stored.summary,
    )

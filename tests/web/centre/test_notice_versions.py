"""Publishing notice versions when two processes publish at the same moment (two workers
starting, or `steward notice publish` while the app starts): one version per position, and
the second publisher is told what happened instead of forking the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from steward.errors import Conflict
from steward.manifest.schema import Manifest
from steward.services import notice_versions
from steward.services.notice_versions import NoticeKind, history, publish
from steward.store import notice_versions as stored_versions
from steward.store.database import Store
from steward.web.wiring import WebWiring
from tests.web.centre.support import audit_actions, outserve_manifest

ON = dt.date(2026, 12, 4)


def _publish(store: Store, manifest: Manifest) -> dict[NoticeKind, Any]:
    with store.unit_of_work(actor="test") as uow:
        published = publish(uow, manifest, on=ON, now=store.clock())
        uow.commit()
    return published


def _stale_latest(
    monkeypatch: pytest.MonkeyPatch, stale: stored_versions.StoredVersion | None
) -> None:
    """The first read of the latest cookie version sees ``stale``: as if another process
    published between this one's read and its write."""
    real: Callable[..., Any] = stored_versions.latest
    calls = {"cookie": 0}

    def latest(uow: Any, kind: str) -> stored_versions.StoredVersion | None:
        if kind == "cookie":
            calls["cookie"] += 1
            if calls["cookie"] == 1:
                return stale
        return real(uow, kind)

    monkeypatch.setattr(notice_versions.versions, "latest", latest)


def _cookie_versions(store: Store) -> list[int]:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        return [v.number for v in history(uow)[NoticeKind.COOKIE]]


def test_the_same_words_published_meanwhile_are_not_recorded_twice(
    centre_wiring: WebWiring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = centre_wiring.store
    manifest = outserve_manifest()
    changed = manifest.model_copy(update={"cookies": ()})
    _publish(store, manifest)
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        first = stored_versions.latest(uow, "cookie")
    _publish(store, changed)  # the other process
    links = len(audit_actions(store))
    _stale_latest(monkeypatch, first)
    published = _publish(store, changed)
    assert published[NoticeKind.COOKIE].recorded is False
    assert published[NoticeKind.COOKIE].version.number == 2
    assert _cookie_versions(store) == [2, 1]
    assert len(audit_actions(store)) == links


def test_other_words_published_meanwhile_are_a_conflict_and_nothing_is_recorded(
    centre_wiring: WebWiring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = centre_wiring.store
    manifest = outserve_manifest()
    _publish(store, manifest)
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        first = stored_versions.latest(uow, "cookie")
    _publish(store, manifest.model_copy(update={"cookies": ()}))
    _stale_latest(monkeypatch, first)
    third = manifest.model_copy(update={"cookies": manifest.cookies[:1]})
    with pytest.raises(Conflict, match="published at the same moment"):
        _publish(store, third)
    assert _cookie_versions(store) == [2, 1]

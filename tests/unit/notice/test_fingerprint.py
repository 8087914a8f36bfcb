"""A notice's version digest changes with what it says, and only with that."""

from __future__ import annotations

from pathlib import Path

from steward.manifest.load import load_manifest
from steward.notice.fingerprint import cookie_notice_digest, privacy_notice_digest

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"


def test_the_same_manifest_gives_the_same_versions() -> None:
    first = load_manifest(OUTSERVE)
    second = load_manifest(OUTSERVE)
    assert privacy_notice_digest(first) == privacy_notice_digest(second)
    assert cookie_notice_digest(first).startswith("sha256:")
    assert len(cookie_notice_digest(first)) == len("sha256:") + 64


def test_a_changed_cookie_makes_a_new_cookie_notice_version() -> None:
    manifest = load_manifest(OUTSERVE)
    cookie = manifest.cookies[0]
    renamed = manifest.model_copy(
        update={"cookies": [cookie.model_copy(update={"name": cookie.name + "_v2"}),
                            *manifest.cookies[1:]]}
    )  # fmt: skip
    assert cookie_notice_digest(renamed) != cookie_notice_digest(manifest)

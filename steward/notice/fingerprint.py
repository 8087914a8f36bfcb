"""Which version of a notice a person saw: a digest of what the notice says.

The digest is SHA-256 over the notice's Markdown rendering (its words, tables and links, not its
styling), so restyling the HTML keeps the version, and any change in what the notice says makes
a new one. The privacy centre's version history and the cookie banner's receipts name versions
by this digest (``sha256:<hex>``).
"""

from __future__ import annotations

import hashlib

from steward.manifest.schema import Manifest
from steward.notice.cookie_notice import cookie_notice
from steward.notice.document import Document
from steward.notice.privacy import privacy_notice
from steward.notice.render import render_markdown


def document_digest(document: Document) -> str:
    return "sha256:" + hashlib.sha256(render_markdown(document).encode()).hexdigest()


def privacy_notice_digest(manifest: Manifest) -> str:
    return document_digest(privacy_notice(manifest))


def cookie_notice_digest(manifest: Manifest) -> str:
    return document_digest(cookie_notice(manifest))

"""The ``List-Unsubscribe`` headers that carry a recipient's unsubscribe token.

RFC 2369 defines ``List-Unsubscribe`` as a comma-separated list of URIs in angle brackets; RFC 8058
adds one-click unsubscribe: an HTTPS URI in that list plus ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click``, so a mail client can unsubscribe with one POST and no page to fill
in. Offering it in every message is how the "simple means of refusing" of PECR reg 22(3)(c) and
the opt-out address of reg 23 are given (RULES.md R2.3, R2.9).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from steward.errors import InvalidInput

ONE_CLICK = "List-Unsubscribe=One-Click"
_MAILBOX = re.compile(r"^[^@\s<>,?]+@[^@\s<>,?]+\.[^@\s<>,?]+$")


@dataclass(frozen=True)
class UnsubscribeEndpoints:
    """Where unsubscribes arrive: the one-click web endpoint base and a mailbox staff read."""

    base_url: str
    mailbox: str

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
            raise InvalidInput(
                f"unsubscribe base URL {self.base_url!r} must be an https:// URL without a query",
                where="base_url",
                hint="RFC 8058 one-click needs HTTPS, e.g. https://privacy.example.co.uk",
            )
        if not _MAILBOX.match(self.mailbox):
            raise InvalidInput(
                f"unsubscribe mailbox {self.mailbox!r} is not an email address",
                where="mailbox",
                hint="give the address staff read for unsubscribe replies, e.g. "
                "unsubscribe@example.co.uk",
            )

    def link(self, token: str) -> str:
        """The one-click URL for ``token`` (``<base>/u/<token>``)."""
        return f"{self.base_url.rstrip('/')}/u/{quote(token, safe='')}"

    def mailto(self, token: str) -> str:
        """The ``mailto:`` fallback whose subject names the token."""
        return f"mailto:{self.mailbox}?subject={quote('unsubscribe-' + token, safe='')}"


def unsubscribe_headers(endpoints: UnsubscribeEndpoints, token: str) -> tuple[tuple[str, str], ...]:
    """The two header fields, in the order a message should carry them (RFC 2369, RFC 8058 §3.1).

    RFC 8058 §4 also requires a DKIM signature covering both fields; the sending system adds it.
    """
    return (
        ("List-Unsubscribe", f"<{endpoints.link(token)}>, <{endpoints.mailto(token)}>"),
        ("List-Unsubscribe-Post", ONE_CLICK),
    )

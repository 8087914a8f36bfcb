"""Keeping spam and forms from elsewhere out of the inbox without a third party (no CAPTCHA
service sees the visitor): an allow-list of the sites whose forms may post, a honeypot field,
and a minimum time to fill the form. The rate limit, per source and overall, is the web layer's
(``steward.web.limits``).

Why no CSRF token: the form lives on the organisation's own website, another origin, which
cannot obtain a token bound to a Steward cookie. What forgery would achieve is also different:
the relay acts for nobody signed in, so a forged post can only send an enquiry, which is what
the form is for. The allow-list (the browser's ``Origin``, else ``Referer``) stops other sites'
pages from using the relay as their mail gateway; the honeypot, fill time and rate limits stop
robots that post directly.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from steward.errors import ConfigError

HONEYPOT = "website"
"""The honeypot's field name: hidden from people (off-screen, ``aria-hidden``, not in the tab
order), tempting to robots that fill every field named like a URL."""
STARTED = "started"
"""The optional hidden field carrying the signed moment the form was served."""
FORM_LIFETIME_SECONDS = 24 * 3600
"""A signed form older than this is refused as expired (reload the page)."""
LONDON = ZoneInfo("Europe/London")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


@dataclass(frozen=True)
class RelayPolicy:
    """How the relay is set up (``steward.bootstrap`` builds it from ``STEWARD_RELAY_*``).

    ``inbox`` None means the relay is off: every post is answered "not sent". ``origins`` are
    the sites (scheme://host[:port]) whose pages may post; Steward's own address is always
    allowed, for its hosted form.
    """

    inbox: str | None = None
    origins: tuple[str, ...] = ()
    thanks_url: str | None = None
    per_source_per_hour: int = 10
    per_hour: int = 200
    min_fill_seconds: int = 3


class Verdict(StrEnum):
    PASS = "pass"
    SPAM = "spam"
    WRONG_SITE = "wrong_site"
    """Refused: from a page that is not on the allow-list, or one that names no page."""
    STALE_FORM = "stale_form"
    """Refused: Steward's hosted form, served too long ago or altered."""


@dataclass(frozen=True)
class Screening:
    """What screening decided, and why in words that never quote the submission (they are
    logged)."""

    verdict: Verdict
    reason: str


def screen(
    *,
    origin: str | None,
    allowed: tuple[str, ...],
    honeypot: str | None,
    started: str | None,
    key: bytes,
    now: datetime,
    min_fill_seconds: int,
) -> Screening:
    """Decide, before the fields are read, whether a post is from an allowed site, a robot, or
    worth reading: the origin first (a page elsewhere is refused openly, so its owner learns
    why), then the honeypot and the fill time (a robot is answered as if its post were sent, so
    it learns nothing to adapt to)."""
    if origin is None:
        return Screening(Verdict.WRONG_SITE, "no Origin or Referer header")
    if origin not in allowed:
        return Screening(Verdict.WRONG_SITE, "origin not on the allow-list")
    if honeypot:
        return Screening(Verdict.SPAM, "honeypot field filled")
    if started:
        taken = seconds_since_served(key, started, now)
        if taken is None:
            return Screening(Verdict.STALE_FORM, "form timing field not signed by this Steward")
        if taken > FORM_LIFETIME_SECONDS:
            return Screening(Verdict.STALE_FORM, "form served more than a day ago")
        if taken < min_fill_seconds:
            return Screening(Verdict.SPAM, "form sent faster than a person can fill it")
    return Screening(Verdict.PASS, "passed screening")


def request_origin(origin: str | None, referer: str | None) -> str | None:
    """The site a post came from: the ``Origin`` header browsers send with a cross-site POST,
    else the origin of the ``Referer``. ``Origin: null`` (a page sent with
    ``Referrer-Policy: no-referrer``, a sandboxed frame) names no site."""
    if origin and origin != "null":
        return origin_of(origin)
    if referer:
        return origin_of(referer)
    return None


def parse_origins(text: str, *, where: str) -> tuple[str, ...]:
    """The origins in a setting: separated by commas or spaces, each ``https://host[:port]``
    (``http://`` only for a loopback host), normalised to lower case without a default port."""
    origins: list[str] = []
    for item in text.replace(",", " ").split():
        origin = origin_of(item.rstrip("/"))
        if origin is None or urlsplit(item).path.strip("/"):
            raise ConfigError(
                f"{item!r} is not an origin (scheme://host, with no path)",
                where=where,
                hint="list the sites as https://www.example.org, separated by commas",
            )
        if not _secure(origin):
            raise ConfigError(
                f"{origin} is not https://",
                where=where,
                hint="a contact form must be served over https (http only for localhost)",
            )
        origins.append(origin)
    return tuple(dict.fromkeys(origins))


def parse_thanks_url(text: str, *, where: str) -> str:
    """A thank-you page address: an absolute https:// URL (http only for a loopback host)."""
    parts = urlsplit(text)
    origin = origin_of(text)
    if origin is None or not _secure(origin) or parts.username or parts.password:
        raise ConfigError(
            f"{text!r} is not an absolute https:// address",
            where=where,
            hint="give the thank-you page's full address, e.g. https://www.example.org/thanks",
        )
    return text


def counted_day(now: datetime) -> date:
    """The day an outcome is counted on: the UK calendar day (Europe/London)."""
    return now.astimezone(LONDON).date()


def fill_key(web_secret: bytes) -> bytes:
    """The key that signs the ``started`` field, derived from the web's secret for this use
    only."""
    return hmac.new(web_secret, b"steward contact relay fill time", hashlib.sha256).digest()


def fill_token(key: bytes, served_at: datetime) -> str:
    """The value of the hidden ``started`` field: the moment served, signed with ``key``."""
    moment = str(int(served_at.astimezone(UTC).timestamp()))
    return f"{moment}.{_signature(key, moment)}"


def seconds_since_served(key: bytes, token: str, now: datetime) -> float | None:
    """Seconds between serving the form and ``now``; None if ``token`` was not signed with
    ``key`` (altered, or made up)."""
    moment, _, signature = token.partition(".")
    if not moment.isdigit() or len(moment) > 12:
        return None
    if not hmac.compare_digest(_signature(key, moment), signature):
        return None
    return now.astimezone(UTC).timestamp() - int(moment)


def _signature(key: bytes, moment: str) -> str:
    return hmac.new(key, b"relay-started:" + moment.encode(), hashlib.sha256).hexdigest()[:32]


def origin_of(text: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, in lower case without a default port; None
    for anything else."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    default = 443 if scheme == "https" else 80
    shown = f":{port}" if port is not None and port != default else ""
    return f"{scheme}://{host}{shown}"


def _secure(origin: str) -> bool:
    if origin.startswith("https://"):
        return True
    host = urlsplit(origin).hostname or ""
    return host in _LOOPBACK or f"[{host}]" in _LOOPBACK

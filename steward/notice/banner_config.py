"""The cookie banner's configuration: a pure function of the manifest (DESIGN.md §1, "Compiled
outputs"), served as JSON to ``banner.js`` (docs/banner.md).

Categories and cookies are the manifest's; whether a category needs consent, allows objection
or is always on is decided by ``law.cookies`` on the notice date, cookie by cookie (PECR reg 6,
Sch A1; RULES.md R3.1-R3.4). The version the visitor is shown is the cookie notice's digest
(``steward.notice.fingerprint``), so a change in what the notice says makes the banner ask
again; the variant names the banner's own wording, so a receipt says exactly what was shown.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from steward.consent.cookie_receipts import ChoiceMode, CookieOffer
from steward.law.cookies import Exemption
from steward.manifest.schema import Cookie, Manifest
from steward.manifest.vocabulary import CookieCategory, Party, StorageTechnology
from steward.notice.cookie_notice import CATEGORY_TITLE, consent_decision
from steward.notice.fingerprint import cookie_notice_digest

CONSENT_COOKIE = "steward_consent"
"""The first-party cookie the banner keeps the choice in (strictly necessary: RULES.md R3.2)."""

DEFAULT_CONSENT_DAYS = 182
"""How long a choice is kept when the manifest does not declare the consent cookie's duration:
six months, after which the banner asks again."""

LAYOUT = "standard"
"""The banner's layout; with a digest of the texts it makes the receipt's variant."""

CATEGORY_TEXT = {
    CookieCategory.strictly_necessary: "Needed for the site to work, keep it secure and "
    "remember your cookie choices.",
    CookieCategory.functional: "Remember your settings and keep features such as chat "
    "working as you move between pages.",
    CookieCategory.analytics: "Count visits and show how the site is used, so we can improve it.",
    CookieCategory.marketing: "Let advertisers show you adverts based on your visits.",
    CookieCategory.embedded_content: "Let videos and other content from other sites (such as "
    "YouTube or Vimeo) play here. Those sites set their own cookies, for their own purposes.",
}

_OBJECTION_EXEMPTIONS = frozenset({Exemption.statistical, Exemption.appearance})
_DURATION = re.compile(r"^([0-9]+) (second|minute|hour|day|week|month|year)s?$")
_DAYS_PER = {"day": 1, "week": 7, "month": 30.44, "year": 365.25}


@dataclass(frozen=True)
class BannerCookie:
    name: str
    provider: str
    purpose: str
    duration: str
    party: Party
    removable: bool  # a first-party cookie the banner can delete when the choice is withdrawn


@dataclass(frozen=True)
class BannerCategory:
    id: str
    title: str
    description: str
    choice: ChoiceMode
    cookies: tuple[BannerCookie, ...]


@dataclass(frozen=True)
class BannerConfig:
    """Everything the banner shows and needs; ``to_json`` is what ``/api/banner/config`` sends."""

    organisation: str
    notice_digest: str
    variant: str
    notice_url: str
    consent_cookie: str
    consent_days: int
    categories: tuple[BannerCategory, ...]
    texts: Mapping[str, str]

    def offer(self) -> CookieOffer:
        """What a receipt is checked against (``steward.consent.cookie_receipts``)."""
        return CookieOffer(
            notice_digest=self.notice_digest,
            variant=self.variant,
            modes={category.id: category.choice for category in self.categories},
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "digest": self.notice_digest,
            "variant": self.variant,
            "notice_url": self.notice_url,
            "cookie": {"name": self.consent_cookie, "days": self.consent_days},
            "categories": [
                {
                    "id": category.id,
                    "title": category.title,
                    "description": category.description,
                    "choice": category.choice.value,
                    "cookies": [
                        {
                            "name": cookie.name,
                            "provider": cookie.provider,
                            "purpose": cookie.purpose,
                            "duration": cookie.duration,
                            "party": cookie.party.value,
                            "removable": cookie.removable,
                        }
                        for cookie in category.cookies
                    ],
                }
                for category in self.categories
            ],
            "texts": dict(self.texts),
        }


def banner_config(manifest: Manifest, *, notice_url: str) -> BannerConfig:
    """The banner for ``manifest``; ``notice_url`` is where the full cookie notice is read."""
    categories = tuple(
        _category(manifest, category, [c for c in manifest.cookies if c.category is category])
        for category in CookieCategory
        if any(c.category is category for c in manifest.cookies)
    )
    organisation = manifest.organisation.name
    texts = _texts(organisation, categories)
    layout = json.dumps({"layout": LAYOUT, "texts": texts}, sort_keys=True, ensure_ascii=False)
    variant = f"{LAYOUT}.{hashlib.sha256(layout.encode()).hexdigest()[:12]}"
    return BannerConfig(
        organisation=organisation,
        notice_digest=cookie_notice_digest(manifest),
        variant=variant,
        notice_url=notice_url,
        consent_cookie=CONSENT_COOKIE,
        consent_days=_consent_days(manifest),
        categories=categories,
        texts=texts,
    )


def choice_mode(manifest: Manifest, cookies: list[Cookie]) -> ChoiceMode:
    """Consent if any cookie needs it on the notice date; objection if any relies on the
    statistical or appearance exception (which needs a means to object); otherwise always on."""
    decisions = [consent_decision(cookie, manifest) for cookie in cookies]
    if any(decision.consent_required for decision in decisions):
        return ChoiceMode.CONSENT
    if any(decision.exemption in _OBJECTION_EXEMPTIONS for decision in decisions):
        return ChoiceMode.OBJECTION
    return ChoiceMode.ALWAYS


def _category(
    manifest: Manifest, category: CookieCategory, cookies: list[Cookie]
) -> BannerCategory:
    return BannerCategory(
        id=category.value,
        title=CATEGORY_TITLE[category],
        description=CATEGORY_TEXT[category],
        choice=choice_mode(manifest, cookies),
        cookies=tuple(
            BannerCookie(
                name=cookie.name or "",
                provider=cookie.provider,
                purpose=cookie.purpose,
                duration=cookie.duration or "",
                party=cookie.party,
                removable=bool(cookie.name)
                and cookie.party is Party.first
                and cookie.technology is StorageTechnology.cookie
                and cookie.name != CONSENT_COOKIE,
            )
            for cookie in cookies
        ),
    )


def _consent_days(manifest: Manifest) -> int:
    for cookie in manifest.cookies:
        if cookie.name == CONSENT_COOKIE and cookie.duration:
            match = _DURATION.match(cookie.duration)
            if match and match.group(2) in _DAYS_PER:
                return max(1, round(int(match.group(1)) * _DAYS_PER[match.group(2)]))
    return DEFAULT_CONSENT_DAYS


def _texts(organisation: str, categories: tuple[BannerCategory, ...]) -> dict[str, str]:
    optional = [c.title.lower() for c in categories if c.choice is ChoiceMode.CONSENT]
    if optional:
        listed = optional[0] if len(optional) == 1 else ", ".join(optional[:-1])
        if len(optional) > 1:
            listed += f" and {optional[-1]}"
        intro = (
            f"We use cookies our site needs to work. With your agreement we would also use "
            f"{listed} cookies. Nothing optional is set until you choose, and you can change "
            "your mind at any time in the cookie settings."
        )
    else:
        intro = (
            "We use only cookies our site needs to work or that you can switch off in the "
            "cookie settings."
        )
    return {
        "title": f"Cookies on the {organisation} website",
        "intro": intro,
        "accept": "Accept all",
        "reject": "Reject all",
        "choose": "Choose cookies",
        "settings": "Cookie settings",
        "save": "Save choices",
        "close": "Close",
        "notice": "Read the cookie notice",
        "always": "Always on",
        "objection": "On unless you switch it off",
        "cookies": "Cookies in this category",
        "lasts": "Duration: {duration}.",
        "gpc": "Your browser sends a Global Privacy Control signal, so optional cookies are off "
        "unless you switch them on here.",
        "id": "Your consent ID",
        "placeholder": "This content is hosted by {provider}. Showing it here lets {provider} "
        "set cookies on your device ({cookies}) for its own purposes.",
        "load": "Accept and load",
        "open": "Open it on {host}",
        "saved": "Your cookie choices are saved.",
    }

"""The cookie notice: every cookie and similar technology, and whether it needs your consent.

PECR reg 6 and Sch A1 (DUAA 2025 s.112): clear and comprehensive information about each
technology, who sets it, why, for how long and when; consent decided by ``law.cookies`` on the
notice date; for the statistical and appearance exceptions, the purpose and the way to object
(RULES.md §3, N-extra-3). Online identifiers are personal data where they single out a person
(UK GDPR Art 4(1), Recital 30).
"""

from __future__ import annotations

from steward.law.cookies import CookieDecision, needs_consent
from steward.manifest.cookie_access import storage_access
from steward.manifest.schema import Cookie, Manifest
from steward.manifest.vocabulary import CookieCategory, CookieLoads, Party, StorageTechnology
from steward.notice.document import (
    NOT_STATED,
    Block,
    Document,
    Inline,
    Link,
    Paragraph,
    Section,
    para,
    table,
)

CATEGORY_TITLE = {
    CookieCategory.strictly_necessary: "Strictly necessary",
    CookieCategory.functional: "Functional",
    CookieCategory.analytics: "Analytics",
    CookieCategory.embedded_content: "Embedded content",
    CookieCategory.marketing: "Marketing",
}

LOADS = {
    CookieLoads.page_load: "When the page loads",
    CookieLoads.after_consent: "Only after you agree",
    CookieLoads.on_click: "When you click to play or open it",
    CookieLoads.on_login: "When you log in",
}

TECHNOLOGY = {
    StorageTechnology.cookie: "Cookie",
    StorageTechnology.local_storage: "Local storage",
    StorageTechnology.pixel: "Pixel",
    StorageTechnology.script: "Script",
    StorageTechnology.fingerprinting: "Device fingerprinting",
}

COLUMNS = (
    "Name",
    "Provider",
    "Purpose",
    "Duration",
    "Party",
    "Type",
    "Consent needed",
    "When it loads",
)


def consent_decision(cookie: Cookie, m: Manifest) -> CookieDecision:
    return needs_consent(storage_access(cookie), m.notice.last_updated)


def _consent_cell(decision: CookieDecision, cookie: Cookie) -> str:
    if decision.consent_required:
        return "Yes"
    text = f"No ({decision.reason})"
    if cookie.objection_means:
        text += "; you can object with the switch in our cookie settings"
    return text


def _row(cookie: Cookie, m: Manifest) -> tuple[str, ...]:
    return (
        cookie.name or str(NOT_STATED),
        cookie.provider,
        cookie.purpose,
        cookie.duration or str(NOT_STATED),
        "First party (our site)" if cookie.party is Party.first else "Third party",
        TECHNOLOGY[cookie.technology],
        _consent_cell(consent_decision(cookie, m), cookie),
        LOADS[cookie.loads] if cookie.loads else str(NOT_STATED),
    )


BEFORE_A_CHOICE = (CookieLoads.page_load, CookieLoads.on_click, CookieLoads.on_login)

PRIVACY_NOTICE_FILE = "privacy-notice.html"


def _names(cookies: list[Cookie]) -> str:
    return ", ".join(c.name or f"one from {c.provider}" for c in cookies)


def consent_summary(m: Manifest) -> str:
    """What the declared cookies and the law say about consent, and nothing they do not.

    "Only set if you agree" is printed only when every cookie that needs consent on the notice
    date (PECR reg 6, Sch A1) is declared to load after consent; otherwise the notice says which
    are set before a choice, or that it is not stated when they load.
    """
    needing = [c for c in m.cookies if consent_decision(c, m).consent_required]
    count = f"Our website uses {len(m.cookies)} cookies and similar technologies."
    if not needing:
        return f"{count} None of them needs your consent: each is exempt under PECR Sch A1."
    early = [c for c in needing if c.loads in BEFORE_A_CHOICE]
    unknown = [c for c in needing if c.loads is None]
    text = count
    if not early and not unknown:
        return f"{text} Those that need your consent are set only after you agree."
    if early:
        listed = ", ".join(
            f"{c.name or f'one from {c.provider}'} ({LOADS[c.loads].lower()})"
            for c in early
            if c.loads
        )
        text += f" These need your consent but are set without asking for it: {listed}."
    if unknown:
        text += f" When these are set: {NOT_STATED} ({_names(unknown)})."
    return text


def _choice(m: Manifest) -> Paragraph:
    privacy = m.notice.url or PRIVACY_NOTICE_FILE
    parts: list[Inline] = [
        "How we use personal data, including what cookies collect, is explained in our ",
        Link("privacy notice", privacy),
        ". ",
    ]
    if m.notice.cookie_settings_url:
        parts += [
            "You can change your choice at any time in our ",
            Link("cookie settings", m.notice.cookie_settings_url),
            ".",
        ]
    else:
        parts.append(f"Where to change your cookie choices: {NOT_STATED}.")
    return para(*parts)


def cookie_notice(m: Manifest) -> Document:
    sections = []
    for category in CookieCategory:
        cookies = [c for c in m.cookies if c.category is category]
        if cookies:
            title = CATEGORY_TITLE[category]
            sections.append(
                Section(
                    category.value.replace("_", "-"),
                    f"{title} cookies",
                    (
                        table(
                            f"{title} cookies and similar technologies",
                            COLUMNS,
                            (_row(c, m) for c in cookies),
                        ),
                    ),
                )
            )
    intro: tuple[Block, ...] = (
        para(
            "Cookies and similar technologies (local storage, pixels, scripts) store or read "
            "information on your device. Identifiers they hold are personal data when they can "
            "single you out, even without your name."
        ),
        para(consent_summary(m)),
        _choice(m),
    )
    if not m.cookies:
        intro = (para("Our website does not use cookies or similar technologies."), _choice(m))
    return Document(
        title=f"Cookie notice of {m.organisation.name}",
        summary=para(
            "Every cookie and similar technology our website uses: its name, who sets "
            "it, why, for how long, whether it needs your consent (PECR reg 6 and "
            "Sch A1) and when it loads."
        ),
        sections=(
            Section("about-cookies", "About cookies and your choice", intro, covers=("N-extra-3",)),
            *sections,
        ),
        last_updated=m.notice.last_updated,
    )

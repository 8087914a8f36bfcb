"""A declared cookie as the law sees it: the one translation lint and the notices share.

PECR reg 6 and Sch A1 (RULES.md §3) judge what a storage technology is *used for*; the manifest
declares a banner category and, perhaps, an exemption claimed. A claim counts only where the
category can fit it, so a claim cannot talk a tracking cookie out of needing consent.
"""

from __future__ import annotations

from steward.law.cookies import CookiePurpose, StorageAccess
from steward.manifest.schema import Cookie
from steward.manifest.vocabulary import CookieCategory, CookieExemption

_CLAIMABLE_FOR_FUNCTIONS = (
    CookieExemption.strictly_necessary,
    CookieExemption.appearance,
    CookieExemption.communication,
)
_CATEGORY_PURPOSE = {
    CookieCategory.strictly_necessary: CookiePurpose.strictly_necessary,
    CookieCategory.functional: CookiePurpose.personalisation,
    CookieCategory.analytics: CookiePurpose.analytics,
    CookieCategory.marketing: CookiePurpose.advertising,
    CookieCategory.embedded_content: CookiePurpose.embedded_content,
}


def storage_access(cookie: Cookie) -> StorageAccess:
    """The cookie as the law sees it: what it is used for and the conditions declared.

    A claimed exemption is taken as the purpose only where the category can fit it
    (statistical for analytics; strictly necessary, appearance or communication for
    functional cookies); otherwise the category's own purpose stands beside the claim.
    """
    purpose = _CATEGORY_PURPOSE[cookie.category]
    claimed = cookie.exemption
    if claimed is not None:
        fits = (
            (cookie.category is CookieCategory.analytics and claimed is CookieExemption.statistical)
            or (
                cookie.category is CookieCategory.functional and claimed in _CLAIMABLE_FOR_FUNCTIONS
            )
            or cookie.category is CookieCategory.strictly_necessary
        )
        claim = CookiePurpose(claimed.value)
        purposes = frozenset({claim}) if fits else frozenset({claim, purpose})
    else:
        purposes = frozenset({purpose})
    return StorageAccess(
        purposes=purposes,
        provider_own_purposes=cookie.shared_for_provider_purposes or cookie.advertising_features,
        notice_explains=True,
        objection_means=cookie.objection_means,
    )

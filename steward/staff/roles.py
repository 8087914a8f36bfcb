"""Who may do what in the staff console: five roles and the permissions each holds.

UK GDPR Art 25(2) (by default, personal data is not made accessible to more people than each
purpose needs) and Art 32(4) (people acting under the controller's authority process personal
data only on its instructions): each role holds only what its work needs, and the auditor role
reads but never changes anything. ``allowed`` is the one decision every route and service asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from steward.errors import InvalidInput

ACCESS_CITATION = "UK GDPR Art 25(2), Art 32(4)"


class Role(StrEnum):
    privacy_lead = "privacy_lead"
    hr = "hr"
    marketing = "marketing"
    office = "office"
    auditor = "auditor"

    @property
    def label(self) -> str:
        """The role as a person reads it ("privacy lead", "HR")."""
        return _LABELS[self]


_LABELS = {
    Role.privacy_lead: "privacy lead",
    Role.hr: "HR",
    Role.marketing: "marketing",
    Role.office: "office",
    Role.auditor: "auditor",
}


class Permission(StrEnum):
    """What a route or a service call needs; ``<area>.read`` permissions change nothing."""

    requests_read = "requests.read"
    requests_create = "requests.create"
    requests_act = "requests.act"
    requests_approve = "requests.approve"
    consent_read = "consent.read"
    consent_record = "consent.record"
    complaints_read = "complaints.read"
    complaints_create = "complaints.create"
    complaints_act = "complaints.act"
    holds_read = "holds.read"
    holds_manage = "holds.manage"
    audit_read = "audit.read"
    staff_read = "staff.read"
    staff_manage = "staff.manage"

    @property
    def reads_only(self) -> bool:
        return self.value.endswith(".read")

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Permission.requests_read: "see the request queue and each request's plan, evidence and trail",
    Permission.requests_create: "log a request received by phone, letter or in person",
    Permission.requests_act: "verify identity, assign, pause, extend, run approved plans, answer",
    Permission.requests_approve: "approve a request's plan (erasure included) or refuse a request",
    Permission.consent_read: "look up a person's consent by e-mail or phone (blind index)",
    Permission.consent_record: "record a consent or a withdrawal received by phone or letter",
    Permission.complaints_read: "see complaints and their due dates",
    Permission.complaints_create: "enter a complaint received by e-mail, phone or letter",
    Permission.complaints_act: "acknowledge a complaint and record its outcome",
    Permission.holds_read: "see legal holds",
    Permission.holds_manage: "add and release legal holds",
    Permission.audit_read: "see the audit chain's status and witness line",
    Permission.staff_read: "list staff accounts, their roles and states",
    Permission.staff_manage: "add, disable and enable accounts, change roles, reset 2FA, unlock",
}

_P = Permission
_R = Role
GRANTS: Mapping[Permission, frozenset[Role]] = {
    _P.requests_read: frozenset({_R.privacy_lead, _R.hr, _R.office, _R.auditor}),
    _P.requests_create: frozenset({_R.privacy_lead, _R.hr, _R.office}),
    _P.requests_act: frozenset({_R.privacy_lead, _R.hr}),
    _P.requests_approve: frozenset({_R.privacy_lead}),
    _P.consent_read: frozenset({_R.privacy_lead, _R.marketing, _R.auditor}),
    _P.consent_record: frozenset({_R.privacy_lead, _R.marketing, _R.office}),
    _P.complaints_read: frozenset({_R.privacy_lead, _R.office, _R.auditor}),
    _P.complaints_create: frozenset({_R.privacy_lead, _R.hr, _R.marketing, _R.office}),
    _P.complaints_act: frozenset({_R.privacy_lead}),
    _P.holds_read: frozenset({_R.privacy_lead, _R.hr, _R.auditor}),
    _P.holds_manage: frozenset({_R.privacy_lead, _R.hr}),
    _P.audit_read: frozenset({_R.privacy_lead, _R.auditor}),
    _P.staff_read: frozenset({_R.privacy_lead, _R.auditor}),
    _P.staff_manage: frozenset({_R.privacy_lead}),
}
"""The one table (docs/staff.md prints it; a test checks the two agree)."""


@dataclass(frozen=True)
class Decision:
    """Whether ``role`` may do what ``permission`` covers, and why, in words a person reads."""

    allowed: bool
    role: Role
    permission: Permission
    reason: str
    citation: str = ACCESS_CITATION


def allowed(role: Role, permission: Permission) -> Decision:
    """The decision for one role and one permission (the table ``GRANTS``)."""
    holders = GRANTS[permission]
    what = f"{permission.value} ({permission.description})"
    if role in holders:
        return Decision(True, role, permission, f"the {role.label} role holds {what}")
    if role is Role.auditor:
        reason = f"the auditor role is read-only, so it does not hold {what}"
    else:
        names = ", ".join(r.label for r in Role if r in holders)
        reason = f"the {role.label} role does not hold {what}; it is held by: {names}"
    return Decision(False, role, permission, reason)


def permissions_of(role: Role) -> frozenset[Permission]:
    return frozenset(p for p, holders in GRANTS.items() if role in holders)


def role_named(text: str, *, where: str = "role") -> Role:
    """A role from what a person typed ("privacy_lead", "privacy-lead", "HR")."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Role(key)
    except ValueError:
        raise InvalidInput(
            f"there is no role {text!r}",
            where=where,
            hint=f"use one of: {', '.join(r.value for r in Role)}",
        ) from None

"""Who a purpose is about, read from the manifest's own words, so rules and hints fit the
organisation (issue 10 item 3: not the employment condition for a hospital).

A data subject kind is placed in a *role* by a family of words in its id, name and
description. Roles are broad on purpose: they choose which condition a hint names first and
whether a lawful basis can fit the people it is claimed for, never a finding on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from steward.manifest.schema import DataSubjectKind, Manifest, Purpose


class Role(StrEnum):
    patient = "patient"
    worker = "worker"
    child = "child"
    supporter = "supporter"
    customer = "customer"
    third_party_contact = "third_party_contact"
    public = "public"


_ROLE_WORDS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (Role.patient, re.compile(r"patient|service[ _]user|care[ _]home[ _]resident", re.I)),
    (
        Role.third_party_contact,
        re.compile(
            r"emergency|next[ _]of[ _]kin|referee|dependant|family[ _]member|beneficiar"
            r"|witness|relative",
            re.I,
        ),
    ),
    (Role.customer, re.compile(r"\bparents?\b|\bguardians?\b|\bcarers?\b", re.I)),
    (
        Role.child,
        re.compile(
            r"\bchild(?:ren)?\b|\bpupils?\b|\bstudents?\b|\binfants?\b|\bbab(?:y|ies)\b"
            r"|\bminors?\b",
            re.I,
        ),
    ),
    (
        Role.worker,
        re.compile(
            r"employee|staff|worker|job[ _]applicant|applicant|candidate|work[ _-]?seeker"
            r"|volunteer|contractor|temp\b",
            re.I,
        ),
    ),
    (Role.supporter, re.compile(r"supporter|donor|member|fundrais|campaigner", re.I)),
    (Role.customer, re.compile(r"customer|guest|client|buyer|diner|subscriber|parent", re.I)),
    (Role.public, re.compile(r"visitor|passer|public|enquirer|correspondent", re.I)),
)


def role_of(kind: DataSubjectKind) -> Role | None:
    """The first role whose words appear in the kind's id, name or description.

    ``includes_children`` alone does not make a kind children-in-someone-else's-care: a shop's
    customers may include 16-year-olds who are party to their own purchases.
    """
    text = " ".join(filter(None, (kind.id.replace("_", " "), kind.name, kind.description)))
    for role, words in _ROLE_WORDS:
        if words.search(text):
            return role
    return None


def roles(manifest: Manifest, kind_ids: Iterable[str]) -> frozenset[Role]:
    """The roles of the purpose's data subjects (kinds the manifest does not know are skipped)."""
    known = {k.id: k for k in manifest.data_subjects}
    found = (role_of(known[k]) for k in kind_ids if k in known)
    return frozenset(r for r in found if r is not None)


def purpose_roles(manifest: Manifest, purpose: Purpose) -> frozenset[Role]:
    return roles(manifest, purpose.data_subjects)

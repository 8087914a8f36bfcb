"""The kinds of data-subject request Steward answers (UK GDPR Arts 15-21)."""

from __future__ import annotations

from enum import StrEnum


class RequestKind(StrEnum):
    access = "access"  # Art 15
    portability = "portability"  # Art 20
    erasure = "erasure"  # Art 17
    rectification = "rectification"  # Art 16
    restriction = "restriction"  # Art 18
    objection = "objection"  # Art 21

    @property
    def destructive(self) -> bool:
        """Kinds that change the organisation's data, so a person approves the plan first."""
        return self in (RequestKind.erasure, RequestKind.rectification, RequestKind.restriction)

    @property
    def article(self) -> str:
        return {
            RequestKind.access: "UK GDPR Art 15",
            RequestKind.portability: "UK GDPR Art 20",
            RequestKind.erasure: "UK GDPR Art 17",
            RequestKind.rectification: "UK GDPR Art 16",
            RequestKind.restriction: "UK GDPR Art 18",
            RequestKind.objection: "UK GDPR Art 21",
        }[self]

"""The purposes a deployment has declared: the only ids consent can be recorded or decided for.

A consent, unsubscribe or objection recorded for a purpose the manifest does not declare changes
nothing a sender reads: an unsubscribe typed as ``newsleter`` is "recorded" while the person stays
allowed for ``newsletter``. So every command and service that records or decides for a purpose
asks this catalogue first, and marketing ones ask for a purpose the manifest declares as
marketing (it has a ``marketing:`` block naming its channels; PECR regs 22-23, RULES.md R2.1).

The catalogue is a plain value built once by ``steward.bootstrap`` from the loaded manifest and
passed in; no service reads a manifest file itself.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from steward.errors import InvalidInput
from steward.law.pecr import Channel
from steward.manifest.schema import Manifest


@dataclass(frozen=True)
class DeclaredPurpose:
    """One purpose as the manifest declares it; ``channels`` is empty when it is not marketing."""

    id: str
    name: str
    channels: frozenset[Channel] = frozenset()

    @property
    def is_marketing(self) -> bool:
        return bool(self.channels)


@dataclass(frozen=True)
class PurposeCatalogue:
    """The declared purposes, by id; ``origin`` names the manifest they came from, for hints."""

    purposes: tuple[DeclaredPurpose, ...]
    origin: str = "the manifest"

    @classmethod
    def of(cls, manifest: Manifest, origin: str = "the manifest") -> PurposeCatalogue:
        return cls(
            tuple(
                DeclaredPurpose(
                    purpose.id,
                    purpose.name,
                    frozenset(purpose.marketing.channels) if purpose.marketing else frozenset(),
                )
                for purpose in manifest.purposes
            ),
            origin,
        )

    def declared(self, purpose_id: str, *, where: str = "purpose") -> DeclaredPurpose:
        """The purpose ``purpose_id``, or InvalidInput naming the nearest declared id."""
        for purpose in self.purposes:
            if purpose.id == purpose_id:
                return purpose
        raise InvalidInput(
            f"{purpose_id!r} is not a purpose declared in {self.origin}",
            where=where,
            hint=_did_you_mean(purpose_id, (p.id for p in self.purposes)),
        )

    def marketing(
        self, purpose_id: str, *, channel: str | None = None, where: str = "purpose"
    ) -> DeclaredPurpose:
        """A declared marketing purpose (and, given ``channel``, one that markets on it)."""
        marketing = sorted(p.id for p in self.purposes if p.is_marketing)
        purpose = self.declared(purpose_id, where=where)
        if not purpose.is_marketing:
            raise InvalidInput(
                f"{purpose_id!r} is not a marketing purpose in {self.origin}",
                where=where,
                hint="a marketing purpose has a 'marketing:' block naming its channels; "
                + _choices(marketing),
            )
        if channel is not None and channel not in purpose.channels:
            declared = ", ".join(sorted(purpose.channels))
            raise InvalidInput(
                f"{purpose_id!r} does not market on {channel!r} in {self.origin}",
                where="channel",
                hint=f"its declared channels are: {declared}; add the channel to the "
                "purpose's 'marketing.channels' if you really market on it",
            )
        return purpose


def _did_you_mean(value: str, known: Iterable[str]) -> str:
    ids = sorted(known)
    close = difflib.get_close_matches(value, ids, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return _choices(ids)


def _choices(ids: list[str]) -> str:
    if not ids:
        return "the manifest declares none; declare the purpose there first"
    return "declared: " + ", ".join(ids)

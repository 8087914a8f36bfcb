"""What the acknowledgement of a complaint says (DPA 2018 s.164A(3); RULES.md R7.1, R7.3).

It confirms receipt and that the complaint will be looked into, gives the reference to quote and
when to expect the outcome, and names the right to complain to the Information Commissioner. It
repeats nothing the person wrote: a mistyped address must not carry their complaint elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steward.notice.document import long_date

ICO_COMPLAINTS = "https://ico.org.uk/make-a-complaint/"


@dataclass(frozen=True)
class AcknowledgementLetter:
    subject: str
    text: str


def acknowledgement_letter(
    *,
    reference: str,
    received: date,
    organisation: str,
    outcome_target: date,
    name: str | None = None,
) -> AcknowledgementLetter:
    """The e-mail (or letter) acknowledging receipt; ``name`` only greets the person."""
    greeting = f"Dear {name}," if name else "Hello,"
    text = (
        f"{greeting}\n\n"
        f"{organisation} received your data protection complaint on {long_date(received)}. "
        f"Its reference is {reference}; please quote it if you write to us about it.\n\n"
        "We will look into what you told us, keep you informed of our progress and tell you "
        f"the outcome. We aim to do so by {long_date(outcome_target)}, and will tell you if "
        "we need longer.\n\n"
        "You can also complain to the Information Commissioner's Office, the UK regulator for "
        f"data protection: {ICO_COMPLAINTS}\n\n"
        f"{organisation}\n"
    )
    return AcknowledgementLetter(f"We received your complaint ({reference})", text)

"""The field types manifest models are built from, each with the form a person must write.

A pattern mismatch is reported with the plain description kept here (PATTERN_DESCRIPTIONS),
and periods are read by the law's own parser so the manifest and retention dates agree.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from steward.law.retention import Period


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
    Field(description="A lower-case identifier (letters, digits, underscores)"),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Email = Annotated[
    str,
    StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$", max_length=254),
    Field(description="An email address"),
]
Url = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000),
    Field(description="An http(s) URL"),
]
CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="ISO 3166-1 alpha-2 country code, e.g. GB, US, IE"),
]
Art9Condition = Annotated[
    str,
    StringConstraints(pattern=r"^9\(2\)\([a-j]\)$"),
    Field(description="UK GDPR Art 9(2) condition, written like 9(2)(b)"),
]
Schedule1Condition = Annotated[
    str,
    StringConstraints(pattern=r"^para_[0-9]{1,2}$"),
    Field(description="DPA 2018 Schedule 1 paragraph, written like para_1"),
]
EnvReference = Annotated[
    str,
    StringConstraints(pattern=r"^env:[A-Z][A-Z0-9_]*$"),
    Field(description="Name of an environment variable holding the value, written env:NAME"),
]


UNBOUNDED = ("indefinite", "indefinitely", "forever", "unbounded")


def describe_patterns(*types: Any) -> dict[str, str]:
    """Pattern -> plain description, so a mismatch can say what form was expected."""
    described: dict[str, str] = {}
    for annotated in types:
        meta = annotated.__metadata__
        pattern = next(m.pattern for m in meta if isinstance(m, StringConstraints))
        described[str(pattern)] = next(m.description for m in meta if hasattr(m, "description"))
    return described


PATTERN_DESCRIPTIONS = describe_patterns(
    Identifier, Email, Url, CountryCode, Art9Condition, Schedule1Condition, EnvReference
)


def _parse_period(value: Any) -> Any:
    """'indefinite' is accepted so that lint, not the loader, reports unbounded retention."""
    if isinstance(value, str):
        return None if value.strip().lower() in UNBOUNDED else Period.parse(value)
    return value


RetentionPeriod = Annotated[
    Period | None,
    BeforeValidator(_parse_period),
    PlainSerializer(lambda p: str(p) if p else "indefinite", return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A period such as '6 years', '3 months', '30 days' or ISO 8601 "
            "'P6Y'; 'indefinite' declares no limit (lint reports it)",
        }
    ),
]


VatNumber = Annotated[str, StringConstraints(pattern=r"^GB ?[0-9]{3} ?[0-9]{4} ?[0-9]{2}$")]

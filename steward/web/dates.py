"""Dates and times as pages show them: the notices' one date format, in UK time (RULES.md C-1)."""

from __future__ import annotations

import datetime as dt

from steward.consent.marketing_facts import LONDON
from steward.notice.document import long_date


def long_moment(moment: dt.datetime) -> str:
    """'4 December 2026 at 09:30' in Europe/London time."""
    local = moment.astimezone(LONDON)
    return f"{long_date(local.date())} at {local:%H:%M}"


def london_date(moment: dt.datetime) -> str:
    """'4 December 2026': the Europe/London day of ``moment``."""
    return long_date(moment.astimezone(LONDON).date())


__all__ = ["london_date", "long_date", "long_moment"]

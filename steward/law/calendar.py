"""Calendar arithmetic the rules share: months, years, UK nations and their working days.

Every date is a parameter; nothing here reads the clock (RULES.md §0.4).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from steward.errors import InvalidInput


class Nation(StrEnum):
    """The UK nation whose bank holidays apply (RULES.md C-3; R1.3)."""

    england = "england"
    wales = "wales"
    scotland = "scotland"
    northern_ireland = "northern-ireland"

    @classmethod
    def parse(cls, text: str, *, where: str = "nation") -> Nation:
        """Read a nation name as a person types it; unknown names are an error (RULES.md C-3)."""
        cleaned = text.strip().lower().replace("_", "-").replace(" ", "-")
        for nation in cls:
            if nation.value == cleaned:
                return nation
        valid = ", ".join(n.value for n in cls)
        raise InvalidInput(
            f"unknown nation {text!r}",
            where=where,
            hint=f"use one of: {valid}",
        )

    @property
    def holiday_subdivision(self) -> str:
        """The `holidays` package subdivision code for this nation (RULES.md C-3)."""
        return _SUBDIVISIONS[self]


_SUBDIVISIONS = {
    Nation.england: "ENG",
    Nation.wales: "WLS",
    Nation.scotland: "SCT",
    Nation.northern_ireland: "NIR",
}


def add_months(d: date, n: int) -> date:
    """The same day number n months later, or that month's last day if it is shorter.

    RULES.md C-5, R1.2; ICO right-of-access guidance ("How do we calculate a month?").
    """
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last))


def add_years(d: date, n: int) -> date:
    """The same month and day n years later; 29 February becomes 28 February in a common year.

    RULES.md C-6 (consistent with C-5).
    """
    return add_months(d, 12 * n)


@dataclass(frozen=True)
class RolledDay:
    """A day the due date moved past, and why (RULES.md R1.3)."""

    day: date
    reason: str


@lru_cache(maxsize=256)
def _holiday_names(nation: Nation, year: int) -> dict[date, str]:
    """Bank holidays of one nation in one year, cached (RULES.md C-3, C-4)."""
    try:
        import holidays  # loaded on first use: lint and build seldom need a calendar

        table = holidays.country_holidays("GB", subdiv=nation.holiday_subdivision, years=year)
    except NotImplementedError as error:  # pragma: no cover - every Nation maps to a known subdiv
        raise InvalidInput(
            f"the holidays package does not know nation {nation.value!r}",
            where="nation",
            hint="upgrade the holidays package (RULES.md C-3 was checked against 0.109)",
        ) from error
    return {day: str(name) for day, name in table.items()}


def holiday_name(d: date, nation: Nation) -> str | None:
    """The bank holiday's name if d is one in that nation, else None (RULES.md C-4)."""
    return _holiday_names(nation, d.year).get(d)


def non_working_reason(d: date, nation: Nation) -> str | None:
    """Why d is not a working day in that nation (weekend or holiday name), or None (C-4)."""
    name = holiday_name(d, nation)
    if name is not None:
        return name
    if d.weekday() >= 5:
        return d.strftime("%A")
    return None


def is_working_day(d: date, nation: Nation) -> bool:
    """Monday to Friday and not a bank holiday of the nation (RULES.md C-4)."""
    return non_working_reason(d, nation) is None


def next_working_day_on_or_after(d: date, nation: Nation) -> tuple[date, list[RolledDay]]:
    """The first working day on or after d, with every day rolled past and why (RULES.md R1.3)."""
    rolled: list[RolledDay] = []
    current = d
    while (reason := non_working_reason(current, nation)) is not None:
        rolled.append(RolledDay(current, reason))
        current += timedelta(days=1)
    return current, rolled

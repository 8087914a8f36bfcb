"""Reading a Mailchimp audience so that no member is missed while the audience changes.

Mailchimp lists members with ``count``/``offset`` paging. Offsets count positions in a list that
moves: when a member already read is edited (any edit moves its ``last_changed``) or leaves the
filter, every later member shifts one place towards the front, and the one that slides over the
page boundary is never read. A missed unsubscribe is a person mailed against their wishes
(PECR reg 22(3)(c); UK GDPR Art 21(3)), so the reader does not walk offsets.

It pages by change time instead (keyset paging): each request asks for members changed after
the newest time that is complete, oldest first, from offset 0. An edit moves a member to the end
(its new ``last_changed`` is now), which a later request reads; nothing moves backwards past the
point already read. Many members can share one ``last_changed`` second (a bulk change in
Mailchimp); when a whole page has a single instant, that instant is read with offsets and read
again until a pass finds nobody new (members that leave it meanwhile are read at their new time).
Each page carries ``read_through``: every change at or before it has been yielded, so a caller can
store it as a watermark once it has committed the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from steward.errors import ConnectorError

MAX_INSTANT_PASSES = 10
Fetch = Callable[[Mapping[str, str | int]], Mapping[str, Any]]


@dataclass(frozen=True)
class Member:
    """An audience member as the pull needs it. ``ip_opt`` is personal data: it is used only to
    say whether Mailchimp holds one and is never logged or stored by Steward."""

    id: str
    email: str
    status: str
    last_changed: datetime
    timestamp_opt: datetime | None = None
    ip_opt: str = ""


def confirmed_opt_in(status: str, timestamp_opt: datetime | None, ip_opt: str) -> bool:
    """Whether a member's record shows the person's own confirmed opt-in: subscribed, with the
    time and the IP address they confirmed from. Mailchimp's signup and confirmation forms
    record both; an import or an API add leaves ``ip_opt`` empty, so an organisation adding
    someone is never read as that person's choice. Mailchimp will not re-subscribe an
    unsubscribed address any other way ("Member In Compliance State")."""
    return status == "subscribed" and timestamp_opt is not None and bool(ip_opt)


@dataclass(frozen=True)
class AudienceMember:
    """What the push needs to know of a member: its status and its confirmed opt-in time (no
    address, and the IP only as the fact that one was recorded)."""

    status: str
    confirmed_opt_in_at: datetime | None

    def opted_in_after(self, moment: datetime) -> bool:
        """Opted in again, by their own confirmation, after ``moment`` (a refusal)."""
        return self.confirmed_opt_in_at is not None and self.confirmed_opt_in_at > moment


@dataclass(frozen=True)
class MemberPage:
    members: tuple[Member, ...]
    read_through: datetime | None  # every change at or before this instant has been yielded


class MemberReader:
    """Keyset paging over ``GET /lists/{id}/members`` (``fetch`` sends one request)."""

    def __init__(self, fetch: Fetch, page_size: int) -> None:
        self._fetch = fetch
        self._page_size = page_size

    def pages(self, since: datetime | None, *, status: str | None = None) -> Iterator[MemberPage]:
        floor = since
        while True:
            members = self._page(floor, status, 0)
            if len(members) < self._page_size:
                newest = members[-1].last_changed if members else floor
                yield MemberPage(tuple(members), newest)
                return
            top = members[-1].last_changed
            earlier = tuple(m for m in members if m.last_changed < top)
            if earlier:
                # the members at ``top`` may continue on the next page: read them there
                floor = earlier[-1].last_changed
                yield MemberPage(earlier, floor)
            else:
                yield from self._instant(floor, status, top, members)
                floor = top

    def _instant(
        self, floor: datetime | None, status: str | None, instant: datetime, first: list[Member]
    ) -> Iterator[MemberPage]:
        """Every member changed at exactly ``instant``, by offset passes over that instant.

        A pass is complete when the instant held the same number of members before and after
        it and the pass read that many: members only ever leave an instant (an edit moves them
        later), and each leave lowers (members after ``floor``) - (members after ``instant``) by
        one, so an unchanged count means no member slid past an offset during the pass.
        """
        seen = {m.id for m in first}
        yield MemberPage(tuple(first), floor)
        for _ in range(MAX_INSTANT_PASSES):
            before = self._count(floor, status) - self._count(instant, status)
            in_pass: set[str] = set()
            new: list[Member] = []
            offset = 0
            while True:
                members = self._page(floor, status, offset)
                at_instant = [m for m in members if m.last_changed == instant]
                new.extend(m for m in at_instant if m.id not in seen)
                seen.update(m.id for m in at_instant)
                in_pass.update(m.id for m in at_instant)
                offset += len(members)
                if len(at_instant) < len(members) or len(members) < self._page_size:
                    break
            after = self._count(floor, status) - self._count(instant, status)
            if new:
                yield MemberPage(tuple(new), floor)
            if before == after == len(in_pass):
                yield MemberPage((), instant)
                return
        raise ConnectorError(
            f"members changed at {instant.isoformat()} kept changing while they were read",
            where="Mailchimp audience members",
            hint="run the pull again later; nothing read so far is lost and the watermark stays "
            "before this instant",
        )

    def _count(self, after: datetime | None, status: str | None) -> int:
        """How many members (with ``status``, if given) changed after ``after``."""
        params = self._params(after, status, 0) | {"count": 1}
        return int(self._fetch(params).get("total_items") or 0)

    def _params(
        self, floor: datetime | None, status: str | None, offset: int
    ) -> dict[str, str | int]:
        params: dict[str, str | int] = {
            "sort_field": "last_changed",
            "sort_dir": "ASC",
            "offset": offset,
        }
        if floor is not None:
            params["since_last_changed"] = floor.astimezone(UTC).isoformat(timespec="seconds")
        if status is not None:
            params["status"] = status
        return params

    def _page(self, floor: datetime | None, status: str | None, offset: int) -> list[Member]:
        document = self._fetch(self._params(floor, status, offset))
        return [_member(raw) for raw in document.get("members") or []]


def _member(raw: Mapping[str, Any]) -> Member:
    opted = str(raw.get("timestamp_opt") or "")
    return Member(
        id=str(raw["id"]),
        email=str(raw.get("email_address") or ""),
        status=str(raw.get("status") or ""),
        last_changed=_instant(str(raw["last_changed"])),
        timestamp_opt=_instant(opted) if opted else None,
        ip_opt=str(raw.get("ip_opt") or ""),
    )


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise ConnectorError(
            f"Mailchimp gave a time that is not ISO 8601: {text[:40]!r}",
            where="Mailchimp audience members",
            hint="report this to Mailchimp; run the pull again later",
        ) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

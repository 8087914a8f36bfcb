"""Rate limits for making and confirming requests, shared by the pages and the API so a source
gets one allowance whichever door it uses (issue 12 item 1).

They sit on top of the rules the services enforce in the database for every process (five tries
a code, ``CODES_PER_HOUR`` codes a request): these keep one source from trying many references or
filling the request queue.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from fastapi import Request

from steward.web.limits import RateLimit
from steward.web.wiring import wiring_of

INTAKE = (10, 3600.0)  # requests made, per source per hour
CODE_TRIES = (10, 900.0)  # codes entered, per source per 15 minutes
NEW_CODES = (5, 3600.0)  # new codes asked for, per source per hour
STATUS = (120, 60.0)  # status pages, per source per minute

_lock = threading.Lock()


@dataclass(frozen=True)
class RequestLimits:
    intake: RateLimit
    code_tries: RateLimit
    new_codes: RateLimit
    status: RateLimit


def limits_of(request: Request) -> RequestLimits:
    """The app's limits, made on first use from its wiring's clock."""
    state = request.app.state
    found: RequestLimits | None = getattr(state, "request_limits", None)
    if found is not None:
        return found
    with _lock:
        found = getattr(state, "request_limits", None)
        if found is None:
            clock = wiring_of(request).clock
            found = RequestLimits(
                intake=RateLimit("requests made", *INTAKE, clock),
                code_tries=RateLimit("codes entered", *CODE_TRIES, clock),
                new_codes=RateLimit("new codes asked for", *NEW_CODES, clock),
                status=RateLimit("status pages asked for", *STATUS, clock),
            )
            state.request_limits = found
    return found


def source_of(request: Request) -> str:
    """The address the request came from (the proxy's client when ``steward serve`` trusts
    its forwarded headers)."""
    return request.client.host if request.client else "unknown"

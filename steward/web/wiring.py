"""What the web app needs, built once by the composition root (``steward.bootstrap.web_app``).

Routers read it from ``request.app.state.wiring`` (``wiring_of``); tests build it by hand
around a real store. Nothing in ``steward.web`` reads settings or the environment itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection

from steward.store.database import Clock, Store

if TYPE_CHECKING:
    from steward.consent.purposes import PurposeCatalogue
    from steward.jobs.protocol import Jobs
    from steward.law.calendar import Nation
    from steward.mail import Mailer
    from steward.manifest.schema import Manifest


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class WebWiring:
    """The store and the deployment's declared facts, for every router.

    ``secret`` is a 32-byte key derived from the store's key ring, for what the web signs
    (session and CSRF tokens); it is never the key ring's own key. ``public_url`` is the
    https:// address people reach Steward at (None: the address the request came in on).
    ``mailer`` is None when no mail server is configured: routes that must send mail say so.
    """

    store: Store
    clock: Clock
    secret: bytes
    manifest: Manifest | None = None
    manifest_path: Path | None = None
    purposes: PurposeCatalogue | None = None
    nation: Nation | None = None
    mailer: Mailer | None = None
    jobs: Jobs | None = None
    public_url: str | None = None
    https: bool = False  # served behind https: HSTS and Secure cookies
    max_body_bytes: int = 64 * 1024
    close: Callable[[], None] = field(default=_nothing)


def wiring_of(connection: HTTPConnection) -> WebWiring:
    """The app's wiring, from inside a route or a dependency."""
    wiring: WebWiring = connection.app.state.wiring
    return wiring

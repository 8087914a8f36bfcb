"""The cookie banner's routes: the script, its configuration and its receipts (docs/banner.md).

The organisation's own site loads ``banner.js`` with one script tag, so these routes are
fetched cross-site by design:

- ``GET /banner.js`` and ``GET /api/banner/config`` are public and the same for everyone:
  ``Access-Control-Allow-Origin: *`` without credentials, ``Cross-Origin-Resource-Policy:
  cross-origin`` (a site with COEP can still load them), an ETag and a cache lifetime (the
  script for a year at its versioned URL ``/banner.js?v=<etag>``, an hour otherwise; the
  configuration for five minutes, so a changed cookie set reaches visitors soon).
- ``POST /api/banner/receipts`` records a choice. No CSRF token (``steward.web.csrf``): the
  post comes from another site's page, carries no cookie of Steward's and acts on nobody's
  session, so there is nothing for a forged request to borrow; instead it takes JSON only
  (a cross-site browser request with that content type needs a CORS preflight), a browser's
  ``Origin`` must be one of ``STEWARD_WEB_BANNER_ORIGINS`` (or Steward's own), and each source
  address is rate limited.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from steward.consent.cookie_receipts import CookieReceipt, ReceiptVia
from steward.errors import ConfigError
from steward.notice.banner_config import BannerConfig, banner_config
from steward.services.cookie_receipts import record_receipt
from steward.web.limits import RateLimit
from steward.web.problems import Forbidden
from steward.web.wiring import WebWiring, wiring_of

COOKIE_NOTICE_PATH = "/cookies"
"""Where the privacy centre shows the cookie notice; the banner links to it."""

RECEIPTS_PER_MINUTE = 60
"""Receipts one source address may post a minute: a visitor makes a few a visit; an office
behind one address makes more. Counted per ``steward serve`` worker (``steward.web.limits``)."""

SCRIPT_MAX_AGE = 3600
CONFIG_MAX_AGE = 300
_YEAR = 365 * 24 * 3600
_PUBLIC = {
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
}

Token = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{22}$")]


class ReceiptBody(BaseModel):
    """What ``banner.js`` posts: one choice (docs/banner.md, "Receipts")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    receipt: Token = Field(description="New for each choice; a retry resends the same")
    visitor: Token = Field(description="The anonymous id kept in the visitor's consent cookie")
    digest: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")] = Field(
        description="The cookie notice digest of the configuration the visitor was shown"
    )
    variant: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,49}$")]
    via: Literal["banner", "settings", "placeholder"]
    gpc: bool = Field(description="The browser sent Global Privacy Control")
    choices: dict[Annotated[str, StringConstraints(min_length=1, max_length=40)], bool] = Field(
        min_length=1, max_length=10, description="Category id: allowed or not"
    )


class ReceiptAnswer(BaseModel):
    receipt: str
    recorded_at: str
    replayed: bool
    notice_current: bool = Field(
        description="False: the visitor chose on an older cookie notice; the banner asks again"
    )
    digest: str = Field(description="Today's cookie notice digest")
    notice_published: bool = Field(
        description="The digest shown names a cookie notice version the privacy centre published"
    )


@dataclass(frozen=True)
class _Asset:
    body: bytes
    gzipped: bytes
    etag: str


def _asset(body: bytes) -> _Asset:
    digest = hashlib.sha256(body).hexdigest()[:24]
    return _Asset(body, gzip.compress(body, 9, mtime=0), f'"{digest}"')


def _send(request: Request, asset: _Asset, media_type: str, cache: str) -> Response:
    headers = {**_PUBLIC, "ETag": asset.etag, "Cache-Control": cache, "Vary": "Accept-Encoding"}
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=media_type, headers=headers)
    return Response(asset.body, media_type=media_type, headers=headers)


def script() -> bytes:
    return (resources.files("steward.web") / "static" / "banner.js").read_bytes()


class _CrossSite(APIRoute):
    """Answers the receipt routes' errors with the app's own handlers, then adds the CORS
    headers, so the banner can read a refusal as well as a success."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as error:
                found = _handler_for(request, error)
                if found is None:
                    raise
                response = await found(request, error)
            origin = request.headers.get("origin")
            if origin is not None and _allowed(request, origin):
                response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
            return response

        return answer


def _handler_for(
    request: Request, error: Exception
) -> Callable[[Request, Exception], Awaitable[Response]] | None:
    handlers = request.app.exception_handlers
    for kind in type(error).__mro__:
        if kind in handlers and kind is not Exception:
            found: Callable[[Request, Exception], Awaitable[Response]] = handlers[kind]
            return found
    return None


def _own_origin(request: Request, wiring: WebWiring) -> str:
    if wiring.public_url:
        scheme, _, rest = wiring.public_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"
    return f"{request.url.scheme}://{request.url.netloc}"


def _allowed(request: Request, origin: str) -> bool:
    wiring = wiring_of(request)
    return origin in wiring.banner_origins or origin == _own_origin(request, wiring)


def _check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is not None and not _allowed(request, origin):
        raise Forbidden(
            "this site may not record cookie choices here",
            where="Origin",
            hint="add the site's origin to STEWARD_WEB_BANNER_ORIGINS (docs/banner.md)",
        )


def router() -> APIRouter:
    routes = APIRouter(tags=["cookie banner"])
    receipts = APIRouter(tags=["cookie banner"], route_class=_CrossSite)
    js = _asset(script())
    configs: dict[str, tuple[BannerConfig, _Asset]] = {}
    limit: list[RateLimit] = []

    def config_of(request: Request) -> tuple[BannerConfig, _Asset]:
        wiring = wiring_of(request)
        if wiring.manifest is None:
            raise ConfigError(
                "the cookie banner has no manifest to take its cookies from",
                where="STEWARD_MANIFEST",
                hint="name the organisation's manifest in STEWARD_MANIFEST and restart",
            )
        base = (wiring.public_url or str(request.base_url)).rstrip("/")
        notice_url = base + COOKIE_NOTICE_PATH
        if notice_url not in configs:
            built = banner_config(wiring.manifest, notice_url=notice_url)
            body = json.dumps(built.to_json(), ensure_ascii=False, separators=(",", ":"))
            configs[notice_url] = (built, _asset(body.encode()))
        return configs[notice_url]

    @routes.get("/banner.js", include_in_schema=False)
    def banner_script(request: Request, v: str | None = None) -> Response:
        """The banner, hand-written and dependency-free (``steward/web/static/banner.js``)."""
        immutable = v is not None and f'"{v}"' == js.etag
        cache = (
            f"public, max-age={_YEAR}, immutable"
            if immutable
            else (f"public, max-age={SCRIPT_MAX_AGE}")
        )
        return _send(request, js, "text/javascript; charset=utf-8", cache)

    @routes.get("/api/banner/config", summary="The cookie banner's configuration")
    def config(request: Request) -> Response:
        """Categories, their cookies and whether each needs consent, from the manifest; the
        cookie notice digest (a new one makes the banner ask again); the texts."""
        _, asset = config_of(request)
        return _send(request, asset, "application/json", f"public, max-age={CONFIG_MAX_AGE}")

    @receipts.options("/api/banner/receipts", include_in_schema=False)
    def preflight(request: Request) -> Response:
        _check_origin(request)
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "86400",
            },
        )

    @receipts.post(
        "/api/banner/receipts",
        status_code=201,
        response_model=ReceiptAnswer,
        summary="Record a visitor's cookie choice in the consent ledger",
    )
    def receipt(request: Request, body: ReceiptBody, response: Response) -> ReceiptAnswer:
        """Refusals as well as consents; a retry of the same receipt records nothing more."""
        _check_origin(request)
        wiring = wiring_of(request)
        if not limit:
            limit.append(RateLimit("cookie receipts", RECEIPTS_PER_MINUTE, 60, wiring.clock))
        limit[0].hit(request.client.host if request.client else "unknown")
        built, _ = config_of(request)
        choice = CookieReceipt(
            receipt_id=body.receipt,
            visitor_id=body.visitor,
            notice_digest=body.digest,
            variant=body.variant,
            via=ReceiptVia(body.via),
            gpc=body.gpc,
            choices=body.choices,
        )
        with wiring.store.unit_of_work(actor="web:cookie-banner") as uow:
            outcome = record_receipt(uow, choice, built.offer())
            uow.commit()
        if outcome.replayed:
            response.status_code = 200
        return ReceiptAnswer(
            receipt=outcome.receipt_id,
            recorded_at=outcome.recorded_at.isoformat(),
            replayed=outcome.replayed,
            notice_current=outcome.notice_current,
            digest=outcome.current_digest,
            notice_published=outcome.notice_published,
        )

    routes.include_router(receipts)
    return routes

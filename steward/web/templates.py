"""Pages: Jinja2 templates beside this module, autoescaped, working without JavaScript.

``render`` gives every template the request, the page's CSP nonce (``nonce``: the only inline
script or style a page may carry is one marked with it), ``csrf_field()`` (the hidden field
every form must carry, ``steward.web.csrf``) and whatever the security layer adds to
``request.state.template_globals`` (the CSRF token's field, the signed-in member of staff).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from steward.web.csrf import hidden_field


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("steward.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    values: dict[str, Any] = {
        "request": request,
        "nonce": getattr(request.state, "csp_nonce", ""),
        "csrf_field": lambda: hidden_field(request),
    }
    values.update(getattr(request.state, "template_globals", {}))
    values.update(context or {})
    body = environment().get_template(name).render(values)
    return HTMLResponse(body, status_code=status_code, headers=dict(headers or {}))

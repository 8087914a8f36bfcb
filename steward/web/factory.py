"""``app()`` for process managers (``uvicorn --factory steward.web.factory:app``, and
``steward serve --workers N``): the web app built from this process's settings."""

from __future__ import annotations

from fastapi import FastAPI


def app() -> FastAPI:
    from steward.bootstrap import load_settings, web_app

    return web_app(load_settings())

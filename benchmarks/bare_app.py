"""The bare FastAPI app ``bench_web`` measures Steward's pages against: the framework's own
limit on this machine, served by the same uvicorn with the same workers and settings.

``GET /`` answers a small HTML page; ``POST /`` answers 204 without reading the body.
"""

from __future__ import annotations

from fastapi import FastAPI, Response
from fastapi.responses import HTMLResponse

PAGE = "<!doctype html><html lang=en><title>Bare</title><p>A bare FastAPI endpoint.</p></html>"

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/", response_class=HTMLResponse)
def page() -> HTMLResponse:
    return HTMLResponse(PAGE)


@app.post("/", status_code=204)
def accept() -> Response:
    return Response(status_code=204)

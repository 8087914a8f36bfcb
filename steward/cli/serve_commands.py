"""``steward serve``: the privacy centre, staff console, API and banner over HTTP.

Thin (DESIGN.md §5 item 2): the app is built by ``steward.bootstrap.web_app`` (which refuses a
bad setting, an un-migrated database or a wrong key file before anything listens), then served
by uvicorn. Put it behind a TLS-terminating proxy and set STEWARD_WEB_PUBLIC_URL to its https://
address (docs/web.md).
"""

from __future__ import annotations

import typer

from steward.bootstrap import load_settings, web_app


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: str | None = typer.Option(None, "--host", help="Interface (STEWARD_WEB_HOST)."),
    port: int | None = typer.Option(
        None, "--port", min=1, max=65535, help="TCP port (STEWARD_WEB_PORT)."
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Processes serving requests (uvicorn workers)."
    ),
) -> None:
    """Serve the web app until stopped (Ctrl-C)."""
    import uvicorn

    settings = load_settings()
    bind_host = host or settings.web.host
    bind_port = port or settings.web.port
    if workers == 1:
        application = web_app(settings)  # refuses a bad setting before listening
        typer.echo(f"serving on http://{bind_host}:{bind_port}/ (Ctrl-C stops it)", err=True)
        uvicorn.run(application, host=bind_host, port=bind_port, proxy_headers=True)
        return
    web_app(settings).state.wiring.close()  # check the settings once, in this process
    typer.echo(
        f"serving on http://{bind_host}:{bind_port}/ with {workers} workers (Ctrl-C stops it)",
        err=True,
    )
    uvicorn.run(
        "steward.web.factory:app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        proxy_headers=True,
    )

"""The web demo that ``make demo`` ends with: Outserve's privacy centre, the staff console with a
demo staff account, and a sample company page embedding the cookie banner.

    python -m examples.outserve.demo_web [--data build/demo/steward] [--port 8000]
                                         [--site-port 8080] [--no-serve]

It serves the store the request demo left in ``--data`` (so the staff console shows its two
requests), or makes a new one there. A demo privacy lead is created (or, on a second run, given a
new password and authenticator secret) and printed once: add the secret to any authenticator app
(or compute a code with ``python -c "import pyotp; print(pyotp.TOTP('SECRET').now())"``). With
``--no-serve`` it prepares everything, prints the addresses and stops (for tests).
"""

from __future__ import annotations

import argparse
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = Path("examples/outserve/fixed")
DEMO_USER = "demo-lead"


def _environment(data: Path, site_url: str, port: int) -> None:
    for name in [n for n in os.environ if n.startswith("STEWARD_")]:
        del os.environ[name]
    os.environ.update(
        STEWARD_DATA_DIR=str(data),
        STEWARD_MANIFEST=str(MANIFEST),
        STEWARD_WEB_PORT=str(port),
        STEWARD_WEB_BANNER_ORIGINS=site_url,
    )


def _prepare_store() -> None:
    """A migrated, keyed store: the request demo's, or a new one."""
    from steward.bootstrap import load_settings
    from steward.store.database import create_store_engine
    from steward.store.keyfile import create_key_file
    from steward.store.schema import upgrade

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_store_engine(settings.resolved_database_url())
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    if not settings.resolved_key_file().exists():
        create_key_file(settings.resolved_key_file(), now=datetime.now(UTC))


def _demo_account() -> tuple[str, str, str]:
    """(username, password, authenticator secret) of the demo privacy lead, made afresh."""
    from steward.bootstrap import load_settings, open_store
    from steward.errors import Conflict
    from steward.services import staff
    from steward.staff.roles import Role

    password = "demo-" + secrets.token_urlsafe(12)
    operator = staff.Operator("cli:make-demo")
    now = datetime.now(UTC)
    store = open_store(load_settings())
    try:
        try:
            made = staff.create_account(
                store,
                username=DEMO_USER,
                display_name="Demo privacy lead",
                role=Role.privacy_lead,
                password=password,
                by=operator,
                now=now,
            )
            secret = made.enrolment.secret
        except Conflict:  # a second run: the same account, new credentials
            staff.set_password(store, DEMO_USER, password, by=operator, now=now)
            secret = staff.reset_second_factor(store, DEMO_USER, by=operator, now=now).secret
    finally:
        store.engine.dispose()
    return DEMO_USER, password, secret


def _publish_notices() -> None:
    from steward.cli.main import build_app, execute

    args = ["notice", "publish"]
    execute(build_app(args), args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.outserve.demo_web")
    parser.add_argument("--data", type=Path, default=Path("build/demo/steward"))
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--site-port", type=int, default=8080)
    parser.add_argument("--no-serve", action="store_true", help="prepare and print, then stop")
    arguments = parser.parse_args(argv)
    steward_url = f"http://127.0.0.1:{arguments.port}"
    site_url = f"http://localhost:{arguments.site_port}"
    _environment(arguments.data.resolve(), site_url, arguments.port)
    _prepare_store()
    _publish_notices()
    username, password, secret = _demo_account()
    print()
    print(f"Privacy centre:       {steward_url}/  (notices, requests, preferences, complaints)")
    print(f"Staff console:        {steward_url}/staff/login")
    print(f"  demo privacy lead:  {username}")
    print(f"  password:           {password}")
    print(f"  authenticator key:  {secret}  (any TOTP app; shown once)")
    print(f"Sample company page:  {site_url}/  (embeds {steward_url}/banner.js)")
    print(f"API documentation:    {steward_url}/api/docs")
    if arguments.no_serve:
        return 0
    import uvicorn

    from examples.outserve.site.serve import SiteServer
    from steward.bootstrap import load_settings, web_app

    site = SiteServer(steward_url, port=arguments.site_port).start()
    print("Ctrl-C stops both.")
    try:
        uvicorn.run(web_app(load_settings()), host="127.0.0.1", port=arguments.port)
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

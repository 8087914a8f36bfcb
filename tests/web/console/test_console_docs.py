"""docs/staff.md lists every /staff route of the app with the permission its gate needs."""

from __future__ import annotations

from pathlib import Path

from steward.web.app import create_app
from steward.web.console.access import Needs
from steward.web.wiring import WebWiring
from tests.web.console.test_console_access import console_routes

DOC = Path(__file__).parents[3] / "docs" / "staff.md"
START = "<!-- console routes: steward/web/console (tests/web/console/test_console_docs.py) -->"
END = "<!-- end of console routes -->"


def need(gates: list[Needs]) -> str:
    if not gates:
        return "—"
    permission = gates[0].permission
    return "a session" if permission is None else permission.value


def test_the_documented_console_routes_are_the_apps_with_their_permissions() -> None:
    app = create_app(WebWiring(store=None, clock=None, secret=b"d" * 32))  # type: ignore[arg-type]
    expected = {(f"{method} {path}", need(gates)) for method, path, gates in console_routes(app)}
    table = DOC.read_text(encoding="utf-8").split(START, 1)[1].split(END, 1)[0]
    documented = {
        (cells[0].strip("` "), cells[1].strip("` "))
        for line in table.strip().splitlines()[2:]
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }
    assert documented == expected

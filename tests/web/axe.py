"""axe-core in Chromium: the WCAG 2.2 checks the public pages must pass (issue 12: "axe-core run
in Chromium finds no serious or critical violation on any public page").

``axe-core`` is vendored in ``tests/web/vendor/`` (see its README for version and licence) and
evaluated in the page through the DevTools protocol, so the page's own scripts are not changed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Any, *, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """axe's violations of the WCAG 2.x A/AA rules (and best practices) on the page as it is
    now, of the given impacts: each with its rule id, help text and the offending nodes."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_source())
    found: list[dict[str, Any]] = page.evaluate(
        """async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                   nodes: v.nodes.map(n => n.target.join(' '))}))""",
        TAGS,
    )
    return [violation for violation in found if violation["impact"] in impacts]

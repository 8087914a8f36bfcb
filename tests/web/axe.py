"""axe-core in Chromium, for any page a test has open: ``serious_violations(page)``.

The vendored ``vendor/axe.min.js`` (axe-core 4.14.1, MPL-2.0; see ``vendor/README.md``) is
evaluated through the DevTools protocol, which the page's Content-Security-Policy does not apply
to, so pages are checked exactly as served (nonces and all). Rules are those tagged for WCAG 2.0,
2.1 and 2.2 levels A and AA plus axe's best practices; a violation counts when axe rates its
impact serious or critical (issue 12: "axe-core run in Chromium finds no serious or critical
violation on any public page").

Usage, with a Playwright page::

    page.goto(url)
    assert serious_violations(page) == []
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
BLOCKING = ("serious", "critical")


@cache
def _source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def run_axe(page: Any, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict[str, Any]]:
    """Every violation axe finds on ``page`` as it is now (axe's own result objects)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_source())
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags)
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violation: dict[str, Any]) -> str:
    """One line a test failure can show: rule, impact, help and the first offending nodes."""
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"


def serious_violations(page: Any, tags: tuple[str, ...] = WCAG_TAGS) -> list[str]:
    """The serious and critical violations on ``page``, described; [] when there are none."""
    return [describe(v) for v in run_axe(page, tags) if v.get("impact") in BLOCKING]

"""Lint: findings about a manifest, judged by the law functions on a given date.

One rule per function, each with a stable id (ST1xx), a severity, a fix hint, the provision it
rests on and the RULES.md items it covers (DESIGN.md §1; issue 3 item 6).
"""

from steward.lint.engine import LintReport, lint
from steward.lint.rule import Finding, Rule, Severity

__all__ = ["Finding", "LintReport", "Rule", "Severity", "lint"]

"""docs/lint.md documents every rule, so the reference a privacy lead reads stays complete."""

from __future__ import annotations

from pathlib import Path

from steward.lint.rule import all_rules

DOC = Path(__file__).resolve().parents[3] / "docs" / "lint.md"


def test_every_rule_has_a_section_in_docs_lint_md() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [r.id for r in all_rules() if f"#### {r.id}\n" not in text]
    assert missing == []


def test_every_seed_error_is_in_the_coverage_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [f"SEED-{n:02d}" for n in range(1, 33) if f"| SEED-{n:02d} " not in text]
    assert missing == []


def test_rule_ids_are_in_their_group_ranges() -> None:
    assert all(r.id[:3] == "ST1" and len(r.id) == 5 and r.id[3:].isdigit() for r in all_rules())

"""Lint measured against real UK organisations' published privacy policies (issue 10 item 4).

Each folder under examples/corpus holds a declaration of one organisation's policy
(manifest.yaml) and the findings a UK practitioner raises on it (expected.yaml), written
before lint was run on it. A reported place is a true positive when an expected finding has the
same rule id and its location is the place's field or an ancestor of it (a practitioner points
at the purpose, lint at the purpose's field). Precision and recall are counted over places, so
one grouped finding listing three purposes counts three times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from steward.lint import lint
from steward.manifest.load import load

CORPUS = Path(__file__).resolve().parents[3] / "examples" / "corpus"
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.90


@dataclass(frozen=True)
class Expected:
    rule: str
    location: str


def _covers(expected: str, field: str) -> bool:
    """Whether ``expected`` is ``field`` or an ancestor path of it."""
    return field == expected or field.startswith((f"{expected}.", f"{expected}["))


def _organisations() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if (p / "expected.yaml").is_file())


@dataclass(frozen=True)
class Score:
    reported: list[tuple[str, str]]
    expected: list[Expected]

    @property
    def true_positives(self) -> list[tuple[str, str]]:
        return [
            (rule, field)
            for rule, field in self.reported
            if any(e.rule == rule and _covers(e.location, field) for e in self.expected)
        ]

    @property
    def recalled(self) -> list[Expected]:
        return [
            e
            for e in self.expected
            if any(rule == e.rule and _covers(e.location, f) for rule, f in self.reported)
        ]


def score(folder: Path) -> Score:
    document = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    on = document["lint_date"]
    on = on if isinstance(on, dt.date) else dt.date.fromisoformat(on)
    report = lint(load(folder / "manifest.yaml"), on)
    reported = [(f.rule_id, p.field) for f in report.findings for p in f.places]
    expected = [Expected(e["rule"], e["location"]) for e in document["findings"]]
    return Score(reported, expected)


def test_the_corpus_holds_at_least_five_organisations() -> None:
    assert len(_organisations()) >= 5


@pytest.mark.parametrize("folder", _organisations(), ids=lambda p: p.name)
def test_every_expected_finding_names_a_rule_a_location_a_reason_and_a_citation(
    folder: Path,
) -> None:
    document = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    assert document["source"].startswith("http")
    for entry in document["findings"]:
        assert {"rule", "location", "reason", "citation"} <= entry.keys(), entry


def test_precision_and_recall_over_the_whole_corpus_meet_the_targets() -> None:
    scores = [score(folder) for folder in _organisations()]
    reported = sum(len(s.reported) for s in scores)
    expected = sum(len(s.expected) for s in scores)
    precision = sum(len(s.true_positives) for s in scores) / reported
    recall = sum(len(s.recalled) for s in scores) / expected
    assert precision >= PRECISION_TARGET
    assert recall >= RECALL_TARGET


DOC = Path(__file__).resolve().parents[3] / "docs" / "lint.md"


def test_docs_lint_md_publishes_the_figures_the_corpus_gives() -> None:
    scores = [score(folder) for folder in _organisations()]
    reported = sum(len(s.reported) for s in scores)
    expected = sum(len(s.expected) for s in scores)
    hits = sum(len(s.true_positives) for s in scores)
    recalled = sum(len(s.recalled) for s in scores)
    line = (
        f"CORPUS FIGURES: precision {hits}/{reported} ({100 * hits / reported:.1f}%), "
        f"recall {recalled}/{expected} ({100 * recalled / expected:.1f}%)"
    )
    assert line in DOC.read_text(encoding="utf-8")

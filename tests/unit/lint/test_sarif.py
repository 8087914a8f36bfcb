"""SARIF 2.1.0 output carries every field GitHub code scanning requires."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from steward.lint import lint
from steward.lint.sarif import relative_uri, sarif_report, source_root
from steward.manifest.load import load

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def sarif() -> dict[str, Any]:
    report = lint(load(REPO / "examples" / "outserve"), dt.date(2026, 11, 26))
    document: dict[str, Any] = json.loads(sarif_report(report, REPO))
    return document


def test_log_names_version_and_schema(sarif: dict[str, Any]) -> None:
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    assert len(sarif["runs"]) == 1


def test_driver_describes_every_rule(sarif: dict[str, Any]) -> None:
    driver = sarif["runs"][0]["tool"]["driver"]
    assert {"name", "version", "rules"} <= set(driver)
    assert "informationUri" not in driver  # optional; Steward has no public home to point at
    for rule in driver["rules"]:
        assert rule["id"].startswith("ST1")
        assert rule["name"] and rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert isinstance(rule["properties"]["tags"], list)


def test_results_point_at_repo_relative_lines(sarif: dict[str, Any]) -> None:
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        assert result["locations"]
        for location in result["locations"]:
            physical = location["physicalLocation"]
            artifact = physical["artifactLocation"]
            assert artifact["uriBaseId"] == "%SRCROOT%"
            assert artifact["uri"].startswith("examples/outserve/")
            assert physical["region"]["startLine"] >= 1
            assert physical["region"]["startColumn"] >= 1


def test_a_repeated_problem_is_one_result_with_every_location(sarif: dict[str, Any]) -> None:
    results = sarif["runs"][0]["results"]
    retention = [r for r in results if r["ruleId"] == "ST140"]
    assert len(retention) == 1
    assert len(retention[0]["locations"]) > 1


def test_privacy_shield_result_is_an_error(sarif: dict[str, Any]) -> None:
    levels = {r["level"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "ST181"}
    assert levels == {"error"}


def test_source_root_is_the_folder_holding_git(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert source_root(nested) == tmp_path.resolve()


def test_file_outside_the_root_keeps_its_own_path(tmp_path: Path) -> None:
    assert relative_uri("/elsewhere/manifest.yaml", tmp_path) == "/elsewhere/manifest.yaml"

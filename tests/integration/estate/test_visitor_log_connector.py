"""The files connector finds, erases and lists past records in the generated visitor log."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import yaml

from examples.outserve.estate.people import VISITOR_ONLY_EMAIL
from steward.connectors.files import open_files
from steward.connectors.protocol import ConnectorContext
from steward.manifest.datasets import CollectionMap, DatasetMap
from steward.manifest.vocabulary import SystemKind
from tests.integration.estate.conftest import Estate
from tests.integration.estate.test_maps import MAPS


def visitor_log_map() -> CollectionMap:
    text = (MAPS / "visitor_log.yaml").read_text(encoding="utf-8")
    return DatasetMap.model_validate(yaml.safe_load(text)).collection("visitors.csv")


def copy_of_visitor_log(estate: Estate, tmp_path: Path) -> Path:
    folder = tmp_path / "visitor_log"
    shutil.copytree(estate.files, folder)
    return folder


def test_the_visitor_only_persons_visits_are_found_read_and_erased_once(
    estate: Estate, tmp_path: Path
) -> None:
    folder = copy_of_visitor_log(estate, tmp_path)
    connector = open_files(
        SystemKind.files, ConnectorContext("visitor_log", {"path": str(folder)}, pseudonym_key=b"k")
    )
    collection = visitor_log_map()
    keys = connector.find(collection, "visitor_email", [VISITOR_ONLY_EMAIL])
    assert len(keys) == 2
    assert {r.fields["visitor_email"] for r in connector.read(collection, keys)} == {
        VISITOR_ONLY_EMAIL
    }
    assert connector.erase(collection, keys).affected == 2
    assert connector.erase(collection, keys).affected == 0
    assert connector.find(collection, "visitor_email", [VISITOR_ONLY_EMAIL]) == []


def test_visits_past_the_one_year_retention_are_listed(estate: Estate, tmp_path: Path) -> None:
    folder = copy_of_visitor_log(estate, tmp_path)
    connector = open_files(SystemKind.files, ConnectorContext("visitor_log", {"path": str(folder)}))
    collection = visitor_log_map()
    old = connector.past(collection, date(2025, 12, 1))
    everything = connector.past(collection, date(2026, 12, 2))
    assert 0 < len(old) < len(everything)

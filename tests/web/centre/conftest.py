"""The privacy centre over the Outserve reference manifest (``examples/outserve/fixed``), on a
real, migrated store: SQLite and PostgreSQL (the ``web_wiring`` fixture's backends)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from steward.consent.purposes import PurposeCatalogue
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.web.centre.support import outserve_manifest


@pytest.fixture
def centre_wiring(web_wiring: WebWiring) -> WebWiring:
    manifest = outserve_manifest()
    return dataclasses.replace(
        web_wiring,
        manifest=manifest,
        purposes=PurposeCatalogue.of(manifest),
        nation=manifest.organisation.nation,
    )


@pytest.fixture
def centre_app(centre_wiring: WebWiring) -> FastAPI:
    return create_app(centre_wiring)


@pytest.fixture
def centre_client(centre_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(centre_app, base_url="http://testserver") as client:
        yield client

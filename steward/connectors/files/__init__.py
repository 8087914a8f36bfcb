"""The files driver: a folder of CSV, JSONL and XLSX files (see ``connector``)."""

from __future__ import annotations

from steward.connectors.files.connector import FilesConnector
from steward.connectors.protocol import ConnectorContext
from steward.manifest.vocabulary import SystemKind


def open_files(kind: SystemKind, context: ConnectorContext) -> FilesConnector:
    """The registry's entry for ``kind: files`` (``steward.connectors.registry``)."""
    del kind  # one kind only; the registry passes it to every driver
    return FilesConnector(context)


__all__ = ["FilesConnector", "open_files"]

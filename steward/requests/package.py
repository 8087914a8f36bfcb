"""The response package for an access or portability request: one ZIP the person can keep.

UK GDPR Art 15(3) (a copy of the personal data, in a commonly used electronic form when asked
electronically) and Art 20(1) (structured, commonly used, machine-readable). For each system and
collection the package holds ``SYSTEM/COLLECTION.json`` (for another service to read) and
``SYSTEM/COLLECTION.csv`` (for a spreadsheet; every cell made formula-safe), the signed
``certificate.json``, and ``index.html``, a readable summary with the Art 15 information
(``steward.requests.package_index``).

The same input gives the same bytes: entries in a fixed order, each dated with the request's
finish time, fixed attributes and compression, so the SHA-256 of a package (kept with its
download token) identifies exactly what the person was given. The builder writes to a binary
stream it is given; the caller decides where the bytes go.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import BinaryIO

from steward.connectors.protocol import FieldValue, Record
from steward.errors import InvalidInput
from steward.evidence.verification import PACKAGE_ENTRY, read_certificate
from steward.manifest.schema import Manifest
from steward.requests.outcome import ExportedRecords, RequestOutcome
from steward.requests.package_index import Holding, render_index
from steward.spreadsheet import formula_safe_row

CERTIFICATE_NAME = PACKAGE_ENTRY
INDEX_NAME = "index.html"
KEY_COLUMN = "record"
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class ResponsePackage:
    """What was written: the entries, the size and the SHA-256 (hex) of the ZIP's bytes."""

    names: tuple[str, ...]
    size: int
    digest: str


def write_response_package(
    stream: BinaryIO,
    *,
    records: ExportedRecords,
    manifest: Manifest,
    outcome: RequestOutcome,
    certificate: bytes,
) -> ResponsePackage:
    """Write the package for ``outcome`` to ``stream``; ``certificate`` is the signed file.

    Refused (InvalidInput) when the certificate is for another request, or a system or
    collection name would collide with another once made safe as a file name.
    """
    signed = read_certificate(certificate)
    request = signed.certificate.get("request")
    reference = request.get("reference") if isinstance(request, dict) else None
    if reference != outcome.request_id:
        raise InvalidInput(
            f"the certificate is for request {reference!r}, not {outcome.request_id!r}",
            where=CERTIFICATE_NAME,
            hint="sign the certificate of this request's outcome and give that one",
        )
    holdings, files = _record_files(records)
    index = render_index(
        manifest=manifest, outcome=outcome, certificate=signed.certificate, holdings=holdings
    )
    files[CERTIFICATE_NAME] = certificate
    files[INDEX_NAME] = index.encode("utf-8")
    moment = outcome.finished_at.astimezone(UTC)
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            archive.writestr(_entry(name, stamp), files[name])
    content = buffer.getvalue()
    stream.write(content)
    return ResponsePackage(
        names=tuple(sorted(files)),
        size=len(content),
        digest=hashlib.sha256(content).hexdigest(),
    )


def _entry(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever machine builds it
    info.external_attr = 0o644 << 16
    return info


def _record_files(records: ExportedRecords) -> tuple[list[Holding], dict[str, bytes]]:
    holdings: list[Holding] = []
    files: dict[str, bytes] = {}
    for system, collection in sorted(records):
        found = sorted(records[(system, collection)], key=lambda r: r.key)
        if not found:
            continue
        stem = f"{_safe(system, 'system')}/{_safe(collection, f'{system} collection')}"
        json_name, csv_name = f"{stem}.json", f"{stem}.csv"
        if json_name in files:
            raise InvalidInput(
                f"two collections would both be written as {stem}",
                where=f"{system}/{collection}",
                hint="give systems and collections ids of letters, digits, '.', '_' and '-'",
            )
        files[json_name] = _as_json(system, collection, found)
        files[csv_name] = _as_csv(found)
        holdings.append(Holding(system, collection, len(found), json_name, csv_name))
    return holdings, files


def _safe(name: str, what: str) -> str:
    safe = _UNSAFE_IN_NAME.sub("_", name)
    if safe.strip(".") == "":
        raise InvalidInput(
            f"{name!r} cannot be used as a file name in the package",
            where=what,
            hint="give it an id of letters, digits, '.', '_' and '-'",
        )
    return safe


def _as_json(system: str, collection: str, found: Sequence[Record]) -> bytes:
    document = {
        "system": system,
        "collection": collection,
        "records": [{"key": list(r.key.values), "fields": dict(r.fields)} for r in found],
    }
    try:
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except ValueError as error:
        raise InvalidInput(
            f"a record holds a number JSON cannot carry ({error})",
            where=f"{system}/{collection}",
            hint="the connector should give NaN or infinity as text or null",
        ) from None
    return (text + "\n").encode("utf-8")


def _as_csv(found: Sequence[Record]) -> bytes:
    columns = sorted({name for record in found for name in record.fields})
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(formula_safe_row([KEY_COLUMN, *columns]))
    for record in found:
        cells = [",".join(record.key.values), *(_cell(record.fields.get(c)) for c in columns)]
        writer.writerow(formula_safe_row(cells))
    return ("\ufeff" + text.getvalue()).encode("utf-8")  # BOM: spreadsheets then read UTF-8


def _cell(value: FieldValue) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

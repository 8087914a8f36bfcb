"""The baseline the request benchmarks compare with: one person's records found (access) or
erased (erasure) by plain statements issued directly, with the drivers the connectors use.

For the SQL systems and the visitor log the statements follow the request's plan, collection by
collection, but without Steward around them: one ``SELECT`` of the mapped columns by the
indexed identifier or parent key (psycopg, PyMySQL, sqlite3 on connections opened once), and for
an erasure one ``DELETE`` by primary key, or an ``UPDATE`` per row writing the masked values,
per collection, committed once per system. The visitor log is read with ``csv.reader`` (a file
has no index: a scan is the raw lookup) and rewritten atomically for an erasure. Each SaaS
system gets the fewest direct HTTP calls (httpx) that find, or delete, the person's records.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pymysql
from sqlalchemy.engine import make_url

from examples.outserve.estate.environment import EstateLocations
from steward.connectors.masking import fields_masked, masked
from steward.engine.plan import ByIdentity, Plan, PlanStep
from steward.manifest.datasets import CollectionMap, Erase, IdentityKind
from steward.requests.outcome import StepAction

Row = dict[str, Any]
PSEUDONYM_KEY = b"raw baseline pseudonym key"
MAILCHIMP_LIST = "outserve-clients"


@dataclass(frozen=True)
class _Sql:
    connection: Any
    marker: str
    quote: str

    def name(self, text: str) -> str:
        return f"{self.quote}{text}{self.quote}"


class RawEstate:
    """Connections to every system of the estate, opened once; ``access`` and ``erase`` return
    the seconds spent per system for one person."""

    def __init__(
        self,
        where: EstateLocations,
        servers: Sequence[tuple[str, str, Mapping[str, str]]],
        access_plan: Plan,
        erasure_plan: Plan,
    ) -> None:
        self._plans = {StepAction.export: access_plan, StepAction.erase: erasure_plan}
        crm, hr = make_url(where.crm), make_url(where.hr)
        self._sql = {
            "crm": _Sql(
                psycopg.connect(
                    host=crm.host, port=crm.port, user=crm.username, dbname=crm.database
                ),
                "%s",
                '"',
            ),
            "hr": _Sql(
                pymysql.connect(
                    host=hr.host,
                    port=hr.port or 3306,
                    user=hr.username,
                    database=hr.database,
                    charset="utf8mb4",
                ),
                "%s",
                "`",
            ),
            "support": _Sql(sqlite3.connect(where.support), "?", '"'),
        }
        self._visitors = where.visitors
        self._http: dict[str, httpx.Client] = {}
        for vendor, base_url, connection in servers:
            auth: httpx.Auth | None = None
            headers = {}
            if vendor == "hubspot":
                headers["Authorization"] = f"Bearer {connection['access_token']}"
            elif vendor == "zendesk":
                auth = httpx.BasicAuth(f"{connection['email']}/token", connection["api_token"])
            else:
                auth = httpx.BasicAuth("steward", connection["api_key"])
            self._http[vendor] = httpx.Client(
                base_url=base_url, auth=auth, headers=headers, timeout=60
            )

    def close(self) -> None:
        for sql in self._sql.values():
            sql.connection.close()
        for client in self._http.values():
            client.close()

    # -- the two kinds ---------------------------------------------------------------------

    def access(self, email: str) -> dict[str, float]:
        plan = self._plans[StepAction.export]
        spent = {
            system: _timed(lambda s=system: self._sql_find(plan, s, email)) for system in self._sql
        }
        spent["visitor_log"] = _timed(lambda: self._csv_find(plan, email))
        spent["hubspot"] = _timed(lambda: self._hubspot(email, erase=False))
        spent["zendesk"] = _timed(lambda: self._zendesk(email, erase=False))
        spent["mailchimp"] = _timed(lambda: self._mailchimp(email, erase=False))
        return spent

    def erase(self, email: str) -> dict[str, float]:
        plan = self._plans[StepAction.erase]
        spent = {
            system: _timed(lambda s=system: self._sql_erase(plan, s, email)) for system in self._sql
        }
        spent["visitor_log"] = _timed(lambda: self._csv_erase(plan, email))
        spent["hubspot"] = _timed(lambda: self._hubspot(email, erase=True))
        spent["zendesk"] = _timed(lambda: self._zendesk(email, erase=True))
        spent["mailchimp"] = _timed(lambda: self._mailchimp(email, erase=True))
        return spent

    # -- SQL -------------------------------------------------------------------------------

    def _sql_find(self, plan: Plan, system: str, email: str) -> dict[int, list[Row]]:
        sql = self._sql[system]
        cursor = sql.connection.cursor()
        found: dict[int, list[Row]] = {}
        for step in _searches(plan, system):
            collection = plan.collection(system, step.collection)
            names = [f.name for f in collection.fields]
            columns = ", ".join(sql.name(n) for n in names)
            rows: dict[tuple[Any, ...], Row] = {}
            for field, values in _finders(step, email, found):
                if not values:
                    continue
                marks = ", ".join([sql.marker] * len(values))
                cursor.execute(
                    f"SELECT {columns} FROM {sql.name(collection.name)} "
                    f"WHERE {sql.name(field)} IN ({marks})",
                    list(values),
                )
                for values_row in cursor.fetchall():
                    row = dict(zip(names, values_row, strict=True))
                    rows[tuple(row[k] for k in collection.primary_key)] = row
            found[step.number] = list(rows.values())
        cursor.close()
        sql.connection.commit()
        return found

    def _sql_erase(self, plan: Plan, system: str, email: str) -> None:
        found = self._sql_find(plan, system, email)
        sql = self._sql[system]
        cursor = sql.connection.cursor()
        for step in _acts(plan, system):
            assert step.acts_on is not None
            rows = found[step.acts_on]
            if not rows:
                continue
            collection = plan.collection(system, step.collection)
            (key,) = collection.primary_key
            table, key_column = sql.name(collection.name), sql.name(key)
            if collection.erase is Erase.delete:
                marks = ", ".join([sql.marker] * len(rows))
                cursor.execute(
                    f"DELETE FROM {table} WHERE {key_column} IN ({marks})", [r[key] for r in rows]
                )
                continue
            fields = [f for f in fields_masked(collection) if f.name != key]
            assignments = ", ".join(f"{sql.name(f.name)} = {sql.marker}" for f in fields)
            for row in rows:
                values = [_mask(f, row[f.name]) for f in fields]
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE {key_column} = {sql.marker}",
                    [*values, row[key]],
                )
        cursor.close()
        sql.connection.commit()

    # -- the visitor log -------------------------------------------------------------------

    def _csv_find(self, plan: Plan, email: str) -> dict[int, list[Row]]:
        found: dict[int, list[Row]] = {}
        for step in _searches(plan, "visitor_log"):
            wanted = list(_finders(step, email, found))
            with (self._visitors / step.collection).open(newline="", encoding="utf-8") as source:
                reader = csv.reader(source)
                header = next(reader)
                tests = [(header.index(field), set(values)) for field, values in wanted]
                found[step.number] = [
                    dict(zip(header, cells, strict=True))
                    for cells in reader
                    if any(cells[at] in values for at, values in tests)
                ]
        return found

    def _csv_erase(self, plan: Plan, email: str) -> None:
        found = self._csv_find(plan, email)
        for step in _acts(plan, "visitor_log"):
            assert step.acts_on is not None
            rows = found[step.acts_on]
            if not rows:
                continue
            collection = plan.collection("visitor_log", step.collection)
            _rewrite_csv(self._visitors / step.collection, collection, rows)

    # -- SaaS ------------------------------------------------------------------------------

    def _hubspot(self, email: str, *, erase: bool) -> None:
        http = self._http["hubspot"]
        search = {
            "filterGroups": [
                {"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]}
            ],
            "properties": ["email", "firstname", "lastname", "phone"],
            "limit": 100,
        }
        answer = _ok(http.post("/crm/v3/objects/contacts/search", json=search))
        if erase:
            for contact in answer["results"]:
                _ok(http.post("/crm/v3/objects/contacts/gdpr-delete",
                              json={"objectId": contact["id"]}))  # fmt: skip

    def _zendesk(self, email: str, *, erase: bool) -> None:
        http = self._http["zendesk"]
        users = _ok(http.get("/api/v2/users/search.json", params={"query": f"email:{email}"}))
        for user in users["users"]:
            requested = f"/api/v2/users/{user['id']}/tickets/requested.json"
            tickets = _ok(http.get(requested, params={"page[size]": 100}))["tickets"]
            if not erase:
                continue
            for ticket in tickets:
                _ok(http.delete(f"/api/v2/tickets/{ticket['id']}.json"))
                _ok(http.delete(f"/api/v2/deleted_tickets/{ticket['id']}.json"))
            _ok(http.delete(f"/api/v2/users/{user['id']}.json"))
            _ok(http.delete(f"/api/v2/deleted_users/{user['id']}.json"))

    def _mailchimp(self, email: str, *, erase: bool) -> None:
        http = self._http["mailchimp"]
        lists = _ok(http.get("/3.0/lists", params={"email": email, "fields": "lists.id"}))
        subscriber = hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()
        for audience in lists["lists"]:
            member = f"/3.0/lists/{audience['id']}/members/{subscriber}"
            if erase:
                _ok(http.post(f"{member}/actions/delete-permanent"))
            else:
                _ok(http.get(member))


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _searches(plan: Plan, system: str) -> list[PlanStep]:
    return [s for s in plan.steps if s.system == system and s.action is StepAction.search]


def _acts(plan: Plan, system: str) -> list[PlanStep]:
    return [s for s in plan.steps if s.system == system and s.action is StepAction.erase]


def _finders(
    step: PlanStep, email: str, found: Mapping[int, list[Row]]
) -> Iterable[tuple[str, list[Any]]]:
    """(field, values) for each way the step finds records: the e-mail, or the parent's keys."""
    for finder in step.found_by:
        if isinstance(finder, ByIdentity):
            yield finder.field, [email] if finder.kind is IdentityKind.email else []
        else:
            parents = found.get(finder.step, [])
            yield finder.field, sorted({r[finder.parent_field] for r in parents}, key=str)


def _mask(field: Any, value: Any) -> Any:
    new = masked(field, value, PSEUDONYM_KEY)
    if isinstance(value, date | datetime) and isinstance(new, str):
        return date.fromisoformat(new)
    return new


def _rewrite_csv(path: Path, collection: CollectionMap, rows: list[Row]) -> None:
    """Drop (or mask) the rows with the found keys: a new file beside the old one, flushed,
    moved over it, and the folder synced."""
    keys = {tuple(r[k] for k in collection.primary_key) for r in rows}
    fields = {f.name: f for f in fields_masked(collection)}
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with (
        path.open(newline="", encoding="utf-8") as source,
        os.fdopen(descriptor, "w", newline="", encoding="utf-8") as target,
    ):
        reader, writer = csv.reader(source), csv.writer(target)
        header = next(reader)
        writer.writerow(header)
        at = [header.index(k) for k in collection.primary_key]
        for cells in reader:
            if tuple(cells[i] for i in at) not in keys:
                writer.writerow(cells)
            elif collection.erase is Erase.mask:
                writer.writerow(
                    [
                        masked(fields[n], c, PSEUDONYM_KEY) or "" if n in fields else c
                        for n, c in zip(header, cells, strict=True)
                    ]
                )
        target.flush()
        os.fsync(target.fileno())
    os.replace(temporary, path)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _ok(response: httpx.Response) -> Any:
    response.raise_for_status()
    return response.json() if response.content else None

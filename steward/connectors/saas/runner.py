"""One connector for every SaaS definition: the protocol's calls made from a definition's data.

Every call goes through the shared ``RetryingSender`` (429 Retry-After, 5xx backoff). What comes
back is read one way for every vendor: 2xx is an answer, 404 on a record means it is not there
(so erasing it again is ``affected=0``, the idempotence a resumed plan relies on), other 4xx are
``SystemRefused``, and a vendor still failing after the retries is ``SystemUnavailable``. Secrets
travel only in the Authorization header; a log line names the system, method and path, never a
token or an e-mail address (the address of a lookup goes in a body or the query string, and
Mailchimp's paths carry its MD5, not the address).
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from datetime import time as time_of_day
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import httpx

from steward.connectors.http_retry import RetryingSender, RetryPolicy, Sleep
from steward.connectors.protocol import (
    Capability,
    ChangeReceipt,
    Connector,
    ConnectorContext,
    FieldValue,
    NotSupported,
    Record,
    RecordKey,
    SystemRefused,
    SystemUnavailable,
)
from steward.connectors.saas.access import resolve_access
from steward.connectors.saas.definition import (
    CollectionDefinition,
    Lookup,
    RequestSpec,
    SaasDefinition,
    bundled_definition,
)
from steward.connectors.saas.hooks import ERASE_HOOKS, VALUE_HOOKS
from steward.connectors.saas.masking import masked_changes
from steward.connectors.saas.paging import PageAsk, Pages, PagingLoop
from steward.connectors.saas.templates import dig, fill, fill_json
from steward.errors import ConfigError, ConnectorError, InvalidInput
from steward.manifest.datasets import CollectionMap, Erase, RestrictBy
from steward.manifest.vocabulary import SystemKind

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """The TLS settings httpx uses by default, built once per process: building them loads the
    CA bundle (tens of milliseconds of CPU), and a worker opens a connector for every step."""
    return httpx.create_ssl_context()


def open_saas(kind: SystemKind, context: ConnectorContext) -> Connector:
    """The registry's driver for hubspot, zendesk and mailchimp systems."""
    return SaasConnector(bundled_definition(kind.value), context)


class SaasConnector:
    """A ``Connector`` acting on one vendor's API as its definition describes."""

    def __init__(
        self,
        definition: SaasDefinition,
        context: ConnectorContext,
        http: httpx.Client | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.system_id = context.system_id
        self.definition = definition
        self._context = context
        access = resolve_access(definition, context)  # before a client exists to be leaked
        self.base_url = access.base_url
        self._parameters = access.parameters
        self._authorization = access.authorization
        self._page_size = access.page_size
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=TIMEOUT, verify=_tls())
        self._sender = RetryingSender(
            self._http,
            service=f"{definition.vendor} ({context.system_id})",
            policy=policy,
            sleep=sleep,
        )
        collections = definition.collections.values()
        self.capabilities = frozenset(
            {Capability.find_records, Capability.read}
            | (
                {Capability.rectify, Capability.restrict}
                if any(c.update for c in collections)
                else set()
            )
            | ({Capability.erase} if any(c.erase for c in collections) else set())
            | ({Capability.list_past} if any(c.past for c in collections) else set())
        )

    def __repr__(self) -> str:
        return f"SaasConnector({self.definition.vendor}, system={self.system_id})"

    # -- the protocol -----------------------------------------------------------------------

    def find(
        self, collection: CollectionMap, field_name: str, values: Sequence[str]
    ) -> list[RecordKey]:
        spec = self._collection(collection)
        lookup = spec.lookup_for(field_name)
        if lookup is None:
            raise NotSupported(self.system_id, Capability.find_records)
        found: dict[RecordKey, None] = {}
        for value in values:
            placeholders = {**self._parameters, "value": value, "field": field_name}
            found.update(dict.fromkeys(self._collect(collection.name, lookup, placeholders)))
        log.info("%s %s: found %d record(s)", self.system_id, collection.name, len(found))
        return list(found)

    def read(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> list[Record]:
        spec = self._collection(collection)
        others = [f.name for f in collection.fields if f.name not in collection.primary_key]
        records = []
        for key in keys:
            values = {**self._key_values(spec, key), "fields": ",".join(others)}
            answer = self._send(self._request(spec.read.request, values))
            if answer is None:
                continue
            record = dig(answer, spec.read.record_at)
            if not isinstance(record, Mapping):
                continue
            fields: dict[str, FieldValue] = dict(
                zip(collection.primary_key, key.values, strict=True)
            )
            for name in others:
                fields[name] = _scalar(dig(dig(record, spec.read.fields_at), name))
            records.append(Record(key, fields))
        return records

    def rectify(
        self,
        collection: CollectionMap,
        keys: Sequence[RecordKey],
        changes: Mapping[str, FieldValue],
    ) -> ChangeReceipt:
        for name in changes:
            if (
                name not in {f.name for f in collection.fields}
                or not collection.field(name).rectifiable
            ):
                raise InvalidInput(
                    f"'{name}' is not a rectifiable field of {collection.name}",
                    where=f"system {self.system_id}",
                    hint="the dataset map lists the fields and marks which may be rectified",
                )
        return self._update_each(collection, keys, lambda _key: dict(changes), "rectified")

    def erase(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> ChangeReceipt:
        spec = self._collection(collection)
        if collection.erase is Erase.mask:
            key_material = self._context.pseudonym_key
            masks = {
                record.key: masked_changes(collection, record, key_material)
                for record in self.read(collection, keys)
            }
            return self._update_each(
                collection, [key for key in keys if masks.get(key)], masks.__getitem__, "masked"
            )
        erase = spec.erase
        if erase is None:
            raise NotSupported(self.system_id, Capability.erase)
        done: list[str] = []
        for key in keys:
            values = self._key_values(spec, key)
            if erase.hook is not None:
                removed = ERASE_HOOKS[erase.hook](self._send_spec, erase, values)
            else:
                removed = self._send_spec(erase.request, values) is not None
                if removed and erase.then is not None:
                    self._send_spec(erase.then, values)
            if removed:
                done.append(",".join(key.values))
        log.info("%s %s: erased %d of %d", self.system_id, collection.name, len(done), len(keys))
        return ChangeReceipt(len(done), tuple(done), "erased")

    def restrict(
        self, collection: CollectionMap, keys: Sequence[RecordKey], on: bool
    ) -> ChangeReceipt:
        spec = self._collection(collection)
        restriction = collection.restrict
        if restriction.by is RestrictBy.field and restriction.field is not None:
            flag = restriction.field
            return self._update_each(collection, keys, lambda _key: {flag: on}, "restricted")
        if restriction.by is RestrictBy.native and spec.restrict is not None:
            call = spec.restrict.on if on else spec.restrict.off
            done = [
                ",".join(key.values)
                for key in keys
                if self._send_spec(call, self._key_values(spec, key)) is not None
            ]
            return ChangeReceipt(len(done), tuple(done), "restricted" if on else "released")
        raise NotSupported(self.system_id, Capability.restrict)

    def past(self, collection: CollectionMap, before: date) -> list[RecordKey]:
        """Records whose ``date_field`` is before ``before`` (a retention sweep), through the
        vendor's own date search where the definition has one."""
        spec = self._collection(collection)
        field_name = collection.date_field
        if spec.past is None or field_name is None or field_name not in spec.past.fields:
            raise NotSupported(self.system_id, Capability.list_past)
        midnight = datetime.combine(before, time_of_day.min, tzinfo=UTC)
        placeholders = {
            **self._parameters,
            "field": field_name,
            "before": before.isoformat(),
            "before_ms": str(int(midnight.timestamp() * 1000)),
        }
        return list(dict.fromkeys(self._collect(collection.name, spec.past, placeholders)))

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    # -- building and sending requests ------------------------------------------------------

    def _collect(
        self, collection: str, lookup: Lookup, placeholders: Mapping[str, str]
    ) -> list[RecordKey]:
        """Every key a lookup answers with, page after page."""
        found: list[RecordKey] = []
        pages = Pages(lookup.paging, self._page_size)
        ask: PageAsk | str | None = pages.first()
        while ask is not None:
            if isinstance(ask, str):
                request = self._same_origin(ask)
            else:
                request = self._request(lookup.request, placeholders, extra=ask)
            answer = self._send(request)
            if answer is None:
                break
            items = dig(answer, lookup.results_at) or []
            if not isinstance(items, list):
                raise self._unexpected(f"'{lookup.results_at}' is not a list")
            for item in items:
                values_for_key = {**placeholders, **_flatten("item", item)}
                try:
                    key = tuple(fill(t, values_for_key, VALUE_HOOKS) for t in lookup.key)
                except KeyError as missing:
                    raise self._unexpected(f"a result has no {missing}") from None
                found.append(RecordKey(collection, key))
            try:
                ask = pages.after(answer, len(items))
            except PagingLoop as error:
                raise SystemUnavailable(
                    self.system_id,
                    f"{self.definition.vendor} paging did not end: {error}",
                    hint="run the search again later; if it persists, report it to the vendor",
                ) from error
        return found

    def _update_each(
        self,
        collection: CollectionMap,
        keys: Sequence[RecordKey],
        changes_for: Callable[[RecordKey], Mapping[str, FieldValue]],
        detail: str,
    ) -> ChangeReceipt:
        spec = self._collection(collection)
        if spec.update is None:
            raise NotSupported(self.system_id, Capability.rectify)
        done = []
        for key in keys:
            request = self._request(spec.update, self._key_values(spec, key), changes_for(key))
            if self._send(request) is not None:
                done.append(",".join(key.values))
        return ChangeReceipt(len(done), tuple(done), detail)

    def _send_spec(self, spec: RequestSpec, values: Mapping[str, str]) -> Any:
        return self._send(self._request(spec, values))

    def _request(
        self,
        spec: RequestSpec,
        values: Mapping[str, str],
        changes: Mapping[str, Any] | None = None,
        extra: PageAsk | None = None,
    ) -> httpx.Request:
        path = fill(spec.path, values, VALUE_HOOKS, encode=_path_segment)
        query = {name: fill(value, values, VALUE_HOOKS) for name, value in spec.query.items()}
        body = None if spec.body is None else fill_json(spec.body, values, VALUE_HOOKS, changes)
        if extra is not None:
            query.update(extra.query)
            if extra.body:
                body = {**(body if isinstance(body, dict) else {}), **extra.body}
        return self._http.build_request(
            spec.method,
            self.base_url + path,
            params=query or None,
            json=body,
            headers={"Authorization": self._authorization, "Accept": "application/json"},
        )

    def _send(self, request: httpx.Request) -> Any:
        """The JSON answer (``{}`` when empty), or None when the vendor says 404."""
        try:
            response = self._sender.send(request)
        except ConnectorError as error:
            raise SystemUnavailable(self.system_id, error.message, hint=error.hint) from error
        status = response.status_code
        if status == 404:
            return None
        if status in (401, 403):
            raise SystemRefused(
                self.system_id,
                f"{self.definition.vendor} refused the credentials (HTTP {status}) for "
                f"{request.method} {request.url.path}",
                hint="check the system's connection values and the token's scopes",
            )
        if status >= 400:
            raise SystemRefused(
                self.system_id,
                f"{self.definition.vendor} refused {request.method} {request.url.path} "
                f"(HTTP {status})",
                hint="the call as made will not succeed by retrying; see the vendor's answer "
                "in its own logs",
            )
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError as error:
            raise SystemUnavailable(
                self.system_id,
                f"{self.definition.vendor} answered {request.method} {request.url.path} "
                "with something that is not JSON",
                hint="check the base URL points at the vendor's API",
            ) from error

    def _unexpected(self, problem: str) -> SystemUnavailable:
        return SystemUnavailable(
            self.system_id,
            f"{self.definition.vendor} answered in an unexpected shape: {problem}",
            hint="the vendor may have changed its API; check the definition against its docs",
        )

    def _same_origin(self, url: str) -> httpx.Request:
        """A next-page URL is followed only on the API's own host: the credentials go with it."""
        target, base = httpx.URL(url), httpx.URL(self.base_url)
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise SystemRefused(
                self.system_id,
                f"{self.definition.vendor} gave a next-page link to another host",
                hint="Steward does not send the credentials anywhere but the API's own host",
            )
        return self._http.build_request(
            "GET",
            target,
            headers={"Authorization": self._authorization, "Accept": "application/json"},
        )

    # -- settings ---------------------------------------------------------------------------

    def _collection(self, collection: CollectionMap) -> CollectionDefinition:
        spec = self.definition.collections.get(collection.name)
        if spec is None:
            raise ConfigError(
                f"{self.definition.vendor} has no collection '{collection.name}'",
                where=f"dataset map of system {self.system_id}",
                hint=f"use one of: {', '.join(sorted(self.definition.collections))}",
            )
        if tuple(collection.primary_key) != spec.primary_key:
            raise ConfigError(
                f"the primary key of {collection.name} is {', '.join(spec.primary_key)} "
                f"in {self.definition.vendor}",
                where=f"dataset map of system {self.system_id}, {collection.name}.primary_key",
                hint=f"write primary_key: [{', '.join(spec.primary_key)}]",
            )
        return spec

    def _key_values(self, spec: CollectionDefinition, key: RecordKey) -> dict[str, str]:
        return {**self._parameters, **dict(zip(spec.primary_key, key.values, strict=True))}


def _flatten(prefix: str, value: Any) -> dict[str, str]:
    """``item`` -> ``{"item.id": "42", ...}`` so a key template can say ``{item.id}``."""
    if isinstance(value, Mapping):
        flat: dict[str, str] = {}
        for name, inner in value.items():
            flat.update(_flatten(f"{prefix}.{name}", inner))
        return flat
    return {prefix: "" if value is None else str(value)}


def _path_segment(value: str) -> str:
    """A value placed in a path cannot add a segment or a query (``/``, ``?`` are encoded)."""
    return quote(value, safe="")


def _scalar(value: Any) -> FieldValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, sort_keys=True)

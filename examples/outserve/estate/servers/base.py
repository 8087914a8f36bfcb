"""What every contract server shares: real HTTP on 127.0.0.1 (stdlib, a thread, port 0), a
record of the requests seen, and fault injection (the next N API calls answer 429 with
Retry-After, or a 5xx), so a connector's retry handling is tested against real sockets.

A vendor's server says how it authenticates and answers (``route``) and how its errors look
(``error``); nothing else differs.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)


def json_answer(status: int, data: object, headers: Mapping[str, str] | None = None) -> Answer:
    return Answer(status, json.dumps(data).encode(), headers=dict(headers or {}))


@dataclass(frozen=True)
class SeenRequest:
    method: str
    target: str  # path and query exactly as sent
    authorization: str | None
    body: bytes


class ContractServer(ABC):
    """A running server; ``base_url`` is what a connector is given instead of the vendor's."""

    api_prefix = "/"
    """Fault injection applies to targets under this prefix."""

    def __init__(self, port: int = 0) -> None:
        self.seen: list[SeenRequest] = []
        self._faults: list[Answer] = []
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._http.daemon_threads = True
        host, bound = self._http.server_address[:2]
        self.base_url = f"http://{host!s}:{bound}"
        self._thread: threading.Thread | None = None

    # -- what a vendor's server supplies ----------------------------------------------------

    @abstractmethod
    def route(self, method: str, target: str, authorization: str | None, body: bytes) -> Answer:
        """Answer one API call as the vendor's documented contract does."""

    def error(self, status: int, message: str) -> Answer:
        """An error in the vendor's own shape."""
        return json_answer(status, {"error": message})

    # -- faults and what was seen -----------------------------------------------------------

    def rate_limit_next(self, calls: int, retry_after: int) -> None:
        answer = self.error(429, "Too many requests")
        limited = Answer(
            answer.status,
            answer.body,
            answer.content_type,
            {**answer.headers, "Retry-After": str(retry_after)},
        )
        with self._lock:
            self._faults.extend([limited] * calls)

    def fail_next(self, calls: int, status: int = 503) -> None:
        with self._lock:
            self._faults.extend([self.error(status, "Service unavailable")] * calls)

    def api_calls(self) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.seen if r.target.startswith(self.api_prefix)]

    def answer(self, method: str, target: str, authorization: str | None, body: bytes) -> Answer:
        with self._lock:
            self.seen.append(SeenRequest(method, target, authorization, body))
            under_api = target.startswith(self.api_prefix)
            fault = self._faults.pop(0) if self._faults and under_api else None
        if fault is not None:
            return fault
        return self.route(method, target, authorization, body)

    # -- running ----------------------------------------------------------------------------

    def serve_in_background(self) -> threading.Thread:
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        return self._thread

    def close(self) -> None:
        if self._thread is not None:  # shutdown() waits for serve_forever, so only if it ran
            self._http.shutdown()
            self._thread.join(timeout=5)
        self._http.server_close()

    def __enter__(self) -> Self:
        self.serve_in_background()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _handler_for(server: ContractServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave as separate writes

        def _respond(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = server.answer(self.command, self.path, self.headers.get("Authorization"), body)
            self.send_response(answer.status)
            if answer.status != 204:
                self.send_header("Content-Type", answer.content_type)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _respond

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: pytest treats stray output as noise, and paths may carry test data."""

    return Handler


class ExactIndex:
    """Record ids by the lower-cased text of one field, kept current as records change: what a
    vendor's own search index gives (HubSpot and Zendesk find a contact by e-mail without
    reading every record), so a search of a million records costs a lookup, not a scan.

    ``text_of`` reads the field from a record (None: not indexed). The server calls
    ``add``/``discard`` around every change to a record, holding its own lock."""

    def __init__(self, text_of: Callable[[Mapping[str, Any]], object]) -> None:
        self._text_of = text_of
        self._ids: dict[str, dict[Hashable, None]] = {}

    def _key(self, record: Mapping[str, Any]) -> str | None:
        value = self._text_of(record)
        return None if value is None or value == "" else str(value).lower()

    def add(self, record_id: Hashable, record: Mapping[str, Any]) -> None:
        key = self._key(record)
        if key is not None:
            self._ids.setdefault(key, {})[record_id] = None

    def discard(self, record_id: Hashable, record: Mapping[str, Any]) -> None:
        key = self._key(record)
        if key is None:
            return
        ids = self._ids.get(key)
        if ids is not None:
            ids.pop(record_id, None)
            if not ids:
                del self._ids[key]

    def ids(self, value: object) -> list[Any]:
        """The ids of the records whose field equals ``value`` (case ignored), oldest first."""
        return list(self._ids.get(str(value).lower(), ()))


class Indexed:
    """Lazily built ``ExactIndex`` es over one table of records, by field name."""

    def __init__(
        self,
        records: Mapping[Any, Mapping[str, Any]],
        reader: Callable[[str], Callable[[Mapping[str, Any]], object]],
    ) -> None:
        self._records = records
        self._reader = reader
        self._by_field: dict[str, ExactIndex] = {}

    def index(self, name: str) -> ExactIndex:
        found = self._by_field.get(name)
        if found is None:
            found = ExactIndex(self._reader(name))
            for record_id, record in self._records.items():
                found.add(record_id, record)
            self._by_field[name] = found
        return found

    def before_change(self, record_id: Hashable, record: Mapping[str, Any]) -> None:
        for index in self._by_field.values():
            index.discard(record_id, record)

    def after_change(self, record_id: Hashable, record: Mapping[str, Any]) -> None:
        for index in self._by_field.values():
            index.add(record_id, record)

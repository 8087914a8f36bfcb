"""Serves the Mailchimp contract over real HTTP on 127.0.0.1 (stdlib, a thread, port 0).

Adds what only HTTP has: Basic auth (any user name, the API key as password), the /3.0 prefix,
a pre-signed results URL that, like S3, refuses requests carrying an Authorization header, and
fault injection (the next N API calls answer 429 with Retry-After, or a 5xx).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from tests.integration.connectors.mailchimp_contract import Answer, MailchimpContract, problem

API_PREFIX = "/3.0"
RESULTS_PREFIX = "/batch-results/"


@dataclass(frozen=True)
class SeenRequest:
    method: str
    target: str  # path and query exactly as sent
    authorization: str | None
    body: bytes


class MailchimpServer:
    """A running contract server; ``base_url`` is what the client is given instead of the DC."""

    def __init__(self, contract: MailchimpContract) -> None:
        self.contract = contract
        self.seen: list[SeenRequest] = []
        self._faults: list[Answer] = []
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = True
        host, port = self._http.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"
        contract.results_url = lambda batch_id: f"{self.base_url}{RESULTS_PREFIX}{batch_id}"

    def rate_limit_next(self, calls: int, retry_after: int) -> None:
        answer = problem(429, "Too Many Requests", "You have exceeded the limit of requests.")
        limited = Answer(
            answer.status, answer.body, answer.content_type, {"Retry-After": str(retry_after)}
        )
        with self._lock:
            self._faults.extend([limited] * calls)

    def fail_next(self, calls: int, status: int = 503) -> None:
        with self._lock:
            self._faults.extend(
                [problem(status, "Service Unavailable", "Please try again later.")] * calls
            )

    def api_calls(self) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.seen if r.target.startswith(API_PREFIX)]

    def answer(self, method: str, target: str, authorization: str | None, body: bytes) -> Answer:
        with self._lock:
            self.seen.append(SeenRequest(method, target, authorization, body))
            fault = self._faults.pop(0) if self._faults and target.startswith(API_PREFIX) else None
        if fault is not None:
            return fault
        url = urlsplit(target)
        if url.path.startswith(RESULTS_PREFIX) and method == "GET":
            return self._results(url.path.removeprefix(RESULTS_PREFIX), authorization)
        if not url.path.startswith(API_PREFIX + "/"):
            return problem(404, "Resource Not Found", "The requested resource could not be found.")
        if not self._authorised(authorization):
            return problem(
                401,
                "API Key Invalid",
                "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
            )
        query = dict(parse_qsl(url.query))
        return self.contract.handle(method, url.path.removeprefix(API_PREFIX), query, body)

    def _authorised(self, authorization: str | None) -> bool:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme != "Basic":
            return False
        try:
            _, _, password = base64.b64decode(token).decode().partition(":")
        except ValueError:
            return False
        return password == self.contract.api_key

    def _results(self, batch_id: str, authorization: str | None) -> Answer:
        if authorization is not None:
            return Answer(400, b"<Error>Only one auth mechanism allowed</Error>", "application/xml")
        archive = self.contract.results_archive(batch_id)
        if archive is None:
            return Answer(404, b"<Error>NoSuchKey</Error>", "application/xml")
        return Answer(200, archive, "application/x-gzip")

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


def _handler_for(server: MailchimpServer) -> type[BaseHTTPRequestHandler]:
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
            """Quiet: pytest treats stray output as noise."""

    return Handler


@contextmanager
def running_mailchimp(
    api_key: str, list_ids: tuple[str, ...], start: datetime
) -> Iterator[MailchimpServer]:
    server = MailchimpServer(MailchimpContract(api_key, list_ids, start))
    thread = server.serve_in_background()
    try:
        yield server
    finally:
        server.close()
        thread.join(timeout=5)

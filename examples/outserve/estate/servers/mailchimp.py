"""Serves the Mailchimp contract over real HTTP on 127.0.0.1 (stdlib, a thread, port 0).

Adds what only HTTP has: Basic auth (any user name, the API key as password), the /3.0 prefix,
a pre-signed results URL that, like S3, refuses requests carrying an Authorization header, and
fault injection (the next N API calls answer 429 with Retry-After, or a 5xx). ``from_seed``
loads audiences from a JSON file shaped like Mailchimp's own members
(``{"lists": {"<list_id>": {"members": [{"email_address": ..., "status": ...,
"merge_fields": {...}}]}}}``).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from examples.outserve.estate.servers.base import Answer, ContractServer, SeenRequest
from examples.outserve.estate.servers.mailchimp_contract import MailchimpContract, problem

API_PREFIX = "/3.0"
RESULTS_PREFIX = "/batch-results/"

__all__ = ["MailchimpServer", "SeenRequest", "running_mailchimp"]


class MailchimpServer(ContractServer):
    """A running contract server; ``base_url`` is what the client is given instead of the DC."""

    api_prefix = API_PREFIX

    def __init__(self, contract: MailchimpContract, port: int = 0) -> None:
        super().__init__(port)
        self.contract = contract
        contract.results_url = lambda batch_id: f"{self.base_url}{RESULTS_PREFIX}{batch_id}"

    @classmethod
    def from_seed(
        cls, seed: Mapping[str, Any], api_key: str, start: datetime, port: int = 0
    ) -> MailchimpServer:
        lists = seed.get("lists", {})
        contract = MailchimpContract(api_key, tuple(lists), start)
        for list_id, audience in lists.items():
            for member in audience.get("members", []):
                contract.add_member(
                    list_id,
                    member["email_address"],
                    member.get("status", "subscribed"),
                    merge_fields=member.get("merge_fields", {}),
                )
        return cls(contract, port)

    def error(self, status: int, message: str) -> Answer:
        titles = {429: "Too Many Requests"}
        detail = (
            "You have exceeded the limit of requests."
            if status == 429
            else "Please try again later."
        )
        return problem(status, titles.get(status, "Service Unavailable"), detail)

    def route(self, method: str, target: str, authorization: str | None, body: bytes) -> Answer:
        url = urlsplit(target)
        if url.path.startswith(RESULTS_PREFIX) and method == "GET":
            return self._results(url.path.removeprefix(RESULTS_PREFIX), authorization)
        if not url.path.startswith(API_PREFIX + "/") and url.path != API_PREFIX:
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


@contextmanager
def running_mailchimp(
    api_key: str, list_ids: tuple[str, ...], start: datetime
) -> Iterator[MailchimpServer]:
    with MailchimpServer(MailchimpContract(api_key, list_ids, start)) as server:
        yield server

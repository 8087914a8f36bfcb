"""The small pure parts of the SaaS runner: filling templates, nesting changes, reading dotted
paths, and deciding whether there is another page."""

from __future__ import annotations

import hashlib

import pytest

from steward.connectors.protocol import Record, RecordKey
from steward.connectors.saas.definition import Paging
from steward.connectors.saas.hooks import subscriber_hash
from steward.connectors.saas.masking import masked_changes
from steward.connectors.saas.paging import PageAsk, Pages, PagingLoop
from steward.connectors.saas.templates import dig, fill, fill_json, nest
from steward.errors import ConfigError
from steward.manifest.datasets import CollectionMap


def test_the_subscriber_hash_is_the_md5_of_the_lower_cased_address() -> None:
    assert subscriber_hash("Ada@Example.org") == hashlib.md5(b"ada@example.org").hexdigest()


def test_a_placeholder_passes_through_its_hook_and_then_the_encoding() -> None:
    hooks = {"upper": str.upper}
    assert fill("/a/{v:upper}", {"v": "x/y"}, hooks, encode=lambda s: s.replace("/", "%2F")) == (
        "/a/X%2FY"
    )


def test_a_filled_value_is_not_read_as_a_template_again() -> None:
    assert fill("{value}", {"value": "{id}", "id": "7"}, {}) == "{id}"


def test_changes_are_nested_by_their_dotted_names() -> None:
    assert nest({"merge_fields.FNAME": "Ada", "status": "subscribed"}) == {
        "merge_fields": {"FNAME": "Ada"},
        "status": "subscribed",
    }


def test_a_changes_leaf_becomes_the_changes_and_other_leaves_are_filled() -> None:
    body = {"properties": "{changes}", "note": "for {id}", "n": 3}
    assert fill_json(body, {"id": "9"}, {}, {"firstname": "Ada"}) == {
        "properties": {"firstname": "Ada"},
        "note": "for 9",
        "n": 3,
    }


def test_a_missing_step_of_a_dotted_path_is_none() -> None:
    answer = {"paging": {"next": {"after": "20"}}}
    assert dig(answer, "paging.next.after") == "20"
    assert dig({"results": []}, "paging.next.after") is None
    assert dig(answer, "") is answer


def offset_paging() -> Paging:
    return Paging(
        style="offset",
        size_param="count",
        offset_param="offset",
        total_from="total_items",
        page_size=2,
    )


def test_offset_pages_stop_at_the_total() -> None:
    pages = Pages(offset_paging())
    assert pages.first() == PageAsk({"count": "2", "offset": "0"})
    assert pages.after({"total_items": 3}, 2) == PageAsk({"count": "2", "offset": "2"})
    assert pages.after({"total_items": 3}, 1) is None


def test_offset_pages_without_a_total_stop_at_a_short_page() -> None:
    pages = Pages(offset_paging().model_copy(update={"total_from": None}))
    assert pages.after({}, 2) is not None
    assert pages.after({}, 1) is None


def test_a_cursor_goes_back_where_the_definition_says() -> None:
    paging = Paging(
        style="cursor",
        size_param="limit",
        size_in="body",
        cursor_from="paging.next.after",
        cursor_param="after",
        cursor_in="body",
        page_size=50,
    )
    pages = Pages(paging)
    assert pages.first() == PageAsk(body={"limit": 50})
    assert pages.after({"paging": {"next": {"after": "50"}}}, 50) == PageAsk(
        body={"limit": 50, "after": "50"}
    )
    assert pages.after({"results": []}, 0) is None


def test_a_cursor_offered_twice_is_an_error_not_a_silent_stop() -> None:
    paging = Paging(style="next_url", size_param="per_page", next_from="next_page")
    pages = Pages(paging, page_size=10)
    assert pages.after({"next_page": "https://x.example/p2"}, 10) == "https://x.example/p2"
    with pytest.raises(PagingLoop):
        pages.after({"next_page": "https://x.example/p2"}, 10)


def test_a_has_more_flag_ends_the_pages_even_with_a_link() -> None:
    paging = Paging(
        style="next_url",
        size_param="page[size]",
        next_from="links.next",
        has_more_from="meta.has_more",
    )
    answer = {"links": {"next": "https://x.example/n"}, "meta": {"has_more": False}}
    assert Pages(paging).after(answer, 100) is None


MASKED = CollectionMap.model_validate(
    {
        "name": "tickets",
        "primary_key": ["id"],
        "fields": [
            {"name": "id"},
            {"name": "subject", "categories": ["support"], "mask": "fixed", "mask_value": "[x]"},
            {"name": "requester", "categories": ["identity"], "mask": "pseudonym"},
            {"name": "opened", "categories": ["support"], "mask": "truncate_date"},
            {"name": "body", "categories": ["support"]},
            {"name": "status"},
        ],
        "erase": "mask",
    }
)
TICKET = Record(
    RecordKey("tickets", ("7",)),
    {
        "id": "7",
        "subject": "Late",
        "requester": "Ada",
        "opened": "2026-03-02T09:00:00Z",
        "body": "Where?",
        "status": "open",
    },
)


def test_masking_changes_each_personal_field_as_the_map_says() -> None:
    changes = masked_changes(MASKED, TICKET, b"k" * 32)
    assert changes["subject"] == "[x]"
    assert changes["opened"] == "2026-03"
    assert changes["body"] is None
    assert changes["requester"] != "Ada" and len(str(changes["requester"])) == 64
    assert "status" not in changes and "id" not in changes


def test_a_masked_record_needs_no_change() -> None:
    changes = masked_changes(MASKED, TICKET, b"k" * 32)
    masked = Record(TICKET.key, {**TICKET.fields, **changes})
    assert masked_changes(MASKED, masked, b"k" * 32) == {}


def test_a_pseudonym_without_a_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="pseudonym key"):
        masked_changes(MASKED, TICKET, b"")

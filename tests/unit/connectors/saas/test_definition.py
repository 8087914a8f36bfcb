"""A SaaS definition is checked when it is loaded: every problem at once, each with its
file:line and the key, so whoever writes a new vendor's definition can fix it in one pass."""

from __future__ import annotations

import pytest

from steward.connectors.saas.definition import (
    SCHEMA_FILE,
    DefinitionError,
    bundled_definition,
    parse_definition,
    schema_text,
)
from steward.errors import ConfigError

GOOD = """\
vendor: Example CRM
base_url: https://api.example.com
connection_keys: [token]
secrets: [token]
auth:
  type: bearer
  token: "{token}"
collections:
  people:
    lookups:
      - fields: [email]
        request:
          method: GET
          path: /people
          query:
            email: "{value}"
        results_at: data
        paging:
          style: cursor
          size_param: limit
          cursor_from: next
          cursor_param: after
    read:
      request:
        method: GET
        path: /people/{id}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as raised:
        parse_definition(text, "example.yaml")
    return raised.value.problems


@pytest.mark.parametrize("vendor", ["hubspot", "zendesk", "mailchimp"])
def test_the_bundled_definitions_validate(vendor: str) -> None:
    assert bundled_definition(vendor).collections


def test_a_good_definition_loads() -> None:
    definition = parse_definition(GOOD, "example.yaml")
    assert definition.collections["people"].lookup_for("email") is not None


def test_an_unknown_key_is_named_with_its_line() -> None:
    text = GOOD.replace(
        "        method: GET\n        path: /people/{id}",
        "        methd: GET\n        path: /people/{id}",
    )
    found = problems(text)
    assert "example.yaml:25:9 collections.people.read.request.methd: unknown key 'methd'" in found
    assert any("read.request.method: required key 'method' is missing" in p for p in found)


def test_a_paging_style_without_its_keys_is_refused() -> None:
    [problem] = problems(GOOD.replace("          cursor_from: next\n", ""))
    assert problem.startswith("example.yaml:19:")  # the paging block
    assert "paging style 'cursor' needs cursor_from" in problem


def test_an_unknown_placeholder_is_refused_with_the_names_it_could_use() -> None:
    [problem] = problems(GOOD.replace("/people/{id}", "/people/{person_id}"))
    assert problem.startswith("example.yaml:26:")
    assert "collections.people.read.request.path" in problem
    assert "unknown placeholder '{person_id}' (known: fields, id)" in problem


def test_an_unknown_hook_is_refused_naming_the_known_ones() -> None:
    text = (
        GOOD + "    erase:\n      hook: hard_delete\n      request:\n"
        "        method: DELETE\n        path: /people/{id}\n"
    )
    [problem] = problems(text)
    assert "collections.people.erase.hook" in problem
    assert "no hook is called 'hard_delete' (known: soft_then_permanent)" in problem


def test_an_unknown_value_hook_is_refused() -> None:
    [problem] = problems(GOOD.replace('email: "{value}"', 'email: "{value:sha1}"'))
    assert "no hook is called 'sha1' (known: lower, subscriber_hash)" in problem


def test_a_stray_brace_is_refused() -> None:
    [problem] = problems(GOOD.replace("/people/{id}", "/people/{id"))
    assert "'/people/{id' has a brace that is not a {placeholder}" in problem


def test_a_secret_cannot_be_placed_in_a_url() -> None:
    text = GOOD.replace("secrets: [token]", "secrets: [token]\nparameters: [token]")
    assert any("secret token cannot be a path parameter" in p for p in problems(text))


def test_a_key_needs_one_template_per_primary_key_column() -> None:
    text = GOOD.replace(
        "        results_at: data",
        '        results_at: data\n        key: ["{item.id}", "{item.org}"]',
    )
    [problem] = problems(text)
    assert "'key' has 2 templates; the primary key has 1 columns" in problem


def test_every_problem_is_reported_at_once() -> None:
    text = GOOD.replace("type: bearer", "type: digest").replace("style: cursor", "style: pages")
    found = problems(text)
    assert len(found) == 2
    assert any("auth.type" in p for p in found)
    assert any("paging.style" in p for p in found)


def test_yaml_that_does_not_parse_is_refused_with_its_line() -> None:
    [problem] = problems("vendor: x\nauth: [unclosed\n")
    assert problem.startswith("example.yaml:")
    assert "not valid YAML" in problem


def test_the_error_lists_every_problem_and_says_where_to_read_more() -> None:
    with pytest.raises(DefinitionError) as raised:
        parse_definition(GOOD.replace("type: bearer", "type: digest"), "example.yaml")
    text = str(raised.value)
    assert text.startswith("1 problem in the SaaS definition:")
    assert "docs/connectors.md" in text


def test_a_vendor_without_a_definition_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no SaaS definition for 'salesforce'"):
        bundled_definition("salesforce")


def test_the_shipped_json_schema_is_the_models() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -c 'from steward.connectors.saas.definition import *; "
        "SCHEMA_FILE.write_text(schema_text())'"
    )


def test_the_changes_placeholder_must_be_a_whole_value() -> None:
    text = (
        GOOD + "    update:\n      method: PATCH\n      path: /people/{id}\n      body:\n"
        '        note: "set {changes}"\n'
    )
    [problem] = problems(text)
    assert "collections.people.update.body.note" in problem
    assert "'{changes}' must be a whole value" in problem

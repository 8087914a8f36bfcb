"""Rules that read the declaration's own words recognise families, not one phrase.

ST116 reads the legitimate interests text, ST117 the data subject kinds a contract purpose
covers, ST113 what a purpose says it does, ST176 a rights paragraph: each with phrasings that
must be found and near misses that must stay quiet.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from steward.lint import Finding
from tests.unit.lint.conftest import Mutation
from tests.unit.lint.mutations import add, chain, purpose, statement

LI = {"lawful_basis": "legitimate_interests", "lia_reference": "LIA-1"}


def _interests(text: str) -> Mutation:
    return purpose(**LI, legitimate_interests=text)


def _contract_with(name: str) -> Mutation:
    return chain(
        add("data_subjects", {"id": "other", "name": name}),
        purpose(data_subjects=["customer", "other"]),
    )


def _purpose_named(name: str) -> Mutation:
    return purpose(name=name)


CASES: list[tuple[str, Mutation, bool]] = [
    ("ST116", _interests("Compliance with all relevant legal obligations of the nursery"), True),
    ("ST116", _interests("Meeting our statutory duties as an employer"), True),
    ("ST116", _interests("Complying with the law on record keeping"), True),
    ("ST116", _interests("Keeping records as required by law"), True),
    ("ST116", _interests("Protecting our legal rights and defending claims"), False),
    ("ST116", _interests("Running an efficient nursery"), False),
    ("ST117", _contract_with("Emergency contacts"), True),
    ("ST117", _contract_with("Next of kin"), True),
    ("ST117", _contract_with("Referees"), True),
    ("ST117", _contract_with("Pupils"), True),
    ("ST117", _contract_with("Children in our care"), True),
    ("ST117", _contract_with("Account holders"), False),
    ("ST117", _contract_with("Parents who sign the childcare contract"), False),
    ("ST113", _purpose_named("Preventing and investigating fraud"), True),
    ("ST113", _purpose_named("DBS checks for volunteers"), True),
    ("ST113", _purpose_named("Checking unspent convictions"), True),
    ("ST113", _purpose_named("Handling gross misconduct investigations"), True),
    ("ST113", _purpose_named("Handling customer complaints"), False),
    ("ST113", _purpose_named("Disclosures to the family court"), False),
    (
        "ST176",
        statement("Your rights: access, rectification and erasure of your data."),
        True,
    ),
    (
        "ST176",
        statement(
            "You have the right to a copy of your information, to have it corrected, and to "
            "lodge a complaint with the ICO."
        ),
        True,
    ),
    (
        "ST176",
        statement("You have the right to ask us to correct or delete your data."),
        False,
    ),
]


@pytest.mark.parametrize(
    ("rule", "mutate", "fires"), CASES, ids=[f"{r}-{n}" for n, (r, _, _) in enumerate(CASES)]
)
def test_the_family_is_recognised_and_the_near_miss_is_not(
    rule: str, mutate: Mutation, fires: bool, lint_rule: Callable[..., list[Finding]]
) -> None:
    found = [f.rule_id for f in lint_rule(rule, mutate)]
    assert found == ([rule] if fires else [])

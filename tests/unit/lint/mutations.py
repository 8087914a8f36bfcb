"""Small edits to the base manifest, so each test case states only what it changes."""

from __future__ import annotations

from typing import Any

from tests.unit.lint.conftest import Mutation


def set_at(*path: str | int, value: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        node: Any = document
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


def drop(*path: str | int) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        node: Any = document
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]

    return mutate


def add(section: str, item: dict[str, Any]) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        document.setdefault(section, []).append(item)

    return mutate


def chain(*mutations: Mutation) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(document)

    return mutate


def statement(text: str, key: str = "body") -> Mutation:
    return set_at("notice", "statements", key, value=text)


def purpose(**fields: Any) -> Mutation:
    """Change fields of the base purpose (None removes a field)."""

    def mutate(document: dict[str, Any]) -> None:
        target = document["purposes"][0]
        for name, value in fields.items():
            if value is None:
                target.pop(name, None)
            else:
                target[name] = value

    return mutate


def marketing(**fields: Any) -> Mutation:
    """Add an email marketing purpose that is valid unless ``fields`` change it."""
    plan: dict[str, Any] = {
        "channels": ["email"],
        "pecr_rule": "consent",
        "audience": "customers",
        "opt_out_at_collection": True,
        "opt_out_in_every_message": True,
    }
    for name, value in fields.items():
        if value is None:
            plan.pop(name, None)
        else:
            plan[name] = value
    return add(
        "purposes",
        {
            "id": "newsletter",
            "name": "Newsletter",
            "data_subjects": ["customer"],
            "categories": ["contact_details"],
            "lawful_basis": "consent",
            "systems": ["crm"],
            "provision": {
                "requirement": "voluntary",
                "obligatory": False,
                "consequence": "You will not get the newsletter.",
            },
            "marketing": plan,
        },
    )


def recipient(country: str = "US", transfer: dict[str, Any] | None = None) -> Mutation:
    """Add a processor in ``country`` with an optional transfer block."""
    item: dict[str, Any] = {
        "id": "mailer",
        "name": "Mailer Inc",
        "role": "processor",
        "category": "Email delivery",
        "country": country,
    }
    if transfer is not None:
        item["transfer"] = transfer
    return add("recipients", item)


DPF = {"mechanisms": ["uk_extension_dpf"], "dpf_uk_extension": True}
IDTA = {
    "mechanisms": ["idta"],
    "transfer_risk_assessment": "TRA-2026-01",
    "safeguard_copy": "Ask privacy@example.co.uk for a copy of the IDTA.",
}


def cookie(**fields: Any) -> Mutation:
    """Add an analytics cookie loaded after consent, changed by ``fields``."""
    item: dict[str, Any] = {
        "name": "_stats",
        "provider": "Example analytics",
        "purpose": "Counts visits to improve the site.",
        "category": "analytics",
        "duration": "1 year",
        "party": "first",
        "loads": "after_consent",
    }
    item.update(fields)
    return add("cookies", item)


def special(condition: dict[str, Any] | None, **fields: Any) -> Mutation:
    """Add an equality-monitoring purpose over ethnicity data with the given condition."""
    item: dict[str, Any] = {
        "id": "equality",
        "name": "Equality monitoring",
        "data_subjects": ["customer"],
        "categories": ["ethnicity"],
        "lawful_basis": "legal_obligation",
        "provision": {"requirement": "voluntary", "obligatory": False, "consequence": "None."},
        **fields,
    }
    if condition is not None:
        item["special_category_condition"] = condition
    return chain(
        add(
            "data_categories",
            {
                "id": "ethnicity",
                "name": "Ethnic origin",
                "special_category": "racial_ethnic_origin",
                "retention": "two_years",
            },
        ),
        add("purposes", item),
    )

"""Draft a dataset map from a SQL database's schema, for a person to review.

Mapping a database by hand is where personal data gets missed, so the draft lists every table
and column the database has: primary keys, foreign keys as ``references``, and categories and
identity kinds guessed from column names (an ``email`` column holds contact details and finds a
person by e-mail). A guess is only ever a category the manifest declares, and every guessed
field is marked ``review: true``: the draft is a start, and the person who knows the system
decides (UK GDPR Art 30 records what is really held, not what a name suggests). Tables that no
identity field reaches are left out and named in the draft's heading, since the loader would
refuse them: someone must say how a person's records there are found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy import Engine, inspect

from steward.connectors.protocol import ConnectorContext
from steward.connectors.sql import database_url, sql_engine
from steward.connectors.sql_errors import translated
from steward.errors import InvalidInput
from steward.manifest.datasets import IdentityKind
from steward.manifest.load import suggest
from steward.manifest.schema import Manifest
from steward.manifest.vocabulary import SystemKind

SQL_KINDS = (SystemKind.sqlite, SystemKind.postgresql, SystemKind.mysql)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


@dataclass(frozen=True)
class Guess:
    """What a column's name suggests: category families (resolved against the manifest) and
    the identifier it may find a person by."""

    families: tuple[str, ...]
    identity: IdentityKind | None = None


_RULES: tuple[tuple[re.Pattern[str], Guess], ...] = tuple(
    (re.compile(pattern), guess)
    for pattern, guess in (
        (r"(^|_)e_?mail(_|$)|email", Guess(("contact",), IdentityKind.email)),
        (
            r"(^|_)(phone|mobile|tel|telephone|cell)(_|$)|phone",
            Guess(("contact",), IdentityKind.phone),
        ),
        (
            r"^(employee|staff)_?(no|num|number|id|ref)$",
            Guess(("employment",), IdentityKind.employee_number),
        ),
        (
            r"^(customer|client|account)_?(no|num|number|ref)$",
            Guess((), IdentityKind.customer_number),
        ),
        (r"(^|_)(ni_?number|ni_no|nino|national_insurance)(_|$)", Guess(("payroll",))),
        (r"(^|_)(salary|pay|wage|wages|bank|iban|sort_?code|bic)(_|$)", Guess(("payroll",))),
        (r"(^|_)(dob|birth|birthday|date_of_birth|birth_date)(_|$)", Guess(("birth",))),
        (
            r"(^|_)(address|addr|postcode|post_code|postal_code|zip|street|city|town)(_|$)",
            Guess(("contact",)),
        ),
        (r"^(full_?name|name)$", Guess(("contact",), IdentityKind.name)),
        (
            r"(^|_)(first_?name|last_?name|surname|forename|given_name|family_name)(_|$)",
            Guess(("contact",)),
        ),
    )
)

_FAMILIES: dict[str, tuple[str, ...]] = {
    "contact": ("contact_details", "contact"),
    "employment": ("employment_records", "employment", "employee"),
    "payroll": ("payroll_data", "payroll", "salary", "bank", "financial"),
    "birth": ("date_of_birth", "birth", "dob"),
}
"""A family's wanted category ids first, then words a declared category's id may contain."""

_DATE_FIELDS = ("created_at", "created", "created_on", "updated_at", "date")


_PERSON_TABLES = re.compile(
    r"(customer|client|user|member|contact|person|people|employee|staff|student|patient|"
    r"applicant|candidate|visitor|subscriber|account|lead|volunteer|donor|supporter)"
)
"""A bare ``name`` column names a person only in a table of people (not ``products.name``)."""


class _MapDumper(yaml.SafeDumper):
    """Mappings as blocks, short lists of names in brackets: how a person writes a map."""


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(item, str) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_MapDumper.add_representer(list, _list)


@dataclass(frozen=True)
class DraftMap:
    """The draft's YAML text, the tables it maps and those it leaves out (with why)."""

    text: str
    mapped: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]


def normalised(column: str) -> str:
    """``FirstName`` and ``first-name`` both read as ``first_name``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", column)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def guess(column: str) -> Guess | None:
    name = normalised(column)
    return next((g for pattern, g in _RULES if pattern.search(name)), None)


def category_for(family: str, manifest: Manifest) -> str | None:
    """The manifest's category for a family of guesses, or none if it declares none such."""
    declared = [c.id for c in manifest.data_categories]
    wanted = _FAMILIES[family]
    exact = next((w for w in wanted if w in declared), None)
    if exact is not None:
        return exact
    return next((d for d in declared if any(w in d for w in wanted) and "emergency" not in d), None)


def draft_dataset_map(system_id: str, url: str, manifest: Manifest) -> DraftMap:
    """Reflect every table of the database at ``url`` and draft the map of ``system_id``."""
    kind = _sql_kind(system_id, manifest)
    target = database_url(kind, ConnectorContext(system_id, {"url": url}))
    engine = sql_engine(target)
    try:
        with translated(system_id, target):
            tables = list(_tables(engine))
    finally:
        engine.dispose()
    return _draft(system_id, tables, manifest)


def _sql_kind(system_id: str, manifest: Manifest) -> SystemKind:
    systems = {s.id: s for s in manifest.systems}
    system = systems.get(system_id)
    if system is None:
        raise InvalidInput(
            f"the manifest declares no system '{system_id}'",
            where="SYSTEM",
            hint=suggest(system_id, sorted(systems))
            or "declare it under 'systems:' in the manifest first",
        )
    if system.kind not in SQL_KINDS:
        raise InvalidInput(
            f"system '{system_id}' is of kind {system.kind.value}, not a SQL database",
            where="SYSTEM",
            hint="discover reads sqlite, postgresql and mysql systems; map others by hand",
        )
    return system.kind


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[dict[str, Any], ...]
    primary_key: tuple[str, ...]
    references: dict[str, tuple[str, str]]


def _tables(engine: Engine) -> Iterator[_Table]:
    inspector = inspect(engine)
    for name in sorted(inspector.get_table_names()):
        key = tuple(inspector.get_pk_constraint(name).get("constrained_columns") or ())
        if not key:
            unique = inspector.get_unique_constraints(name)
            key = tuple(unique[0]["column_names"]) if unique else ()
        references = {
            column: (fk["referred_table"], referred)
            for fk in inspector.get_foreign_keys(name)
            for column, referred in zip(
                fk["constrained_columns"], fk["referred_columns"], strict=False
            )
        }
        columns = tuple(dict(c) for c in inspector.get_columns(name))
        yield _Table(name, columns, key, references)


def _draft(system_id: str, tables: list[_Table], manifest: Manifest) -> DraftMap:
    left_out: dict[str, str] = {}
    for table in tables:
        problem = _unmappable(table)
        if problem:
            left_out[table.name] = problem
    kept = [t for t in tables if t.name not in left_out]
    drafted = {
        t.name: {str(c["name"]) for c in t.columns if _NAME.match(str(c["name"]))} for t in kept
    }
    collections = {t.name: _collection(system_id, t, manifest, drafted) for t in kept}
    for name in _unreached(collections):
        left_out[name] = "no field identifies a person and no reference leads to it"
        del collections[name]
    if not collections:
        raise InvalidInput(
            f"no table of the database could be drafted into a map of system '{system_id}'",
            where="--url",
            hint="; ".join(f"{name}: {why}" for name, why in sorted(left_out.items()))
            or "the database has no tables: check the URL names the right database",
        )
    heading = _heading(system_id, left_out)
    body = yaml.dump(
        {"system": system_id, "collections": list(collections.values())},
        Dumper=_MapDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return DraftMap(
        text=heading + body,
        mapped=tuple(collections),
        left_out=tuple(sorted(left_out.items())),
    )


def _unmappable(table: _Table) -> str | None:
    if not _TABLE.match(table.name):
        return "its name has characters a map cannot hold"
    if not table.primary_key:
        return "it has no primary key or unique constraint to tell its records apart"
    if not all(_NAME.match(str(c)) for c in table.primary_key):
        return "a key column's name has characters a map cannot hold"
    return None


def _collection(
    system_id: str, table: _Table, manifest: Manifest, drafted: dict[str, set[str]]
) -> dict[str, Any]:
    """One table's draft; a foreign key becomes a reference only to a drafted column."""
    fields = []
    for column in table.columns:
        name = str(column["name"])
        if not _NAME.match(name):
            continue
        field: dict[str, Any] = {"name": name}
        guessed = guess(name)
        if normalised(name) == "name" and not _PERSON_TABLES.search(normalised(table.name)):
            guessed = None
        if guessed is not None:
            categories = [c for f in guessed.families if (c := category_for(f, manifest))]
            if categories:
                field["categories"] = categories
            if guessed.identity is not None:
                field["identity"] = guessed.identity.value
            if categories or guessed.identity is not None:
                field["review"] = True
        referred = table.references.get(name)
        if referred is not None and referred[1] in drafted.get(referred[0], set()):
            field["references"] = f"{system_id}.{referred[0]}.{referred[1]}"
        fields.append(field)
    collection: dict[str, Any] = {"name": table.name, "primary_key": list(table.primary_key)}
    date_field = _date_field(table.columns)
    if date_field is not None:
        collection["date_field"] = date_field
        collection["description"] = f"Review: is {date_field} the date retention runs from?"
    collection["fields"] = fields
    return collection


def _date_field(columns: Iterable[dict[str, Any]]) -> str | None:
    names = [str(c["name"]) for c in columns if _NAME.match(str(c["name"]))]
    lowered = {normalised(n): n for n in names}
    for wanted in _DATE_FIELDS:
        if wanted in lowered:
            return lowered[wanted]
    return next(
        (
            n
            for n in names
            if re.search(r"(_date|_at|_on)$", normalised(n)) and "birth" not in normalised(n)
        ),
        None,
    )


def _unreached(collections: dict[str, dict[str, Any]]) -> list[str]:
    """Tables no identity field reaches through references (followed either way)."""
    edges: dict[str, set[str]] = {name: set() for name in collections}
    seeds = []
    for name, collection in collections.items():
        for field in collection["fields"]:
            if "identity" in field:
                seeds.append(name)
            if "references" in field:
                target = field["references"].split(".", 1)[1].rsplit(".", 1)[0]
                if target in edges:
                    edges[name].add(target)
                    edges[target].add(name)
    reached = set(seeds)
    queue = list(seeds)
    while queue:
        for neighbour in edges[queue.pop()] - reached:
            reached.add(neighbour)
            queue.append(neighbour)
    return [name for name in collections if name not in reached]


def _heading(system_id: str, left_out: dict[str, str]) -> str:
    lines = [
        f"# Dataset map of system '{system_id}', drafted by 'steward systems discover' from the",
        "# database's schema. Each field marked 'review: true' was guessed from its column name:",
        "# check its categories and identity, then remove the 'review' line. Decide each",
        "# collection's 'erase' (delete or mask), 'restrict' and 'retention'.",
    ]
    if left_out:
        lines.append("# Tables left out (map them by hand if they hold personal data):")
        lines.extend(f"#   {name}: {why}" for name, why in sorted(left_out.items()))
    return "\n".join(lines) + "\n"

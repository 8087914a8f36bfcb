"""What a SaaS connector definition may say, checked before any request is sent.

A definition (``definitions/<vendor>.yaml``) describes one vendor's API in data: where it lives,
how to authenticate, and per collection how to find a person's records, read, update, erase and
restrict them, and how the vendor pages its answers. One generic runner (``runner.py``) acts on
it, so a new vendor is a new file, not new code; what data cannot say is a named hook
(``hooks.py``). A definition that does not validate is refused with every problem at once, each
with its file:line and key (``load_definition``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, model_validator

from steward.connectors.saas.hooks import BASE_URL_HOOKS, ERASE_HOOKS, VALUE_HOOKS
from steward.connectors.saas.templates import (
    CHANGES,
    JsonTemplate,
    placeholders,
    stray_braces,
    template_strings,
)
from steward.errors import ConfigError, Location
from steward.manifest.fields import Model
from steward.manifest.source import SourceMap, parse_yaml, path_text

DottedPath = Annotated[
    str,
    StringConstraints(pattern=r"^([A-Za-z_$][A-Za-z0-9_\-$\[\]]*(\.[A-Za-z0-9_\-$\[\]]+)*)?$"),
    Field(description="A dotted path into a JSON answer, e.g. paging.next.after; '' = all"),
]
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
HookName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class RequestSpec(Model):
    """One HTTP call: method, path under the base URL, query and JSON body templates."""

    method: Method
    path: Annotated[str, StringConstraints(pattern=r"^/[^\s?#]*$")]
    query: dict[str, str] = Field(default_factory=dict)
    body: JsonTemplate = None


class Paging(Model):
    """How the vendor splits a long answer into pages.

    ``cursor``: the answer names the next cursor (HubSpot ``paging.next.after``), sent back as
    ``cursor_param``. ``next_url``: the answer holds the next page's URL (Zendesk ``links.next``
    or ``next_page``), optionally with a has-more flag (``meta.has_more``). ``offset``: the
    caller counts (Mailchimp ``count``/``offset`` with ``total_items``).
    """

    style: Literal["cursor", "next_url", "offset"]
    page_size: int = Field(default=100, ge=1, le=1000)
    size_param: Annotated[str, StringConstraints(min_length=1)]
    size_in: Literal["query", "body"] = "query"
    cursor_from: DottedPath | None = None
    cursor_param: str | None = None
    cursor_in: Literal["query", "body"] = "query"
    next_from: DottedPath | None = None
    has_more_from: DottedPath | None = None
    offset_param: str | None = None
    total_from: DottedPath | None = None

    @model_validator(mode="after")
    def _style_has_its_keys(self) -> Paging:
        needed = {
            "cursor": ("cursor_from", "cursor_param"),
            "next_url": ("next_from",),
            "offset": ("offset_param",),
        }[self.style]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"paging style '{self.style}' needs {', '.join(missing)}")
        return self


class Lookup(Model):
    """Finding records by an identifying field (UK GDPR Art 15: search for the person)."""

    fields: tuple[Name, ...] = Field(min_length=1, description="Map fields this lookup serves")
    request: RequestSpec
    results_at: DottedPath = Field(description="Where the list of results sits in the answer")
    key: tuple[str, ...] = Field(
        default=("{item.id}",), description="One template per primary-key column"
    )
    paging: Paging | None = None


class ReadSpec(Model):
    request: RequestSpec
    record_at: DottedPath = ""
    fields_at: DottedPath = Field(
        default="", description="Where the fields sit inside the record (HubSpot: properties)"
    )


class EraseDefinition(Model):
    """UK GDPR Art 17. ``request``, then ``then`` if given; a hook may order them otherwise."""

    request: RequestSpec
    then: RequestSpec | None = None
    hook: HookName | None = None


class RestrictDefinition(Model):
    """UK GDPR Art 18 through the vendor's own mechanism (a map's ``restrict: by: native``)."""

    on: RequestSpec
    off: RequestSpec


class CollectionDefinition(Model):
    primary_key: tuple[Name, ...] = ("id",)
    lookups: tuple[Lookup, ...] = ()
    read: ReadSpec
    update: RequestSpec | None = None
    erase: EraseDefinition | None = None
    restrict: RestrictDefinition | None = None
    past: Lookup | None = Field(
        default=None,
        description="Finding records whose date field is before a date (retention); "
        "'fields' lists the date fields it can search",
    )

    def lookup_for(self, field_name: str) -> Lookup | None:
        return next((lookup for lookup in self.lookups if field_name in lookup.fields), None)


class Auth(Model):
    """``bearer``: ``token``; ``basic``: ``username`` and ``password``. Each is a template over
    connection keys, e.g. Zendesk's ``{email}/token`` and ``{api_token}``."""

    type: Literal["bearer", "basic"]
    token: str | None = None
    username: str | None = None
    password: str | None = None

    @model_validator(mode="after")
    def _has_its_parts(self) -> Auth:
        if self.type == "bearer" and (self.token is None or self.username or self.password):
            raise ValueError("bearer auth takes 'token' only")
        if self.type == "basic" and (self.username is None or self.password is None or self.token):
            raise ValueError("basic auth takes 'username' and 'password' only")
        return self


class SaasDefinition(Model):
    vendor: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    base_url: str | None = Field(default=None, description="Default API root, a template")
    base_url_hook: HookName | None = None
    connection_keys: tuple[Name, ...] = Field(
        default=(), description="Values the system's connection must hold"
    )
    secrets: tuple[Name, ...] = Field(
        default=(), description="Connection keys that are secrets: used only in auth"
    )
    parameters: tuple[Name, ...] = Field(
        default=(), description="Options or connection values paths and bodies may use"
    )
    auth: Auth
    collections: dict[Name, CollectionDefinition] = Field(min_length=1)

    @model_validator(mode="after")
    def _base_url_given(self) -> SaasDefinition:
        if self.base_url is None and self.base_url_hook is None:
            raise ValueError("give 'base_url', or 'base_url_hook' to work it out")
        return self


Problem = tuple[tuple[str | int, ...], str]


def check_names(definition: SaasDefinition) -> list[Problem]:
    """Every hook and placeholder a definition uses must be one the runner can fill."""
    problems: list[Problem] = []
    public = set(definition.parameters)

    def check(path: tuple[str | int, ...], template: Any, allowed: set[str]) -> None:
        for where, text in template_strings(template, path):
            if stray_braces(text):
                problems.append((where, f"'{text}' has a brace that is not a {{placeholder}}"))
            for name, hook in placeholders(text):
                root = "item" if name.startswith("item.") else name
                if root not in allowed:
                    known = ", ".join(sorted(allowed)) or "none"
                    problems.append((where, f"unknown placeholder '{{{name}}}' (known: {known})"))
                elif name == "changes" and text != CHANGES:
                    problems.append((where, "'{changes}' must be a whole value, not inside text"))
                if hook is not None and hook not in VALUE_HOOKS:
                    problems.append((where, _unknown_hook(hook, VALUE_HOOKS)))

    secret_clash = sorted(set(definition.secrets) & public)
    if secret_clash:
        problems.append(
            (
                ("parameters",),
                f"secret {', '.join(secret_clash)} cannot be a path parameter: URLs are logged",
            )
        )
    if definition.base_url_hook and definition.base_url_hook not in BASE_URL_HOOKS:
        problems.append(
            (("base_url_hook",), _unknown_hook(definition.base_url_hook, BASE_URL_HOOKS))
        )
    if definition.base_url is not None:
        check(("base_url",), definition.base_url, public)
    keys = set(definition.connection_keys)
    for part in ("token", "username", "password"):
        check(("auth", part), getattr(definition.auth, part), keys)
    for name, collection in definition.collections.items():
        at: tuple[str | int, ...] = ("collections", name)
        by_key = public | set(collection.primary_key)
        searches: list[tuple[tuple[str | int, ...], Lookup, set[str]]] = [
            ((*at, "lookups", index), lookup, {"value", "field"})
            for index, lookup in enumerate(collection.lookups)
        ]
        if collection.past is not None:
            searches.append(((*at, "past"), collection.past, {"field", "before", "before_ms"}))
        for search_at, search, names in searches:
            check((*search_at, "request"), _templates(search.request), public | names)
            check((*search_at, "key"), list(search.key), public | names | {"item"})
            if len(search.key) != len(collection.primary_key):
                problems.append(
                    (
                        (*search_at, "key"),
                        f"'key' has {len(search.key)} templates; "
                        f"the primary key has {len(collection.primary_key)} columns",
                    )
                )
        check((*at, "read", "request"), _templates(collection.read.request), by_key | {"fields"})
        if collection.update is not None:
            check((*at, "update"), _templates(collection.update), by_key | {"changes"})
        if collection.erase is not None:
            check((*at, "erase", "request"), _templates(collection.erase.request), by_key)
            if collection.erase.then is not None:
                check((*at, "erase", "then"), _templates(collection.erase.then), by_key)
            hook = collection.erase.hook
            if hook is not None and hook not in ERASE_HOOKS:
                problems.append(((*at, "erase", "hook"), _unknown_hook(hook, ERASE_HOOKS)))
        if collection.restrict is not None:
            check((*at, "restrict", "on"), _templates(collection.restrict.on), by_key)
            check((*at, "restrict", "off"), _templates(collection.restrict.off), by_key)
    return problems


def _templates(spec: RequestSpec) -> dict[str, Any]:
    return {"path": spec.path, "query": spec.query, "body": spec.body}


def _unknown_hook(name: str, known: dict[str, Any]) -> str:
    return f"no hook is called '{name}' (known: {', '.join(sorted(known))})"


class DefinitionError(ConfigError):
    """A definition that does not validate: every problem, each with file:line and key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            problems[0],
            hint="fix the definition; docs/connectors.md 'Defining a new SaaS connector' "
            "explains each key",
        )
        self.problems = problems

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the SaaS definition:"
        return "\n".join([head, *(f"  {p}" for p in self.problems), f"  hint: {self.hint}"])


def parse_definition(text: str, file: str) -> SaasDefinition:
    """A definition from YAML text, or a DefinitionError listing every problem."""
    from steward.errors import ManifestError

    try:
        data, source = parse_yaml(text, file)
    except ManifestError as error:
        raise DefinitionError([f"{error.where}: {error.message}"]) from error
    try:
        definition = SaasDefinition.model_validate(data)
    except ValidationError as invalid:
        raise DefinitionError(
            [
                _explain(tuple(e["loc"]), e["type"], e["msg"], data, source, file)
                for e in invalid.errors()
            ]
        ) from invalid
    named = check_names(definition)
    if named:
        raise DefinitionError(
            [
                f"{_where(path, source, file)} {path_text(path)}: {message}"
                for path, message in named
            ]
        )
    return definition


def load_definition(path: Path) -> SaasDefinition:
    return parse_definition(path.read_text(encoding="utf-8"), str(path))


DEFINITIONS = Path(__file__).parent / "definitions"
SCHEMA_FILE = DEFINITIONS / "definition.schema.json"
"""The JSON Schema of a definition, for editors (``# yaml-language-server: $schema=...``);
a test keeps it equal to ``schema_text()``."""


def schema_text() -> str:
    return json.dumps(SaasDefinition.model_json_schema(), indent=2, sort_keys=True) + "\n"


def bundled_definition(vendor: str) -> SaasDefinition:
    """The definition shipped with Steward for a system kind (hubspot, zendesk, mailchimp)."""
    if (
        not re.fullmatch(r"[a-z][a-z0-9_]*", vendor)
        or not (DEFINITIONS / f"{vendor}.yaml").is_file()
    ):
        raise ConfigError(
            f"no SaaS definition for '{vendor}'",
            hint=f"Steward ships: {', '.join(sorted(p.stem for p in DEFINITIONS.glob('*.yaml')))}",
        )
    return load_definition(DEFINITIONS / f"{vendor}.yaml")


def _where(path: tuple[str | int, ...], source: SourceMap, file: str) -> str:
    location = source.locate(path) or Location(file)
    return str(location)


def _explain(
    loc: tuple[int | str, ...], kind: str, message: str, data: Any, source: SourceMap, file: str
) -> str:
    path: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]  # type: ignore[index]
        elif isinstance(node, dict) and isinstance(part, str) and part.isidentifier():
            path.append(part)
            break
    located = tuple(path)
    where = source.locate(located, key=kind == "extra_forbidden") or Location(file)
    if kind == "extra_forbidden":
        message = f"unknown key '{located[-1]}'"
    elif kind == "missing":
        message = f"required key '{located[-1]}' is missing"
    else:
        message = message.removeprefix("Value error, ")
    return f"{where} {path_text(located)}: {message}"

"""Placeholders in a SaaS definition's paths, queries and bodies, and dotted paths into JSON.

A definition says ``/crm/v3/objects/contacts/{id}`` or ``{"properties": "{changes}"}``; this
module finds the names a template uses (so a definition naming an unknown one is refused when
it is loaded, not when a request is half-way through) and fills them in. ``{name:hook}`` passes
the value through a named value hook first (Mailchimp's ``{value:subscriber_hash}``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

PLACEHOLDER = re.compile(
    r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_\-]+)*)"  # a name, maybe dotted: item.id
    r"(?::([a-z][a-z0-9_]*))?\}"  # and a value hook: value:subscriber_hash
)
CHANGES = "{changes}"
"""A body leaf that is exactly this is replaced by the changes, nested by their dotted names."""

JsonTemplate = dict[str, Any] | list[Any] | str | int | float | bool | None


def placeholders(template: str) -> Iterator[tuple[str, str | None]]:
    """Each ``(name, hook)`` a template string uses, in order."""
    for match in PLACEHOLDER.finditer(template):
        yield match.group(1), match.group(2)


def stray_braces(template: str) -> bool:
    """A brace that is not part of a placeholder (a typo such as ``{ id}`` or ``{id``)."""
    rest = PLACEHOLDER.sub("", template)
    return "{" in rest or "}" in rest


def template_strings(
    template: JsonTemplate, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string inside a JSON template, with its path (for file:line errors)."""
    if isinstance(template, str):
        yield path, template
    elif isinstance(template, dict):
        for key, value in template.items():
            yield from template_strings(value, (*path, key))
    elif isinstance(template, list):
        for index, value in enumerate(template):
            yield from template_strings(value, (*path, index))


def fill(
    template: str,
    values: Mapping[str, str],
    hooks: Mapping[str, Callable[[str], str]],
    encode: Callable[[str], str] = str,
) -> str:
    """The template with each placeholder replaced (after its hook, then ``encode``, e.g.
    percent-encoding for a path); names were checked when the definition was loaded."""

    def one(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        hook = match.group(2)
        return encode(hooks[hook](value) if hook else value)

    return PLACEHOLDER.sub(one, template)


def fill_json(
    template: JsonTemplate,
    values: Mapping[str, str],
    hooks: Mapping[str, Callable[[str], str]],
    changes: Mapping[str, Any] | None = None,
) -> Any:
    """A JSON body from its template: strings filled, a ``{changes}`` leaf replaced."""
    if isinstance(template, str):
        if template == CHANGES:
            return nest(changes or {})
        return fill(template, values, hooks)
    if isinstance(template, dict):
        return {key: fill_json(value, values, hooks, changes) for key, value in template.items()}
    if isinstance(template, list):
        return [fill_json(value, values, hooks, changes) for value in template]
    return template


def nest(changes: Mapping[str, Any]) -> dict[str, Any]:
    """``{"merge_fields.FNAME": "Ann"}`` -> ``{"merge_fields": {"FNAME": "Ann"}}``."""
    nested: dict[str, Any] = {}
    for name, value in changes.items():
        *parents, last = name.split(".")
        target = nested
        for parent in parents:
            target = target.setdefault(parent, {})
        target[last] = value
    return nested


def dig(document: Any, path: str) -> Any:
    """The value at a dotted path (``paging.next.after``); ``""`` is the document itself.
    A missing step gives None: vendors leave out what is empty (the last page has no
    ``paging``)."""
    if not path:
        return document
    node = document
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return None
    return node

"""The few things a SaaS definition cannot say in data, as small named Python functions.

A definition names a hook (``hook: soft_then_permanent``); loading it checks the name is one
of these. Each hook is a plain function so a test can call it alone. Add one only when the
vendor's contract needs logic (a hash, an order of calls whose 404s mean different things),
never to work around a definition that could simply say more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from steward.connectors.mailchimp_address import base_url_for_key
from steward.errors import ConfigError

if TYPE_CHECKING:
    from steward.connectors.saas.definition import EraseDefinition, RequestSpec

Send = Callable[["RequestSpec", Mapping[str, str]], Any]
"""Sends one declared request with these placeholder values; the JSON answer, or None on 404."""
EraseHook = Callable[[Send, "EraseDefinition", Mapping[str, str]], bool]
"""Erases one record; True when something was removed, False when it was already gone."""


def subscriber_hash(value: str) -> str:
    """Mailchimp addresses a member by the MD5 of the lower-cased e-mail address (its
    'subscriber hash'); the address itself never appears in a URL."""
    return hashlib.md5(value.lower().encode(), usedforsecurity=False).hexdigest()


def lower(value: str) -> str:
    return value.lower()


VALUE_HOOKS: dict[str, Callable[[str], str]] = {
    "subscriber_hash": subscriber_hash,
    "lower": lower,
}


def mailchimp_data_centre(connection: Mapping[str, str]) -> str:
    """Mailchimp's API host is named by the data centre at the end of the key (``...-us21``)."""
    try:
        return base_url_for_key(SecretStr(connection.get("api_key", "")))
    except ConfigError as error:
        raise ConfigError(error.message, where="connection api_key", hint=error.hint) from error


BASE_URL_HOOKS: dict[str, Callable[[Mapping[str, str]], str]] = {
    "mailchimp_data_centre": mailchimp_data_centre,
}


def soft_then_permanent(send: Send, erase: EraseDefinition, values: Mapping[str, str]) -> bool:
    """Zendesk keeps a deleted user (or ticket) as *soft deleted* until a second call removes
    it for good, which is what UK GDPR Art 17 asks for. The second call runs even when the first
    finds nothing: a run that stopped between the two calls must finish the job when it is
    resumed, and only a 404 from *both* means the record was already gone."""
    soft = send(erase.request, values)
    if erase.then is None:
        return soft is not None
    permanent = send(erase.then, values)
    return soft is not None or permanent is not None


ERASE_HOOKS: dict[str, EraseHook] = {
    "soft_then_permanent": soft_then_permanent,
}

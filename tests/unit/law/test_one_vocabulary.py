"""Subscriber types, marketing channels and list sources are defined once, in the law, and the
manifest, list imports and the ledger all speak them (RULES.md R2.1-R2.3)."""

from __future__ import annotations

from pydantic import TypeAdapter

from steward.consent import marketing_facts
from steward.law import pecr, subscribers
from steward.manifest import schema, vocabulary


def test_the_manifest_uses_the_laws_own_enums() -> None:
    assert vocabulary.Channel is pecr.Channel
    assert vocabulary.ListSource is pecr.ListSource
    assert vocabulary.SubscriberType is subscribers.SubscriberType


def test_no_other_module_defines_its_own_copy() -> None:
    for module in (vocabulary, schema, marketing_facts):
        for name in ("Channel", "ListSource", "SubscriberType", "MarketingChannel", "ObtainedFrom"):
            found = getattr(module, name, None)
            assert found is None or found.__module__.startswith("steward.law."), (module, name)


def test_a_manifest_marketing_block_reads_law_channels_and_list_sources() -> None:
    marketing = TypeAdapter(schema.Marketing).validate_python(
        {"channels": ["email", "social_dm"], "audience": "customers", "list_sources": ["directly"]}
    )
    assert marketing.channels == (pecr.Channel.email, pecr.Channel.social_dm)
    assert marketing.list_sources == (pecr.ListSource.directly,)


def test_earlier_manifest_spellings_of_list_sources_are_still_read() -> None:
    assert pecr.ListSource("own_collection") is pecr.ListSource.directly
    assert pecr.ListSource("bought") is pecr.ListSource.bought_list

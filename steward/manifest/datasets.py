"""Dataset maps: where in each system a person's data lives, and how to find, change or remove it.

A map sits beside the manifest (``datasets/<system>.yaml``) and describes one system of the
manifest: its collections (tables, files, API objects), each field's data categories, which
fields identify a person (``identity``), and references between collections, also across
systems (``references: crm.customers.id``). The request engine plans its traversal from these
maps; the notice never reads them. Pure declarations: no I/O here (the loader is
``steward.manifest.dataset_load``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from steward.manifest.fields import Identifier, Model, Text, describe_patterns

CollectionName = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.\-/]*$", max_length=200),
    Field(description="A table, file or API object name as the system spells it"),
]
FieldName = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]*$", max_length=200),
    Field(description="A column, CSV header or API property as the system spells it"),
]
FieldPath = Annotated[
    str,
    StringConstraints(
        pattern=r"^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_.\-/]*\.[A-Za-z_][A-Za-z0-9_\-]*$"
    ),
    Field(description="SYSTEM.COLLECTION.FIELD, e.g. crm.customers.id"),
]


class IdentityKind(StrEnum):
    """Identifiers a person can be found by (what a request may carry)."""

    email = "email"
    phone = "phone"
    customer_number = "customer_number"
    employee_number = "employee_number"
    name = "name"


class Mask(StrEnum):
    """How a field is masked when a record is kept but its person erased."""

    null = "null"
    fixed = "fixed"
    pseudonym = "pseudonym"  # keyed HMAC of the value: stable, not reversible
    truncate_date = "truncate_date"  # keep the year and month only


class Erase(StrEnum):
    delete = "delete"
    mask = "mask"


class RestrictBy(StrEnum):
    """How a record is put beyond use (UK GDPR Art 18) without erasing it."""

    field = "field"  # a processing-hold column/property set true
    native = "native"  # the system's own mechanism (a connector hook)
    none = "none"  # cannot be restricted in the system: Steward records the hold only


class FieldMap(Model):
    name: FieldName
    categories: tuple[Identifier, ...] = Field(
        default=(), description="Data categories of the manifest this field holds"
    )
    identity: IdentityKind | None = Field(
        default=None, description="The field identifies a person by this kind of identifier"
    )
    references: FieldPath | None = Field(
        default=None, description="This field holds the value of another collection's field"
    )
    mask: Mask | None = Field(
        default=None, description="How to mask it on erasure by masking (default null)"
    )
    mask_value: Text | None = Field(default=None, description="The text for 'mask: fixed'")
    rectifiable: bool = Field(default=True, description="A rectification may change it")
    review: bool = Field(
        default=False, description="Drafted by 'steward systems discover': a person should check"
    )

    @model_validator(mode="after")
    def _fixed_has_text(self) -> FieldMap:
        if self.mask is Mask.fixed and self.mask_value is None:
            raise ValueError("'mask: fixed' needs 'mask_value', the text to write instead")
        if self.mask_value is not None and self.mask is not Mask.fixed:
            raise ValueError("'mask_value' is only for 'mask: fixed'")
        return self


class Restriction(Model):
    by: RestrictBy = RestrictBy.none
    field: FieldName | None = Field(default=None, description="With 'by: field': the flag")

    @model_validator(mode="after")
    def _field_when_by_field(self) -> Restriction:
        if (self.by is RestrictBy.field) != (self.field is not None):
            raise ValueError("'field' is needed with 'by: field', and only then")
        return self


class CollectionMap(Model):
    name: CollectionName
    primary_key: tuple[FieldName, ...] = Field(min_length=1)
    fields: tuple[FieldMap, ...] = Field(min_length=1)
    erase: Erase = Field(default=Erase.delete, description="Delete records, or mask fields")
    restrict: Restriction = Restriction()
    retention: Identifier | None = Field(
        default=None, description="Retention rule of the manifest that keeps these records"
    )
    date_field: FieldName | None = Field(
        default=None, description="The field a retention period runs from"
    )
    description: Text | None = None

    @model_validator(mode="after")
    def _names_known(self) -> CollectionMap:
        names = [f.name for f in self.fields]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"field {', '.join(twice)} is listed more than once")
        for wanted, what in (
            *((key, "primary_key") for key in self.primary_key),
            *(((self.date_field, "date_field"),) if self.date_field else ()),
            *(((self.restrict.field, "restrict.field"),) if self.restrict.field else ()),
        ):
            if wanted not in names:
                raise ValueError(f"{what} '{wanted}' is not one of this collection's fields")
        return self

    def field(self, name: str) -> FieldMap:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def identity_fields(self) -> tuple[FieldMap, ...]:
        return tuple(f for f in self.fields if f.identity is not None)

    @property
    def personal_fields(self) -> tuple[FieldMap, ...]:
        return tuple(f for f in self.fields if f.categories or f.identity is not None)


class DatasetMap(Model):
    """One system's map. ``system`` is the id of a system in the manifest."""

    system: Identifier
    collections: tuple[CollectionMap, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _collections_once(self) -> DatasetMap:
        names = [c.name for c in self.collections]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"collection {', '.join(twice)} is listed more than once")
        return self

    def collection(self, name: str) -> CollectionMap:
        for candidate in self.collections:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


DATASET_PATTERN_DESCRIPTIONS = describe_patterns(CollectionName, FieldName, FieldPath)
"""Pattern -> the form a person must write, for the loader's messages."""

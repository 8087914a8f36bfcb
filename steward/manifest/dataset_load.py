"""Load the dataset maps of a folder and check them against the manifest they belong to.

A map is read and validated exactly as a manifest file is (``steward.manifest.load``: the same
YAML reader, file:line:column for every problem, "did you mean" for a misspelt name), then
checked against the manifest: its system and every category and retention rule it names must
be declared there, each system is mapped once, every ``references:`` points to a mapped field,
and every collection can be reached from a field that identifies a person. A collection the
engine could never reach would silently drop out of an access or erasure search (UK GDPR
Art 15, Art 17), so that is an error, not a warning. All problems are reported together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path as FsPath

from pydantic import ValidationError

from steward.errors import Location, ManifestError, ManifestErrors
from steward.manifest.datasets import CollectionMap, DatasetMap
from steward.manifest.load import (
    MANIFEST_SUFFIXES,
    explain_invalid,
    read_source_file,
    suggest,
)
from steward.manifest.references import unknown_reference
from steward.manifest.schema import Manifest
from steward.manifest.source import Path, SourceMap, parse_yaml, path_text

DATASETS_FOLDER = "datasets"


class DatasetMapErrors(ManifestErrors):
    """Several dataset-map problems at once, so a person can fix them all in one pass."""

    def __str__(self) -> str:
        count = len(self.errors)
        head = f"{count} problem{'s' if count != 1 else ''} in the dataset maps:"
        return "\n".join([head, *(str(e) for e in self.errors)])


@dataclass(frozen=True)
class _Parsed:
    """One validated map and where each of its values was written."""

    dataset: DatasetMap
    source: SourceMap
    file: str


def default_maps_folder(manifest_path: FsPath) -> FsPath:
    """``datasets/`` beside the manifest file, or inside the manifest folder."""
    base = manifest_path if manifest_path.is_dir() else manifest_path.parent
    return base / DATASETS_FOLDER


def load_dataset_maps(folder: FsPath, manifest: Manifest) -> tuple[DatasetMap, ...]:
    """Every ``*.yaml``/``*.yml`` map in ``folder``, validated and checked against ``manifest``.

    Raises ``DatasetMapErrors`` listing every problem with its file:line:column.
    """
    errors: list[ManifestError] = []
    parsed: list[_Parsed] = []
    for file in _map_files(folder):
        try:
            parsed.append(_parse(file))
        except ManifestErrors as many:
            errors.extend(many.errors)
        except ManifestError as error:
            errors.append(error)
    if not errors:
        errors.extend(_cross_check(parsed, manifest))
    if errors:
        raise DatasetMapErrors(errors)
    return tuple(p.dataset for p in parsed)


def _map_files(folder: FsPath) -> list[FsPath]:
    if not folder.is_dir():
        raise ManifestError(
            "no such folder of dataset maps",
            location=Location(str(folder)),
            hint=f"put one map per system in '{DATASETS_FOLDER}/' beside the manifest, or name "
            "the folder that holds them",
        )
    files = sorted(p for p in folder.iterdir() if p.suffix in MANIFEST_SUFFIXES)
    if not files:
        raise ManifestError(
            "the folder holds no .yaml or .yml dataset maps",
            location=Location(str(folder)),
            hint="draft one with 'steward systems discover SYSTEM --url URL --out FILE'",
        )
    return files


def _parse(file: FsPath) -> _Parsed:
    name = str(file)
    data, source = parse_yaml(read_source_file(file), name)
    if not isinstance(data, dict):
        raise ManifestError(
            "a dataset map must be a mapping with 'system:' and 'collections:'",
            location=Location(name, 1, 1),
        )
    try:
        dataset = DatasetMap.model_validate(data)
    except ValidationError as invalid:
        raise ManifestErrors(explain_invalid(invalid, data, source, DatasetMap)) from invalid
    return _Parsed(dataset, source, name)


def _error(parsed: _Parsed, path: Path, message: str, hint: str | None) -> ManifestError:
    return ManifestError(
        message, location=parsed.source.locate(path), field=path_text(path), hint=hint
    )


def _cross_check(maps: list[_Parsed], manifest: Manifest) -> list[ManifestError]:
    known = {
        "systems": {s.id for s in manifest.systems},
        "data_categories": {c.id for c in manifest.data_categories},
        "retention": {r.id for r in manifest.retention},
    }
    errors: list[ManifestError] = []
    for parsed in maps:
        for ref, section, path in _manifest_references(parsed.dataset):
            if ref not in known[section]:
                errors.append(unknown_reference(ref, section, path, known[section], parsed.source))
    errors.extend(_systems_once(maps))
    by_system = {p.dataset.system: p.dataset for p in maps}
    errors.extend(_field_references(maps, by_system))
    if not errors:
        errors.extend(_unreachable(maps))
    return errors


def _manifest_references(dataset: DatasetMap) -> Iterator[tuple[str, str, Path]]:
    yield dataset.system, "systems", ("system",)
    for i, collection in enumerate(dataset.collections):
        if collection.retention:
            yield collection.retention, "retention", ("collections", i, "retention")
        for j, field in enumerate(collection.fields):
            for k, category in enumerate(field.categories):
                yield category, "data_categories", ("collections", i, "fields", j, "categories", k)


def _systems_once(maps: list[_Parsed]) -> Iterator[ManifestError]:
    first: dict[str, _Parsed] = {}
    for parsed in maps:
        system = parsed.dataset.system
        if system in first:
            earlier = first[system]
            yield _error(
                parsed,
                ("system",),
                f"system '{system}' is mapped twice (first at "
                f"{earlier.source.locate(('system',))})",
                "keep one map per system: merge the collections into one file",
            )
        first.setdefault(system, parsed)


def _field_references(
    maps: list[_Parsed], by_system: dict[str, DatasetMap]
) -> Iterator[ManifestError]:
    """``references: SYSTEM.COLLECTION.FIELD`` must name a mapped system, collection, field."""
    for parsed in maps:
        for i, collection in enumerate(parsed.dataset.collections):
            for j, field in enumerate(collection.fields):
                if field.references is None:
                    continue
                path: Path = ("collections", i, "fields", j, "references")
                problem = _missing_target(field.references, by_system)
                if problem is not None:
                    yield _error(parsed, path, *problem)


def split_field_path(reference: str) -> tuple[str, str, str]:
    """``crm.customers.id`` -> ``('crm', 'customers', 'id')``; a collection may hold dots."""
    system, _, rest = reference.partition(".")
    collection, _, field = rest.rpartition(".")
    return system, collection, field


def _missing_target(
    reference: str, by_system: dict[str, DatasetMap]
) -> tuple[str, str | None] | None:
    system, collection_name, field_name = split_field_path(reference)
    target = by_system.get(system)
    if target is None:
        return (
            f"'{reference}' points to system '{system}', which has no dataset map",
            suggest(system, sorted(by_system)) or f"mapped systems: {', '.join(sorted(by_system))}",
        )
    names = [c.name for c in target.collections]
    if collection_name not in names:
        return (
            f"'{reference}' points to collection '{collection_name}', which the map of "
            f"'{system}' does not list",
            suggest(collection_name, names) or f"its collections: {', '.join(names)}",
        )
    fields = [f.name for f in target.collection(collection_name).fields]
    if field_name not in fields:
        return (
            f"'{reference}' points to field '{field_name}', which collection "
            f"'{collection_name}' does not list",
            suggest(field_name, fields) or f"its fields: {', '.join(fields)}",
        )
    return None


def _unreachable(maps: list[_Parsed]) -> Iterator[ManifestError]:
    """Collections no identity field leads to, by references followed either way.

    The engine finds a person by an identifier (email, customer number, ...) and follows
    references from the records it found to others, in either direction; a collection outside
    every such path could hold the person's data and never be searched.
    """
    edges: dict[tuple[str, str], set[tuple[str, str]]] = {}
    seeds: list[tuple[str, str]] = []
    for parsed in maps:
        for collection in parsed.dataset.collections:
            node = (parsed.dataset.system, collection.name)
            edges.setdefault(node, set())
            if collection.identity_fields:
                seeds.append(node)
            for field in collection.fields:
                if field.references is not None:
                    system, target, _ = split_field_path(field.references)
                    edges[node].add((system, target))
                    edges.setdefault((system, target), set()).add(node)
    reached = set(seeds)
    queue = list(seeds)
    while queue:
        for neighbour in edges[queue.pop()]:
            if neighbour not in reached:
                reached.add(neighbour)
                queue.append(neighbour)
    for parsed in maps:
        for i, collection in enumerate(parsed.dataset.collections):
            if (parsed.dataset.system, collection.name) not in reached:
                yield _unreachable_error(parsed, i, collection)


def _unreachable_error(parsed: _Parsed, index: int, collection: CollectionMap) -> ManifestError:
    return _error(
        parsed,
        ("collections", index, "name"),
        f"collection '{collection.name}' cannot be reached: none of its fields identifies a "
        "person and no reference leads to it from a collection that has one, so a request "
        "would never find its records",
        "mark a field with 'identity:' (email, phone, customer_number, employee_number, name), "
        "or add 'references: SYSTEM.COLLECTION.FIELD' linking it to a collection that has one",
    )


@dataclass(frozen=True)
class MapCounts:
    """What a set of maps covers, for a person checking them."""

    systems: tuple[str, ...]
    collections: int
    fields: int
    personal_fields: int
    identity_fields: int

    @classmethod
    def of(cls, maps: tuple[DatasetMap, ...]) -> MapCounts:
        collections = [c for m in maps for c in m.collections]
        return cls(
            systems=tuple(m.system for m in maps),
            collections=len(collections),
            fields=sum(len(c.fields) for c in collections),
            personal_fields=sum(len(c.personal_fields) for c in collections),
            identity_fields=sum(len(c.identity_fields) for c in collections),
        )

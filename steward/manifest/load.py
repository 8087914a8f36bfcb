"""Load a manifest (one YAML file, or a folder of files that merge) into a typed ``Manifest``.

Every mistake is reported with file:line:column, the field path, what was expected and, where it
helps, the nearest valid value. All problems found in one pass are reported together.

What is published comes from every file of a folder or from none: a ``.yaml``/``.yml`` entry that
is a link to nothing, a folder, a FIFO or a device is an error, never skipped (a skipped
``cookies.yaml`` would publish "we use no cookies"). Each file is checked against
``MAX_FILE_BYTES`` before it is read, and ``steward.manifest.source`` bounds its values.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from steward.errors import Location, ManifestError, ManifestErrors
from steward.files import file_kind
from steward.manifest.datasets import DATASET_PATTERN_DESCRIPTIONS
from steward.manifest.fields import PATTERN_DESCRIPTIONS
from steward.manifest.references import check_references
from steward.manifest.schema import (
    LIST_SECTIONS,
    SECTIONS_WITH_IDS,
    SINGLE_SECTIONS,
    Manifest,
)
from steward.manifest.source import Path, SourceMap, parse_yaml, path_text

MANIFEST_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 5_000_000
"""Per file; a manifest 100 times Outserve's size is 4 MB in one file (benchmarks/)."""
KNOWN_SECTIONS = (*SINGLE_SECTIONS, *LIST_SECTIONS)
_PATTERNS = {**PATTERN_DESCRIPTIONS, **DATASET_PATTERN_DESCRIPTIONS}


@dataclass(frozen=True)
class LoadedManifest:
    """A validated manifest and where each of its fields was written."""

    manifest: Manifest
    source: SourceMap
    files: tuple[str, ...]

    def locate(self, path: Path) -> Location | None:
        return self.source.locate(path)


def load(path: str | FsPath) -> LoadedManifest:
    """Read, merge, validate and cross-check the manifest at ``path`` (a file or a folder)."""
    target = FsPath(path)
    files = _manifest_files(target)
    data: dict[str, Any] = {}
    source = SourceMap()
    origins: dict[str, Location] = {}
    errors: list[ManifestError] = []
    for file in files:
        try:
            part, part_source = parse_yaml(read_source_file(file), str(file))
        except ManifestError as error:
            errors.append(error)
            continue
        if not isinstance(part, dict):
            errors.append(
                ManifestError(
                    "the top level must be a mapping of sections (organisation:, purposes:, ...)",
                    location=Location(str(file), 1, 1),
                )
            )
            continue
        errors.extend(_merge(part, part_source, data, source, origins))
    errors.extend(_duplicate_ids(data, source))
    if errors:
        raise ManifestErrors(errors)
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as invalid:
        raise ManifestErrors(explain_invalid(invalid, data, source)) from invalid
    problems = check_references(manifest, source)
    if problems:
        raise ManifestErrors(problems)
    return LoadedManifest(manifest=manifest, source=source, files=tuple(str(f) for f in files))


def load_manifest(path: str | FsPath) -> Manifest:
    """The manifest alone, for callers that need no source locations."""
    return load(path).manifest


def _manifest_files(target: FsPath) -> list[FsPath]:
    if target.is_dir():
        files = sorted(p for p in target.iterdir() if p.suffix in MANIFEST_SUFFIXES)
        if not files:
            raise ManifestError(
                "the folder holds no .yaml or .yml files",
                location=Location(str(target)),
                hint="point at a manifest file or a folder of manifest files",
            )
        return files
    if os.path.lexists(target):
        return [target]
    raise ManifestError(
        "no such file or folder",
        location=Location(str(target)),
        hint="give the path of a manifest file or of a folder of them",
    )


def read_source_file(file: FsPath) -> str:
    """The text of a manifest or dataset-map file, if it is a regular file (a link to one is
    fine) within the size limit.

    Opened without blocking and checked on the open descriptor, so a FIFO never hangs the
    build; the size is checked before a byte is read.
    """
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ManifestError(
            "the file is a link to something that does not exist",
            location=Location(str(file)),
            hint="restore what it points to, or remove the link (every .yaml file in the "
            "folder is part of the manifest)",
        ) from None
    except OSError as error:
        raise ManifestError(
            f"cannot read the file: {error.strerror}", location=Location(str(file))
        ) from error
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise ManifestError(
            f"this is {file_kind(status.st_mode)}, not a manifest file",
            location=Location(str(file)),
            hint="every .yaml or .yml entry in a manifest folder must be a file; rename or "
            "move anything else",
        )
    with os.fdopen(descriptor, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1) if status.st_size <= MAX_FILE_BYTES else b""
    if status.st_size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
        raise ManifestError(
            f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB",
            location=Location(str(file)),
            hint="split it into several files",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ManifestError(
            "the file is not UTF-8 text",
            location=Location(str(file), line),
            hint="save it as UTF-8",
        ) from error


def _merge(
    part: dict[str, Any],
    part_source: SourceMap,
    data: dict[str, Any],
    source: SourceMap,
    origins: dict[str, Location],
) -> list[ManifestError]:
    """Merge one file's sections into the whole: single sections once, lists concatenated.

    Locations move with their entries in one pass over the file's source map, so a folder of
    any size merges in linear time.
    """
    errors = []
    offsets: dict[str, int] = {}
    taken: set[str] = set()
    for section, value in part.items():
        where = part_source.keys.get((section,))
        if section not in KNOWN_SECTIONS:
            errors.append(unknown_field(section, KNOWN_SECTIONS, (section,), where))
        elif section in SINGLE_SECTIONS and section in data:
            errors.append(
                ManifestError(
                    f"'{section}' is defined in more than one place (first at {origins[section]})",
                    location=where,
                    field=section,
                    hint="define each single section once",
                )
            )
        elif section in SINGLE_SECTIONS:
            data[section] = value
            origins[section] = where or Location("?")
            taken.add(section)
        elif not isinstance(value, list):
            errors.append(
                ManifestError(
                    f"'{section}' must be a list",
                    location=where,
                    field=section,
                    hint="start each entry with '- '",
                )
            )
        else:
            merged = data.setdefault(section, [])
            offsets[section] = len(merged)
            merged.extend(value)
            taken.add(section)
    for table, target in ((part_source.values, source.values), (part_source.keys, source.keys)):
        for path, location in table.items():
            if not path or path[0] not in taken:
                continue
            section = str(path[0])
            if section in offsets and len(path) > 1 and isinstance(path[1], int):
                path = (section, offsets[section] + path[1], *path[2:])
            target.setdefault(path, location)
    return errors


def _duplicate_ids(data: dict[str, Any], source: SourceMap) -> list[ManifestError]:
    """Two definitions of the same id in one section conflict, within or across files."""
    errors = []
    for section in SECTIONS_WITH_IDS:
        first: dict[str, Path] = {}
        for index, item in enumerate(data.get(section, [])):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            path: Path = (section, index, "id")
            ident = item["id"]
            if ident in first and first[ident] != path:
                previous = source.locate(first[ident])
                errors.append(
                    ManifestError(
                        f"{section} id '{ident}' is defined twice (first at {previous})",
                        location=source.locate(path),
                        field=path_text(path),
                        hint="give each entry its own id, or remove the duplicate",
                    )
                )
            first.setdefault(ident, path)
    return errors


def unknown_field(
    name: str, allowed: tuple[str, ...] | list[str], path: Path, where: Location | None
) -> ManifestError:
    return ManifestError(
        f"unknown field '{name}'",
        location=where,
        field=path_text(path),
        hint=suggest(name, allowed) or f"allowed here: {', '.join(sorted(allowed))}",
    )


def suggest(value: str, allowed: tuple[str, ...] | list[str]) -> str | None:
    close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


_QUOTED = re.compile(r"'([^']*)'")


def _data_path(loc: tuple[int | str, ...], data: Any) -> Path:
    """Keep only the parts of a pydantic error location that exist in the data.

    Pydantic adds labels for union members and validators; those are skipped. A name that is
    not in the data (a missing or unknown field) ends the path.
    """
    path: list[str | int] = []
    node = data
    for part in loc:
        in_mapping = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.isidentifier():
            path.append(part)
            break
    return tuple(path)


def explain_invalid(
    invalid: ValidationError, data: Any, source: SourceMap, root: Any = Manifest
) -> list[ManifestError]:
    """One error per field: a union reports each branch's failure, the first one is enough.

    ``root`` is the model ``data`` was validated against (a dataset map uses this too).
    """
    errors = invalid.errors()
    parents = {tuple(e["loc"][:n]) for e in errors for n in range(len(e["loc"]))}
    seen: set[tuple[str | None, str]] = set()
    result = []
    for error in errors:
        if error["type"] == "too_short" and tuple(error["loc"]) in parents:
            continue  # a list emptied by its own invalid items: the items are the news
        explained = _explain(error, data, source, root)
        key = (explained.field, str(explained.location))
        if key not in seen:
            seen.add(key)
            result.append(explained)
    return result


def _explain(error: Any, data: Any, source: SourceMap, root: Any) -> ManifestError:
    """Turn one pydantic error into what/where/how-to-fix."""
    path = _data_path(tuple(error["loc"]), data)
    kind = error["type"]
    where = source.locate(path, key=kind == "extra_forbidden")
    text = path_text(path) or None
    if kind == "extra_forbidden":
        parent = _data_path(tuple(error["loc"])[:-1], data)
        allowed = _allowed_fields(parent, root)
        return unknown_field(str(path[-1]), allowed, path, where)
    if kind == "missing":
        return ManifestError(
            f"required field '{path[-1]}' is missing",
            location=where,
            field=text,
            hint=f"add '{path[-1]}:' here",
        )
    message = error["msg"]
    hint = None
    expected = (error.get("ctx") or {}).get("expected")
    if isinstance(expected, str) and isinstance(error.get("input"), str):
        options = _QUOTED.findall(expected)
        hint = suggest(error["input"], options)
        message = f"'{error['input']}' is not allowed; expected one of: {', '.join(options)}"
    elif kind == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern", "")
        expected_form = _PATTERNS.get(pattern, f"pattern {pattern}")
        message = f"'{error.get('input')}' is not in the expected form: {expected_form}"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return ManifestError(message, location=where, field=text, hint=hint)


def _model_at(path: Path, root: Any) -> Any:
    """The pydantic model class that describes the mapping at ``path`` below ``root``."""
    model: Any = root
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _allowed_fields(path: Path, root: Any) -> list[str]:
    model = _model_at(path, root)
    return sorted(model.model_fields) if model is not None else []

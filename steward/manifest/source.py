"""YAML text to plain data plus a map from each field path to its file:line:column.

PyYAML's composer keeps the position of every node; we build the Python values ourselves from
the node tree so that every value and every key keeps its location, duplicate keys are errors
(YAML parsers usually keep the last one silently) and alias bombs are refused.

Composing keeps a node object (with its marks) per value, a few hundred bytes each, so a 2 MB
file of a million values would take gigabytes before any check ran. The values are therefore
counted first, from the parser's event stream, which holds one event at a time: a file that
could hold more than ``MAX_NODES`` values (every value needs at least half a byte of text) is
streamed once and refused as soon as the count passes the limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from steward.errors import Location, ManifestError

Path = tuple[str | int, ...]

# libyaml's parser keeps the same marks and is an order of magnitude faster on large manifests.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 1_000_000
"""Values (and aliases) per file: a manifest 100 times Outserve's size has about 285,000."""
MAX_ALIAS_EXPANSIONS = 50_000
MAX_DEPTH = 64


def path_text(path: Path) -> str:
    """``('purposes', 3, 'lawful_basis')`` -> ``purposes[3].lawful_basis``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass
class SourceMap:
    """Where each value (and each mapping key) came from."""

    values: dict[Path, Location] = field(default_factory=dict)
    keys: dict[Path, Location] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Location | None:
        """The location of ``path`` or, failing that, of its nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        probe = path
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return None
            probe = probe[:-1]


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.source = SourceMap()
        self.nodes = 0
        self.built: set[int] = set()
        self.expansions = 0
        self.scalars = SafeConstructor()

    def where(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def fail(self, node: Node, path: Path, message: str, hint: str | None = None) -> ManifestError:
        return ManifestError(
            message, location=self.where(node), field=path_text(path) or None, hint=hint
        )

    def build(self, node: Node, path: Path, active: frozenset[int]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                node,
                path,
                f"the document has more than {MAX_NODES} values",
                "split it up, and do not expand aliases recursively",
            )
        if len(path) > MAX_DEPTH:
            raise self.fail(node, path, f"the document nests deeper than {MAX_DEPTH} levels")
        if id(node) in active:
            raise self.fail(node, path, "an alias refers to a value that contains it")
        if id(node) in self.built:
            self.expansions += 1
            if self.expansions > MAX_ALIAS_EXPANSIONS:
                raise self.fail(
                    node,
                    path,
                    f"aliases expand to more than {MAX_ALIAS_EXPANSIONS} copies",
                    "write the values out, or use fewer aliases",
                )
        self.built.add(id(node))
        self.source.values[path] = self.where(node)
        inner = active | {id(node)}
        if isinstance(node, MappingNode):
            return self.mapping(node, path, inner)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i), inner) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            try:
                return self.scalars.construct_object(node, deep=True)
            except (ConstructorError, ValueError, OverflowError) as error:
                raise self.fail(node, path, f"cannot read this value: {error}") from error
        raise self.fail(node, path, "unsupported YAML node")

    def mapping(self, node: MappingNode, path: Path, active: frozenset[int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(
                    key_node,
                    path,
                    "YAML merge keys ('<<') are not supported",
                    "write the fields out in full",
                )
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, path, "a key must be a plain name, not a list or mapping")
            key = key_node.value
            if key in seen:
                raise self.fail(
                    key_node,
                    (*path, key),
                    f"'{key}' is given twice in the same mapping (first at {seen[key]})",
                    "keep one of them",
                )
            seen[key] = self.where(key_node)
            self.source.keys[(*path, key)] = self.where(key_node)
            result[key] = self.build(value_node, (*path, key), active)
        return result


def _count_values(text: str, file: str) -> None:
    """Refuse a document of more than ``MAX_NODES`` values before any is composed."""
    count = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, NodeEvent):
            count += 1
            if count > MAX_NODES:
                mark = event.start_mark
                where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
                raise ManifestError(
                    f"the file has more than {MAX_NODES:,} values",
                    location=where,
                    hint="split the manifest into several files, each within the limit",
                )


def parse_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain data and its source map."""
    try:
        if 2 * len(text) > MAX_NODES:
            _count_values(text, file)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = error.problem or error.context or "is not valid YAML"
        raise ManifestError(
            f"not valid YAML: {problem}",
            location=location,
            hint="check indentation, colons and quotes near this point",
        ) from error
    except yaml.YAMLError as error:
        raise ManifestError(f"not valid YAML: {error}", location=Location(file)) from error
    except RecursionError as error:
        raise ManifestError(
            "the document nests too deeply to read", location=Location(file)
        ) from error
    if node is None:
        raise ManifestError(
            "the file is empty",
            location=Location(file),
            hint="start from examples/outserve/manifest.yaml",
        )
    builder = _Builder(file)
    data = builder.build(node, (), frozenset())
    return data, builder.source

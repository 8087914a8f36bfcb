"""Compiling is pure and reproducible: same manifest, same bytes; nothing touches the disk."""

from __future__ import annotations

import builtins
import io
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from steward.errors import InvalidInput
from steward.manifest.schema import Manifest
from steward.notice.build import compile_outputs, write_outputs

NAMES = (
    "privacy-notice.html",
    "privacy-notice.md",
    "cookie-notice.html",
    "cookie-notice.md",
    "ropa.csv",
    "ropa.xlsx",
    "ropa.json",
    "data-audit.html",
    "data-audit.md",
    "promise-matrix.html",
    "promise-matrix.md",
    "promise-matrix.json",
)


def test_every_output_is_compiled_under_its_documented_name(outserve: Manifest) -> None:
    assert tuple(o.name for o in compile_outputs(outserve)) == NAMES


def test_two_builds_into_two_folders_are_byte_identical(outserve: Manifest, tmp_path: Path) -> None:
    first = write_outputs(compile_outputs(outserve), tmp_path / "one")
    second = write_outputs(compile_outputs(outserve), tmp_path / "two")
    assert [p.name for p in first] == list(NAMES)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_compiling_opens_no_file(complete: Manifest, monkeypatch: pytest.MonkeyPatch) -> None:
    compile_outputs(complete)  # templates are loaded once and cached

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a pure function opened {args[:1]}")

    for owner, name in ((builtins, "open"), (io, "open"), (os, "open")):
        monkeypatch.setattr(owner, name, refuse)
    assert len(compile_outputs(complete)) == len(NAMES)


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self.h1 += tag == "h1"


def test_every_html_output_parses_with_one_h1_and_a_language(outserve: Manifest) -> None:
    for output in compile_outputs(outserve):
        if output.name.endswith(".html"):
            page = Headings()
            page.feed(output.content.decode())
            page.close()
            assert (page.lang, page.h1) == ("en-GB", 1), output.name


def test_writing_into_a_path_that_is_a_file_is_refused(complete: Manifest, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("not a folder")
    with pytest.raises(InvalidInput, match="is a file, not a folder"):
        write_outputs(compile_outputs(complete), target)


def test_the_output_folder_is_created_with_its_parents(complete: Manifest, tmp_path: Path) -> None:
    written = write_outputs(compile_outputs(complete), tmp_path / "a" / "b")
    assert all(p.parent == tmp_path / "a" / "b" and p.is_file() for p in written)

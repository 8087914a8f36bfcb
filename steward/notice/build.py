"""Compile every output of a manifest, and write them to a folder.

``compile_outputs`` is pure: the manifest in, named bytes out, byte-identical for the same
manifest. ``write_outputs`` is the only part that touches the filesystem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from steward.errors import InvalidInput
from steward.manifest.schema import Manifest
from steward.notice.cookie_notice import cookie_notice
from steward.notice.data_audit import data_audit
from steward.notice.document import Document
from steward.notice.privacy import privacy_notice
from steward.notice.promises import promise_matrix, promise_matrix_json
from steward.notice.render import render_html, render_markdown
from steward.notice.ropa import ropa_csv, ropa_json, ropa_xlsx


@dataclass(frozen=True)
class Output:
    name: str
    content: bytes


def _pages(name: str, build: Callable[[Manifest], Document], m: Manifest) -> tuple[Output, ...]:
    document = build(m)
    return (
        Output(f"{name}.html", render_html(document, m.organisation.name).encode()),
        Output(f"{name}.md", render_markdown(document).encode()),
    )


def compile_outputs(m: Manifest) -> tuple[Output, ...]:
    """Every compiled output, in a fixed order (docs/outputs.md lists them)."""
    return (
        *_pages("privacy-notice", privacy_notice, m),
        *_pages("cookie-notice", cookie_notice, m),
        Output("ropa.csv", ropa_csv(m).encode()),
        Output("ropa.xlsx", ropa_xlsx(m)),
        Output("ropa.json", ropa_json(m).encode()),
        *_pages("data-audit", data_audit, m),
        *_pages("promise-matrix", promise_matrix, m),
        Output("promise-matrix.json", promise_matrix_json(m).encode()),
    )


def write_outputs(outputs: tuple[Output, ...], folder: Path) -> tuple[Path, ...]:
    """Write each output into ``folder`` (created if missing); an existing file there is refused."""
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(
            f"{folder} is a file, not a folder",
            where="--out",
            hint="give a folder path (it is created if missing)",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for output in outputs:
            path = folder / output.name
            path.write_bytes(output.content)
            written.append(path)
    except OSError as error:
        raise InvalidInput(
            f"cannot write to {folder}: {error.strerror}",
            where="--out",
            hint="choose a folder you can write to",
        ) from error
    return tuple(written)

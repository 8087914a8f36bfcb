"""Compile every output of a manifest, refuse to publish a manifest lint finds errors in, and
write the outputs to a folder.

``compile_outputs`` is pure: the manifest in, named bytes out, byte-identical for the same
manifest. ``publishable_outputs`` is the gate: outputs people will read are compiled only from a
manifest with no lint error on the day, unless the build is a draft, whose every output then says
so. ``write_outputs`` is the only part that touches the filesystem.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from steward.errors import InvalidInput
from steward.lint import Severity, lint
from steward.manifest.load import LoadedManifest
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


class ManifestNotPublishable(InvalidInput):
    """Lint reports errors: publishing would put unlawful or missing statements in front of
    people (UK GDPR Arts 12-14). ``count`` is the number of error findings."""

    def __init__(self, source: str, count: int) -> None:
        super().__init__(
            f"lint reports {count} error{'s' if count != 1 else ''} in this manifest, so no "
            "publishable output was written",
            where=source,
            hint=f"see them with `steward lint {source}`, fix them and build again; or build "
            "with --draft to review outputs marked as drafts",
        )
        self.count = count


def _pages(name: str, document: Document, organisation: str) -> tuple[Output, ...]:
    return (
        Output(f"{name}.html", render_html(document, organisation).encode()),
        Output(f"{name}.md", render_markdown(document).encode()),
    )


def compile_outputs(
    m: Manifest, *, draft: str | None = None, error_fields: Collection[str] = ()
) -> tuple[Output, ...]:
    """Every compiled output, in a fixed order (docs/outputs.md lists them).

    ``draft`` (why the build is a draft) marks every output: a note at the top of each page, a
    first row in the record's CSV and XLSX, a ``draft`` member in each JSON document.
    ``error_fields`` are the field paths of lint errors, for the promise matrix.
    """
    pages: tuple[tuple[str, Callable[[Manifest], Document]], ...] = (
        ("privacy-notice", privacy_notice),
        ("cookie-notice", cookie_notice),
    )
    late: tuple[tuple[str, Callable[[Manifest], Document]], ...] = (
        ("data-audit", data_audit),
        ("promise-matrix", lambda manifest: promise_matrix(manifest, error_fields=error_fields)),
    )

    def page(name: str, build: Callable[[Manifest], Document]) -> tuple[Output, ...]:
        return _pages(name, dataclasses.replace(build(m), draft=draft), m.organisation.name)

    return (
        *(output for name, build in pages for output in page(name, build)),
        Output("ropa.csv", _csv_marked(ropa_csv(m), draft).encode()),
        Output("ropa.xlsx", ropa_xlsx(m, draft=draft)),
        Output("ropa.json", _json_marked(ropa_json(m), draft).encode()),
        *(output for name, build in late for output in page(name, build)),
        Output(
            "promise-matrix.json",
            _json_marked(promise_matrix_json(m, error_fields=error_fields), draft).encode(),
        ),
    )


def publishable_outputs(
    loaded: LoadedManifest, on: date, *, draft: bool = False, source: str = "manifest"
) -> tuple[Output, ...]:
    """The outputs of a manifest lint finds no error in on ``on``; with ``draft``, the outputs
    of any manifest that loads, each marked as a draft. ``source`` names the manifest in the
    refusal (the path the person gave)."""
    report = lint(loaded, on)
    errors = [f for f in report.findings if f.severity is Severity.error]
    if errors and not draft:
        raise ManifestNotPublishable(source, len(errors))
    note = None
    if draft:
        note = (
            f"built on {on.isoformat()} with {len(errors)} lint error"
            f"{'s' if len(errors) != 1 else ''} outstanding"
            if errors
            else f"built on {on.isoformat()} as a draft"
        )
    return compile_outputs(
        loaded.manifest, draft=note, error_fields=tuple(x for f in errors for x in f.fields)
    )


def _csv_marked(text: str, draft: str | None) -> str:
    """A draft row straight after the header, so the columns still read as a table."""
    if not draft:
        return text
    header, rest = text.split("\r\n", 1)
    return f'{header}\r\n"DRAFT, not for publication: {draft}"\r\n{rest}'


def _json_marked(text: str, draft: str | None) -> str:
    if not draft:
        return text
    return json.dumps({"draft": draft, **json.loads(text)}, indent=2, ensure_ascii=False) + "\n"


def write_outputs(outputs: tuple[Output, ...], folder: Path) -> tuple[Path, ...]:
    """Write each output into ``folder`` (created if missing), replacing earlier outputs."""
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

"""Cross-references between manifest sections: every id a section names must exist.

A purpose that names an unknown category, or a recipient in an unknown country, is an error at
load time (with file:line), not a silent gap in the published notice.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from steward.errors import ManifestError
from steward.law.transfers import is_known_country
from steward.manifest.schema import Address, Manifest
from steward.manifest.source import Path, SourceMap, path_text


def check_references(manifest: Manifest, source: SourceMap) -> list[ManifestError]:
    known = {
        "data_subjects": {s.id for s in manifest.data_subjects},
        "data_categories": {c.id for c in manifest.data_categories},
        "recipients": {r.id for r in manifest.recipients},
        "systems": {s.id for s in manifest.systems},
        "retention": {r.id for r in manifest.retention},
        "purposes": {p.id for p in manifest.purposes},
    }
    problems = [
        unknown_reference(ref, section, path, known[section], source)
        for ref, section, path in _references(manifest)
        if ref not in known[section]
    ]
    problems.extend(_outside_purpose(manifest, source))
    problems.extend(
        ManifestError(
            f"'{code}' is not an ISO 3166-1 alpha-2 country code",
            location=source.locate(path),
            field=path_text(path),
            hint="use two capital letters, e.g. GB, IE, US, DE",
        )
        for code, path in _countries(manifest)
        if not is_known_country(code)
    )
    return problems


def unknown_reference(
    ref: str, section: str, path: Path, known: set[str], source: SourceMap
) -> ManifestError:
    close = difflib.get_close_matches(ref, sorted(known), n=1, cutoff=0.6)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif known:
        hint = f"known {section}: {', '.join(sorted(known))}"
    else:
        hint = f"declare it under '{section}:'"
    return ManifestError(
        f"refers to unknown {section} id '{ref}'",
        location=source.locate(path),
        field=path_text(path),
        hint=hint,
    )


def _each(refs: Iterable[str], base: Path) -> Iterator[tuple[str, Path]]:
    for index, ref in enumerate(refs):
        yield ref, (*base, index)


def _references(m: Manifest) -> Iterator[tuple[str, str, Path]]:
    """(referenced id, section it must exist in, where it is written)."""
    for i, p in enumerate(m.purposes):
        base: Path = ("purposes", i)
        for ref, path in _each(p.data_subjects, (*base, "data_subjects")):
            yield ref, "data_subjects", path
        for ref, path in _each(p.categories, (*base, "categories")):
            yield ref, "data_categories", path
        for ref, path in _each(p.recipients, (*base, "recipients")):
            yield ref, "recipients", path
        for ref, path in _each(p.systems, (*base, "systems")):
            yield ref, "systems", path
        if p.retention:
            yield p.retention, "retention", (*base, "retention")
        for j, opt_out in enumerate(p.disclosure_opt_outs):
            yield opt_out.recipient, "recipients", (*base, "disclosure_opt_outs", j, "recipient")
    for i, c in enumerate(m.data_categories):
        if c.retention:
            yield c.retention, "retention", ("data_categories", i, "retention")
        if c.children_retention:
            yield c.children_retention, "retention", ("data_categories", i, "children_retention")
    for i, staff in enumerate(m.organisation.staff_abroad):
        for ref, path in _each(staff.purposes, ("organisation", "staff_abroad", i, "purposes")):
            yield ref, "purposes", path
    for i, linked in enumerate(m.notice.linked_notices):
        for ref, path in _each(linked.purposes, ("notice", "linked_notices", i, "purposes")):
            yield ref, "purposes", path
    for i, cookie in enumerate(m.cookies):
        if cookie.recipient:
            yield cookie.recipient, "recipients", ("cookies", i, "recipient")
    for i, s in enumerate(m.systems):
        if s.recipient:
            yield s.recipient, "recipients", ("systems", i, "recipient")
        for ref, path in _each(s.categories, ("systems", i, "categories")):
            yield ref, "data_categories", path


def _outside_purpose(m: Manifest, source: SourceMap) -> Iterator[ManifestError]:
    """A source's categories and an opt-out's recipient must be the purpose's own."""
    for i, p in enumerate(m.purposes):
        for j, src in enumerate(p.sources):
            for k, category in enumerate(src.categories):
                if category not in p.categories:
                    path: Path = ("purposes", i, "sources", j, "categories", k)
                    yield ManifestError(
                        f"source names category '{category}', which purpose '{p.id}' does not use",
                        location=source.locate(path),
                        field=path_text(path),
                        hint=f"the purpose's categories: {', '.join(p.categories)}",
                    )
        for j, opt_out in enumerate(p.disclosure_opt_outs):
            if opt_out.recipient not in p.recipients:
                path = ("purposes", i, "disclosure_opt_outs", j, "recipient")
                yield ManifestError(
                    f"opt-out names recipient '{opt_out.recipient}', which purpose '{p.id}' "
                    "does not share with",
                    location=source.locate(path),
                    field=path_text(path),
                    hint="add the recipient to the purpose's 'recipients' too",
                )


def _countries(m: Manifest) -> Iterator[tuple[str, Path]]:
    for i, staff in enumerate(m.organisation.staff_abroad):
        yield staff.country, ("organisation", "staff_abroad", i, "country")
    for i, r in enumerate(m.recipients):
        if r.country is not None:
            yield r.country, ("recipients", i, "country")
        for ref, path in _each(r.also_accessed_from, ("recipients", i, "also_accessed_from")):
            yield ref, path
    for i, s in enumerate(m.systems):
        yield s.location, ("systems", i, "location")
    org = m.organisation
    addresses: list[tuple[Address | None, Path]] = [
        (org.registered_address, ("organisation", "registered_address")),
        (org.postal_address, ("organisation", "postal_address")),
    ]
    for address, path in addresses:
        if address is not None:
            yield address.country, (*path, "country")

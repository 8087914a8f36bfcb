"""Loading a manifest: every mistake a person can make names file:line:column, field and fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from steward.errors import ManifestError, ManifestErrors
from steward.manifest.load import load, load_manifest
from steward.manifest.vocabulary import LawfulBasis, Nation
from tests.unit.manifest.conftest import MINIMAL, WriteManifest

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve"


def line_of(needle: str) -> int:
    """1-based line of MINIMAL on which ``needle`` first appears."""
    return next(n for n, line in enumerate(MINIMAL.splitlines(), 1) if needle in line)


def only_error(path: Path) -> ManifestError:
    with pytest.raises(ManifestErrors) as caught:
        load(path)
    assert len(caught.value.errors) == 1, str(caught.value)
    return caught.value.errors[0]


def test_minimal_manifest_loads_into_typed_immutable_model(write_manifest: WriteManifest) -> None:
    manifest = load_manifest(write_manifest())
    assert manifest.purposes[0].lawful_basis is LawfulBasis.contract
    assert manifest.organisation.nation is Nation.england
    with pytest.raises(ValueError, match="frozen"):
        manifest.purposes[0].name = "changed"  # type: ignore[misc]


def test_outserve_folder_merges_every_file() -> None:
    loaded = load(OUTSERVE)
    assert len(loaded.files) >= 5
    assert {p.id for p in loaded.manifest.purposes} >= {"client_marketing", "employment", "cctv"}
    assert loaded.manifest.organisation.company_number == "06648132"


def test_every_field_keeps_its_file_line_and_column() -> None:
    loaded = load(OUTSERVE)
    where = loaded.locate(("recipients", 0, "transfer", "mechanisms", 1))
    assert where is not None
    assert where.file.endswith("recipients.yaml")
    line = (OUTSERVE / "recipients.yaml").read_text().splitlines()[where.line - 1]  # type: ignore[operator]
    assert "eu_us_privacy_shield" in line


def test_misspelt_value_is_reported_with_path_expected_values_and_suggestion(
    write_manifest: WriteManifest,
) -> None:
    error = only_error(
        write_manifest(("lawful_basis: contract", "lawful_basis: legitimate_interest"))
    )
    assert error.field == "purposes[0].lawful_basis"
    assert error.location is not None
    assert (error.location.line, error.location.column) == (line_of("lawful_basis"), 19)
    assert "expected one of" in error.message and "legitimate_interests" in error.message
    assert error.hint == "did you mean 'legitimate_interests'?"


def test_unknown_field_names_the_key_and_suggests_the_real_one(
    write_manifest: WriteManifest,
) -> None:
    error = only_error(write_manifest(("lawful_basis: contract", "lawfull_basis: contract")))
    assert error.field == "purposes[0].lawfull_basis"
    assert error.location is not None and error.location.line == line_of("lawful_basis")
    assert error.hint == "did you mean 'lawful_basis'?"


def test_unknown_top_level_section_is_reported(write_manifest: WriteManifest) -> None:
    error = only_error(write_manifest(("recipients:", "recipient:")))
    assert error.field == "recipient"
    assert error.hint == "did you mean 'recipients'?"


def test_missing_required_field_points_at_its_parent(write_manifest: WriteManifest) -> None:
    error = only_error(write_manifest(("  name: Example Ltd\n", "")))
    assert error.field == "organisation.name"
    assert "missing" in error.message
    assert error.location is not None and error.location.line == line_of("organisation:") + 1


def test_value_in_the_wrong_form_explains_the_form(write_manifest: WriteManifest) -> None:
    error = only_error(write_manifest(("country: IE", "country: ie")))
    assert error.field == "recipients[0].country"
    assert "ISO 3166-1" in error.message


def test_unknown_country_code_is_rejected(write_manifest: WriteManifest) -> None:
    error = only_error(write_manifest(("country: IE", "country: XQ")))
    assert error.field == "recipients[0].country"
    assert "not an ISO 3166-1 alpha-2 country code" in error.message


def test_reference_to_unknown_category_suggests_the_nearest(
    write_manifest: WriteManifest,
) -> None:
    error = only_error(
        write_manifest(("categories: [contact_details]", "categories: [contact_detail]"))
    )
    assert error.field == "purposes[0].categories[0]"
    assert error.location is not None and error.location.line == line_of("categories: [contact")
    assert error.hint == "did you mean 'contact_details'?"


def test_duplicate_key_in_one_mapping_is_an_error(write_manifest: WriteManifest) -> None:
    error = only_error(
        write_manifest(
            (
                "    lawful_basis: contract\n",
                "    lawful_basis: contract\n    lawful_basis: consent\n",
            )
        )
    )
    assert "given twice" in error.message
    assert error.location is not None and error.location.line == line_of("lawful_basis") + 1


def test_invalid_yaml_gives_line_and_column(write_manifest: WriteManifest) -> None:
    error = only_error(write_manifest(("  - id: customer\n", "  - id: [customer\n")))
    assert error.message.startswith("not valid YAML")
    assert error.location is not None and error.location.line is not None


def test_empty_file_is_an_error(write_manifest: WriteManifest) -> None:
    error = only_error(write_manifest(text="# nothing here\n"))
    assert "empty" in error.message


def test_top_level_list_is_an_error(write_manifest: WriteManifest) -> None:
    error = only_error(write_manifest(text="- a\n- b\n"))
    assert "top level must be a mapping" in error.message


def test_several_documents_in_one_file_are_an_error(write_manifest: WriteManifest) -> None:
    error = only_error(write_manifest(text=MINIMAL + "---\nsteward: 1\n"))
    assert "not valid YAML" in error.message


def test_non_utf8_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"steward: 1\nname: caf\xe9\n")
    with pytest.raises(ManifestError, match="not UTF-8") as caught:
        load(path)
    assert caught.value.location is not None and caught.value.location.line == 2


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no such file or folder"):
        load(tmp_path / "absent.yaml")


def test_folder_without_yaml_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"no \.yaml"):
        load(tmp_path)


def test_recursive_alias_is_refused(write_manifest: WriteManifest) -> None:
    error = only_error(write_manifest(text=MINIMAL + "cookies: &loop [*loop]\n"))
    assert "alias" in error.message


def test_alias_bomb_is_refused(write_manifest: WriteManifest) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefg":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]\n"
    error = only_error(write_manifest(text=bomb))
    assert "aliases expand to more than" in error.message


def test_inline_secret_in_system_options_is_refused(write_manifest: WriteManifest) -> None:
    system = (
        "systems:\n  - id: crm\n    name: CRM\n    kind: postgresql\n"
        "    options: {password: hunter2}\n"
    )
    error = only_error(write_manifest(text=MINIMAL + system))
    assert error.field == "systems[0]"
    assert "looks like a secret" in error.message


def test_connection_values_must_be_environment_references(write_manifest: WriteManifest) -> None:
    system = (
        "systems:\n  - id: crm\n    name: CRM\n    kind: postgresql\n"
        "    connection: {url: 'postgresql://u:p@db/crm'}\n"
    )
    error = only_error(write_manifest(text=MINIMAL + system))
    assert error.field == "systems[0].connection.url"
    assert "env:NAME" in error.message


def test_unreadable_period_is_explained(write_manifest: WriteManifest) -> None:
    rule = (
        "retention:\n  - id: r\n    description: d\n    trigger_event: collected\n"
        "    period: six years\n    action: delete\n"
    )
    error = only_error(write_manifest(text=MINIMAL + rule))
    assert error.field == "retention[0].period"
    assert "cannot read 'six years' as a period" in error.message


def test_all_problems_are_reported_in_one_pass(write_manifest: WriteManifest) -> None:
    with pytest.raises(ManifestErrors) as caught:
        load(
            write_manifest(
                ("lawful_basis: contract", "lawful_basis: nope"), ("country: IE", "country: ie")
            )
        )
    assert [e.field for e in caught.value.errors] == [
        "purposes[0].lawful_basis",
        "recipients[0].country",
    ]


def test_folder_files_merge_lists_and_keep_their_own_locations(tmp_path: Path) -> None:
    head, _, tail = MINIMAL.partition("recipients:\n")
    (tmp_path / "a.yaml").write_text(head)
    (tmp_path / "b.yaml").write_text("recipients:\n" + tail)
    loaded = load(tmp_path)
    assert loaded.manifest.recipients[0].id == "host"
    where = loaded.locate(("recipients", 0, "country"))
    assert where is not None and where.file.endswith("b.yaml") and where.line == 6


def test_same_id_in_two_files_conflicts_naming_both(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MINIMAL)
    (tmp_path / "b.yaml").write_text(
        "purposes:\n  - id: service_delivery\n    name: Again\n"
        "    data_subjects: [customer]\n    categories: [contact_details]\n"
    )
    error = only_error(tmp_path)
    assert error.location is not None and error.location.file.endswith("b.yaml")
    assert re.search(r"defined twice \(first at .*a\.yaml:\d+:\d+\)", error.message)


def test_single_section_in_two_files_conflicts(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MINIMAL)
    (tmp_path / "b.yaml").write_text("notice:\n  last_updated: 2026-01-01\n")
    error = only_error(tmp_path)
    assert "'notice' is defined in more than one place" in error.message
    assert error.location is not None and error.location.file.endswith("b.yaml")

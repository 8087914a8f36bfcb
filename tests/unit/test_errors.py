"""The error tree says what, where and how to fix."""

from steward.errors import (
    Conflict,
    Location,
    ManifestError,
    ManifestErrors,
    StewardError,
    StoreError,
    Unavailable,
)


def test_location_prints_as_file_line_column() -> None:
    assert str(Location("m.yaml", 3, 7)) == "m.yaml:3:7"
    assert str(Location("m.yaml", 3)) == "m.yaml:3"
    assert str(Location("m.yaml")) == "m.yaml"


def test_manifest_error_names_location_field_and_hint() -> None:
    error = ManifestError(
        "expected one of consent, contract",
        location=Location("m.yaml", 12, 20),
        field="purposes[3].lawful_basis",
        hint="did you mean 'contract'?",
    )
    assert str(error) == (
        "m.yaml:12:20 purposes[3].lawful_basis: expected one of consent, contract\n"
        "  hint: did you mean 'contract'?"
    )
    assert isinstance(error, StewardError)


def test_several_manifest_errors_are_reported_together() -> None:
    errors = ManifestErrors([ManifestError("a", field="x"), ManifestError("b", field="y")])
    assert str(errors).splitlines() == ["2 problems in the manifest:", "x: a", "y: b"]


def test_conflict_and_unavailable_are_store_errors_and_a_conflict_names_its_constraint() -> None:
    conflict = Conflict("already recorded", constraint="uq_consent_events_event_id")
    assert isinstance(conflict, StoreError) and isinstance(Unavailable("down"), StoreError)
    assert conflict.constraint == "uq_consent_events_event_id"

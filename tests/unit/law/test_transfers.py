"""Transfer validity follows RULES.md §4, exact on the boundary days of R4.3 and R4.4."""

from datetime import date

import pytest

from steward.errors import InvalidInput
from steward.law.countries import COUNTRY_NAMES
from steward.law.derogations import Art49Claim, Derogation, assess_art49
from steward.law.transfers import (
    ADEQUACY,
    BeforeUkGdpr,
    Mechanism,
    TransferFacts,
    TransferPolicy,
    adequacy,
    country_name,
    is_known_country,
    mechanism_gap,
    mechanism_valid,
    transfer_lawful,
)

LEGAL_CLAIMS = Art49Claim(Derogation.legal_claims)


@pytest.mark.parametrize(
    ("mechanism", "country", "on", "kwargs", "valid"),
    [
        (Mechanism.eu_us_privacy_shield, "US", date(2026, 11, 26), {}, False),
        (Mechanism.uk_extension_dpf, "US", date(2023, 10, 11), {"dpf_uk_extension": True}, False),
        (Mechanism.uk_extension_dpf, "US", date(2023, 10, 12), {"dpf_uk_extension": True}, True),
        (Mechanism.uk_extension_dpf, "US", date(2026, 11, 26), {"dpf_uk_extension": False}, False),
        (Mechanism.uk_adequacy, "KR", date(2022, 12, 18), {}, False),
        (Mechanism.uk_adequacy, "KR", date(2022, 12, 19), {}, True),
        (Mechanism.uk_adequacy, "CA", date(2026, 11, 26), {"within_scope": False}, False),
        (Mechanism.idta, "IN", date(2022, 3, 20), {}, False),
        (Mechanism.idta, "IN", date(2022, 3, 21), {}, True),
        (
            Mechanism.legacy_eu_scc,
            "US",
            date(2024, 3, 21),
            {"contract_date": date(2022, 9, 21)},
            True,
        ),
        (
            Mechanism.legacy_eu_scc,
            "US",
            date(2024, 3, 22),
            {"contract_date": date(2022, 9, 21)},
            False,
        ),
        (
            Mechanism.legacy_eu_scc,
            "US",
            date(2023, 1, 10),
            {"contract_date": date(2022, 9, 22)},
            False,
        ),
        (Mechanism.uk_adequacy, "DE", date(2026, 11, 26), {}, True),
    ],
)
def test_worked_examples_of_r4_4(
    mechanism: Mechanism, country: str, on: date, kwargs: dict[str, object], valid: bool
) -> None:
    assert mechanism_valid(mechanism, country, on, **kwargs) is valid


@pytest.mark.parametrize(
    ("mechanism", "country", "last_invalid", "first_valid"),
    [
        (Mechanism.uk_addendum, "IN", date(2022, 3, 20), date(2022, 3, 21)),
    ],
)
def test_mechanisms_start_exactly_on_their_first_day(
    mechanism: Mechanism, country: str, last_invalid: date, first_valid: date
) -> None:
    assert not mechanism_valid(mechanism, country, last_invalid, art49=LEGAL_CLAIMS)
    assert mechanism_valid(mechanism, country, first_valid, art49=LEGAL_CLAIMS)


def test_us_adequacy_needs_the_uk_extension() -> None:
    assert not mechanism_valid(Mechanism.uk_adequacy, "US", date(2026, 11, 26))
    assert mechanism_valid(Mechanism.uk_adequacy, "US", date(2026, 11, 26), dpf_uk_extension=True)


@pytest.mark.parametrize("on", [date(2021, 1, 1), date(2026, 11, 26)])
def test_withdrawn_and_incomplete_mechanisms_are_never_valid(on: date) -> None:
    for mechanism in (
        Mechanism.eu_us_privacy_shield,
        Mechanism.eu_us_safe_harbour,
        Mechanism.eu_scc_2021_without_addendum,
    ):
        assert not mechanism_valid(mechanism, "US", on, dpf_uk_extension=True)


def test_legacy_sccs_for_changed_processing_end_with_new_contracts() -> None:
    signed = date(2022, 1, 1)
    changed = {"contract_date": signed, "processing_unchanged": False}
    assert mechanism_valid(Mechanism.legacy_eu_scc, "IN", date(2022, 9, 21), **changed)
    assert not mechanism_valid(Mechanism.legacy_eu_scc, "IN", date(2022, 9, 22), **changed)


def test_legacy_scc_boundary_is_configurable() -> None:
    policy = TransferPolicy(legacy_scc_last_valid_day=date(2024, 3, 20))
    assert not mechanism_valid(
        Mechanism.legacy_eu_scc,
        "US",
        date(2024, 3, 21),
        contract_date=date(2022, 9, 21),
        policy=policy,
    )


def test_legacy_sccs_without_a_contract_date_are_not_valid() -> None:
    assert not mechanism_valid(Mechanism.legacy_eu_scc, "US", date(2022, 1, 1))


def test_bcrs_run_from_approval_until_the_revocation_day() -> None:
    dates = {"bcr_approved": date(2023, 5, 1), "bcr_revoked": date(2025, 5, 1)}
    assert not mechanism_valid(Mechanism.uk_bcr, "IN", date(2023, 4, 30), **dates)
    assert mechanism_valid(Mechanism.uk_bcr, "IN", date(2023, 5, 1), **dates)
    assert mechanism_valid(Mechanism.uk_bcr, "IN", date(2025, 4, 30), **dates)
    assert not mechanism_valid(Mechanism.uk_bcr, "IN", date(2025, 5, 1), **dates)


def test_safeguards_need_a_transfer_risk_assessment() -> None:
    assert not mechanism_valid(Mechanism.idta, "IN", date(2026, 11, 26), risk_assessed=False)


def test_faroe_islands_are_not_adequate_by_default_and_flagged() -> None:
    finding = adequacy("FO", date(2026, 11, 26))
    assert (finding.adequate, finding.unconfirmed) == (False, True)
    assert adequacy(
        "FO", date(2026, 11, 26), policy=TransferPolicy(faroe_islands_adequate=True)
    ).adequate


def test_japan_adequacy_is_partial_and_names_its_scope() -> None:
    finding = adequacy("JP", date(2026, 11, 26))
    assert finding.adequate and finding.partial
    assert "APPI" in (finding.scope or "")


def test_a_non_adequate_country_has_no_adequacy_finding() -> None:
    assert adequacy("IN", date(2026, 11, 26)).adequate is False


def test_every_adequacy_entry_is_a_known_country() -> None:
    assert all(code in COUNTRY_NAMES for code in ADEQUACY)
    assert len([c for c, e in ADEQUACY.items() if not e.partial and e.confirmed]) == 40


def test_transfer_within_the_uk_is_not_restricted() -> None:
    assessment = transfer_lawful("UK", [], date(2026, 11, 26))
    assert (assessment.lawful, assessment.basis) == (True, None)


def test_transfer_to_an_adequate_country_needs_no_declared_mechanism() -> None:
    assessment = transfer_lawful("de", [], date(2026, 11, 26))
    assert (assessment.lawful, assessment.basis) == (True, Mechanism.uk_adequacy)


def test_transfer_uses_the_first_valid_declared_mechanism_and_explains_the_others() -> None:
    assessment = transfer_lawful(
        "US", [Mechanism.eu_us_privacy_shield, Mechanism.idta], date(2026, 11, 26)
    )
    assert (assessment.lawful, assessment.basis) == (True, Mechanism.idta)
    assert any("Privacy Shield" in r for r in assessment.reasons)


def test_transfer_with_only_withdrawn_mechanisms_is_unlawful() -> None:
    assessment = transfer_lawful("US", [Mechanism.eu_us_privacy_shield], date(2026, 11, 26))
    assert not assessment.lawful
    assert assessment.basis is None


def test_transfer_to_certified_us_recipient_is_adequate() -> None:
    facts = TransferFacts(dpf_uk_extension=True)
    assessment = transfer_lawful("US", [], date(2026, 11, 26), facts)
    assert assessment.basis is Mechanism.uk_adequacy


def test_routine_art49_transfer_is_lawful_but_warned() -> None:
    claim = Art49Claim(
        Derogation.contract_with_data_subject, repetitive=True, purpose="CRM hosting"
    )
    assessment = transfer_lawful(
        "IN", [Mechanism.art49_derogation], date(2026, 11, 26), TransferFacts(art49=claim)
    )
    assert assessment.lawful
    assert any("not for routine transfers" in r for r in assessment.reasons)


@pytest.mark.parametrize(
    ("claim", "valid", "warned"),
    [
        (Art49Claim(Derogation.explicit_consent, informed_of_risks=False), False, False),
        (Art49Claim(Derogation.explicit_consent, informed_of_risks=True), True, False),
        (
            Art49Claim(
                Derogation.contract_with_data_subject, repetitive=True, purpose="CRM hosting"
            ),
            True,
            True,
        ),
        (Art49Claim(Derogation.legal_claims), True, False),
        (Art49Claim(Derogation.vital_interests), False, False),
        (Art49Claim(Derogation.compelling_legitimate_interests), False, False),
        (
            Art49Claim(
                Derogation.compelling_legitimate_interests,
                limited_number_of_people=True,
                safeguards_assessed_and_documented=True,
                ico_informed=True,
                data_subject_told=True,
            ),
            True,
            False,
        ),
    ],
)
def test_art49_examples_of_r4_5(claim: Art49Claim, valid: bool, warned: bool) -> None:
    assessment = assess_art49(claim)
    assert assessment.valid is valid
    assert bool(assessment.warnings) is warned


def test_art49_mechanism_needs_a_recorded_claim() -> None:
    assert not mechanism_valid(Mechanism.art49_derogation, "IN", date(2026, 11, 26))


def test_country_table_is_complete_iso_3166_alpha_2() -> None:
    assert len(COUNTRY_NAMES) == 249
    assert all(len(code) == 2 and code.isupper() for code in COUNTRY_NAMES)


@pytest.mark.parametrize(
    ("code", "known"),
    [("GB", True), ("uk", True), ("US", True), ("XX", False), ("EU", False), ("USA", False)],
)
def test_known_country_codes(code: str, known: bool) -> None:
    assert is_known_country(code) is known


def test_country_names_read_plainly() -> None:
    assert country_name("gb") == "United Kingdom"
    assert country_name("DE") == "Germany"


def test_unknown_country_code_is_an_error_with_a_hint() -> None:
    with pytest.raises(InvalidInput) as raised:
        mechanism_valid(Mechanism.idta, "XX", date(2026, 11, 26))
    assert raised.value.hint is not None


@pytest.mark.parametrize(
    ("mechanism", "country"),
    [
        (Mechanism.eu_us_privacy_shield, "US"),
        (Mechanism.uk_adequacy, "DE"),
        (Mechanism.legacy_eu_scc, "IN"),
        (Mechanism.art49_derogation, "IN"),
    ],
)
@pytest.mark.parametrize("on", [date(2016, 8, 1), date(2020, 7, 15), date(2020, 12, 31)])
def test_days_before_uk_gdpr_are_refused_not_answered_invalid(
    mechanism: Mechanism, country: str, on: date
) -> None:
    """Privacy Shield was valid EU law on 2020-07-15 and EEA transfers were unrestricted in
    2020: answering "invalid" would misstate the law of that day, so the date is refused."""
    with pytest.raises(BeforeUkGdpr) as refused:
        mechanism_valid(mechanism, country, on, art49=LEGAL_CLAIMS)
    assert refused.value.hint == "use a date on or after 2021-01-01"
    assert "EU GDPR" in refused.value.message
    with pytest.raises(BeforeUkGdpr):
        mechanism_gap(mechanism, country, on, TransferFacts())
    with pytest.raises(BeforeUkGdpr):
        transfer_lawful(country, [mechanism], on)
    with pytest.raises(BeforeUkGdpr):
        adequacy(country, on)


def test_the_refusal_is_an_input_error_naming_the_date_parameter() -> None:
    with pytest.raises(InvalidInput) as refused:
        transfer_lawful("US", [Mechanism.idta], date(2019, 5, 1))
    assert refused.value.where == "on"


@pytest.mark.parametrize(
    ("mechanism", "country"),
    [(Mechanism.uk_adequacy, "DE"), (Mechanism.art49_derogation, "IN")],
)
def test_uk_gdpr_mechanisms_apply_from_its_first_day(mechanism: Mechanism, country: str) -> None:
    assert mechanism_valid(mechanism, country, date(2021, 1, 1), art49=LEGAL_CLAIMS)

"""What an enquiry must look like before it is forwarded, and that a problem never quotes what
the person typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.relay.enquiry import MESSAGE_MAX, NAME_MAX, InvalidEnquiry, read_enquiry

GOOD = {
    "name": "Ann Example",
    "email": "ann@example.org",
    "phone": "+44 20 7946 0000",
    "topic": "Opening hours",
    "message": "Hello,\r\nare you open on Saturdays?\r\n",
}


def problems_of(fields: dict[str, str | None]) -> dict[str, str]:
    with pytest.raises(InvalidEnquiry) as raised:
        read_enquiry(fields)
    return {problem.where: problem.message for problem in raised.value.problems}


def test_a_complete_enquiry_is_read_trimmed_with_its_line_ends_made_plain() -> None:
    enquiry = read_enquiry({**GOOD, "name": "  Ann Example "})
    assert enquiry.name == "Ann Example"
    assert enquiry.message == "Hello,\nare you open on Saturdays?"
    assert (enquiry.phone, enquiry.topic) == ("+44 20 7946 0000", "Opening hours")


def test_phone_and_topic_may_be_left_out() -> None:
    enquiry = read_enquiry({**GOOD, "phone": "", "topic": None})
    assert (enquiry.phone, enquiry.topic) == (None, None)


def test_every_missing_required_field_is_named_at_once() -> None:
    assert set(problems_of({})) == {"name", "email", "message"}


@pytest.mark.parametrize("field", ["name", "email", "topic", "phone"])
@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r", "\u2028", "\x85"])
def test_a_line_break_in_a_field_that_becomes_a_header_is_refused(
    field: str, line_break: str
) -> None:
    injected = {**GOOD, field: GOOD[field] + line_break + "Bcc: someone@example.net"}
    problems = problems_of(injected)
    assert list(problems) == [field]
    assert "one line" in problems[field]


def test_a_control_character_is_refused_in_the_message_but_tabs_and_lines_are_kept() -> None:
    assert read_enquiry({**GOOD, "message": "a\tb\nc"}).message == "a\tb\nc"
    assert list(problems_of({**GOOD, "message": "bell\x07"})) == ["message"]


def test_lengths_are_limited_and_the_limit_is_said() -> None:
    problems = problems_of(
        {**GOOD, "name": "x" * (NAME_MAX + 1), "message": "y" * (MESSAGE_MAX + 1)}
    )
    assert f"at most {NAME_MAX}" in problems["name"]
    assert f"at most {MESSAGE_MAX}" in problems["message"]
    assert read_enquiry({**GOOD, "message": "y" * MESSAGE_MAX}).message == "y" * MESSAGE_MAX


@pytest.mark.parametrize(
    "address",
    [
        "ann",
        "ann@",
        "@example.org",
        "ann@example",
        "ann@@example.org",
        "ann smith@example.org",
        "ann@example..org",
        "ann@-example.org",
        ".ann@example.org",
        "ann,bob@example.org",
        "<ann@example.org>",
        "ann@example.org, bob@example.org",
        "änn@example.org",
        "ann@example.c0m",
    ],
)
def test_an_address_that_is_not_one_plain_mailbox_is_refused(address: str) -> None:
    assert list(problems_of({**GOOD, "email": address})) == ["email"]


@pytest.mark.parametrize(
    "address", ["ann@example.org", "a.n+relay@mail.example.co.uk", "o'brien@xn--bcher-kva.example"]
)
def test_ordinary_addresses_are_accepted(address: str) -> None:
    assert read_enquiry({**GOOD, "email": address}).email == address


def test_a_phone_number_with_letters_is_refused() -> None:
    assert list(problems_of({**GOOD, "phone": "call me"})) == ["phone"]


def test_an_enquiry_never_shows_its_values_in_its_repr() -> None:
    shown = repr(read_enquiry(GOOD))
    for value in ("Ann Example", "ann@example.org", "Opening hours", "Saturdays", "7946"):
        assert value not in shown


@given(
    field=st.sampled_from(["name", "email", "phone", "topic", "message"]),
    text=st.text(max_size=6_000),
)
def test_a_problem_never_quotes_the_value_that_caused_it(field: str, text: str) -> None:
    value = f"Zq{text}qZ"  # a wrapper no problem's own words contain
    try:
        read_enquiry({**GOOD, field: value})
    except InvalidEnquiry as error:
        said = " ".join([str(error), *(problem.message for problem in error.problems)])
        assert "Zq" not in said and "qZ" not in said

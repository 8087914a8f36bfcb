"""``steward complaint`` as a person types it: a real SQLite store, the Outserve manifest for
the organisation, and a real SMTP server (aiosmtpd) receiving the acknowledgement. Mistakes are
one message and exit 2, never a traceback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import Message
from pathlib import Path

import pytest

from steward.cli.main import build_app, execute
from tests.integration.holds.smtp_server import Inbox, smtp_server

MANIFEST = Path(__file__).resolve().parents[3] / "examples" / "outserve"
REFERENCE = re.compile(r"C-\d{4}-[A-Z2-9]{6}")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = execute(build_app(args), args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A migrated, keyed SQLite store in a fresh data folder, and the Outserve manifest."""
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STEWARD_MANIFEST", str(MANIFEST))
    assert run(["db", "upgrade"], capsys)[0] == 0
    assert run(["keys", "init"], capsys)[0] == 0


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with smtp_server() as (received, port):
        monkeypatch.setenv("STEWARD_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("STEWARD_SMTP_PORT", str(port))
        monkeypatch.setenv("STEWARD_SMTP_STARTTLS", "false")
        monkeypatch.setenv("STEWARD_MAIL_FROM", "privacy@outserve.example")
        yield received


def new(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, err = run(
        ["complaint", "new", "--channel", "phone", "--text", "you shared my file", *extra], capsys
    )
    assert code == 0, err
    found = REFERENCE.search(out)
    assert found is not None
    return found.group(0)


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_new_prints_the_reference_and_the_acknowledgement_date(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        [
            "complaint",
            "new",
            "--channel",
            "letter",
            "--text",
            "my address was given to a debt collector",
            "--address",
            "1 High St\\nLeeds LS1 1AA",
            "--received",
            "2026-11-26",
        ],
        capsys,
    )
    assert code == 0
    assert re.fullmatch(r"C-2026-[A-Z2-9]{6} received \(letter\); acknowledge by 2026-12-29\n", out)


def test_a_complaint_before_commencement_shows_a_good_practice_date(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org", "--received", "2026-06-18")
    code, out, _ = run(["complaint", "show", reference], capsys)
    assert code == 0
    assert "acknowledge by (good practice) 2026-07-20" in out
    assert "before s.164A came into force on 2026-06-19" in out


def test_the_acknowledgement_reaches_a_real_smtp_server(
    desk: None, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "Ada@Example.org", "--name", "Ada Lovelace")
    code, out, err = run(["complaint", "acknowledge", reference], capsys)
    assert (code, err) == (0, "")
    assert f"{reference} acknowledged (phone); outcome target" in out
    assert "the acknowledgement was e-mailed to the complainant" in out
    assert inbox.recipients == [["ada@example.org"]]
    message = inbox.messages[0]
    assert message["Subject"] == f"We received your complaint ({reference})"
    assert message["From"] == "privacy@outserve.example"
    text = body(message)
    assert text.startswith("Dear Ada Lovelace,")
    assert "Outserve Limited received your data protection complaint" in text
    assert "you shared my file" not in text
    code, out, _ = run(["complaint", "show", reference], capsys)
    assert "by email (in time)" in out
    assert "receipt acknowledged by e-mail, sent by Steward" in out


def test_acknowledging_without_a_mail_server_is_a_setting_to_fix_and_changes_nothing(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org")
    code, _, err = run(["complaint", "acknowledge", reference], capsys)
    assert code == 2
    assert "STEWARD_SMTP_HOST" in err and "Traceback" not in err
    _, out, _ = run(["complaint", "show", reference], capsys)
    assert "status          received" in out


def test_a_postal_only_complaint_is_acknowledged_by_a_letter_staff_record(
    desk: None, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--address", "1 High St\\nLeeds")
    code, _, err = run(["complaint", "acknowledge", reference], capsys)
    assert code == 2
    assert "no e-mail address" in err and "--by letter" in err
    assert inbox.messages == []
    code, out, err = run(
        ["complaint", "acknowledge", reference, "--by", "letter", "--note", "letter posted"],
        capsys,
    )
    assert (code, err) == (0, "")
    assert f"{reference} acknowledged (phone)" in out


def test_sending_today_refuses_a_day_or_note_meant_for_a_recorded_acknowledgement(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org")
    code, _, err = run(["complaint", "acknowledge", reference, "--on", "2026-11-30"], capsys)
    assert code == 2
    assert "--already-sent" in err


def test_from_intake_to_closing_and_the_timeline_shows_each_step(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org")
    steps = [
        ["acknowledge", reference, "--already-sent", "--note", "sent from privacy@"],
        ["progress", reference, "--note", "asked the branch"],
        ["progress", reference, "--note", "told her we wait on the branch", "--told"],
        ["outcome", reference, "--outcome", "upheld; apology sent"],
        ["close", reference],
    ]
    for step in steps:
        code, _, err = run(["complaint", *step], capsys)
        assert (code, err) == (0, ""), step
    code, out, _ = run(["complaint", "show", reference], capsys)
    assert code == 0
    actions = re.findall(r"cli:\S+  (\w+)", out)
    assert actions == [
        "received",
        "acknowledged",
        "progress",
        "progress_told",
        "outcome_recorded",
        "closed",
    ]
    assert "closed: resolved" in out
    _, listed, _ = run(["complaint", "list"], capsys)
    assert listed == "no complaints\n"
    _, everything, _ = run(["complaint", "list", "--all"], capsys)
    assert reference in everything


def test_the_list_orders_by_due_date_and_marks_overdue(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    today = date.today()
    late = new(capsys, "--email", "a@example.org", "--received", str(today - timedelta(days=60)))
    fresh = new(capsys, "--email", "b@example.org", "--received", str(today))
    code, out, _ = run(["complaint", "list"], capsys)
    assert code == 0
    assert out.index(late) < out.index(fresh)
    assert "OVERDUE" in out.split(late)[1].split("\n")[0]
    _, mine, _ = run(["complaint", "list", "--email", "B@example.org"], capsys)
    assert fresh in mine and late not in mine


def test_show_prints_who_complained_only_when_asked(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org", "--name", "Ada Lovelace")
    _, plain, _ = run(["complaint", "show", reference], capsys)
    assert "ada@example.org" not in plain and "you shared my file" not in plain
    assert "reachable by    e-mail" in plain
    _, detailed, _ = run(["complaint", "show", reference, "--details"], capsys)
    assert "ada@example.org" in detailed and "you shared my file" in detailed


def test_the_text_can_come_from_a_file(
    desk: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear Sir,\nyou kept my CV for ten years.\n", encoding="utf-8")
    code, out, err = run(
        [
            "complaint",
            "new",
            "--channel",
            "letter",
            "--text-file",
            str(letter),
            "--email",
            "ada@example.org",
        ],
        capsys,
    )
    assert (code, err) == (0, "")
    found = REFERENCE.search(out)
    assert found is not None
    _, shown, _ = run(["complaint", "show", found.group(0), "--details"], capsys)
    assert "you kept my CV for ten years." in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "--channel", "phone", "--text", "x"], "--email or --address"),
        (["new", "--channel", "phone", "--email", "a@b.org"], "needs its subject matter"),
        (
            [
                "new",
                "--channel",
                "phone",
                "--text",
                "x",
                "--email",
                "a@b.org",
                "--received",
                "2999-01-01",
            ],
            "--received: received 2999-01-01 is in the future",
        ),
        (["new", "--channel", "fax", "--text", "x"], "Invalid value for '--channel'"),
        (["show", "C-2026-AAAAAA"], "no complaint C-2026-AAAAAA"),
        (["outcome", "C-2026-AAAAAA", "--outcome", "x"], "no complaint C-2026-AAAAAA"),
        (
            [
                "new",
                "--channel",
                "phone",
                "--text-file",
                "/nonexistent/letter.txt",
                "--email",
                "a@b.org",
            ],
            "/nonexistent/letter.txt",
        ),
    ],
)
def test_mistakes_are_one_message_and_exit_2(
    desk: None, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(["complaint", *args], capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_a_step_the_status_does_not_allow_says_what_to_do(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org")
    code, _, err = run(["complaint", "outcome", reference, "--outcome", "upheld"], capsys)
    assert code == 2
    assert "acknowledge it first" in err


def test_without_a_manifest_the_organisation_is_a_setting_to_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "data"))
    code, _, err = run(["complaint", "list"], capsys)
    assert code == 2
    assert "STEWARD_MANIFEST" in err and "Traceback" not in err

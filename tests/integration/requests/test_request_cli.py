"""``steward request`` as a person types it: a real SQLite store, the Outserve manifest for the
nation, and a real SMTP server (aiosmtpd) receiving the one-time code. Mistakes are one
message and exit 2, never a traceback."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from steward.cli.main import build_app, execute

MANIFEST = Path(__file__).resolve().parents[3] / "examples" / "outserve"
REFERENCE = re.compile(r"R-\d{4}-[A-Z2-9]{6}")


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content or b"")))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("STEWARD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("STEWARD_SMTP_PORT", str(port))
    monkeypatch.setenv("STEWARD_SMTP_STARTTLS", "false")
    monkeypatch.setenv("STEWARD_MAIL_FROM", "privacy@outserve.example")
    try:
        yield handler
    finally:
        controller.stop()


def new(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, err = run(
        ["request", "new", "--kind", "access", "--channel", "email", *extra], capsys
    )
    assert code == 0, err
    found = REFERENCE.search(out)
    assert found is not None
    return found.group(0)


def test_new_prints_the_reference_status_and_due_date(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        [
            "request",
            "new",
            "--kind",
            "access",
            "--channel",
            "letter",
            "--email",
            "ada@example.org",
            "--received",
            "2026-03-03",
        ],
        capsys,
    )
    assert code == 0
    assert re.fullmatch(r"R-2026-[A-Z2-9]{6} received \(access\); due 2026-04-07\n", out)


def test_a_code_reaches_a_real_smtp_server_and_verifies_the_request(
    desk: None, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org", "--send-code")
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert recipients == ["ada@example.org"]
    body = message_from_bytes(raw).get_payload(decode=True)
    assert isinstance(body, bytes)
    found = re.search(rb"Your code is (\d{6})", body)
    assert found is not None
    code, out, err = run(
        ["request", "verify", reference, "--code", found.group(1).decode()], capsys
    )
    assert (code, err) == (0, "")
    assert f"{reference} verified (access)" in out


def test_a_wrong_code_exits_2_with_tries_left(
    desk: None, inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org", "--send-code")
    sent = re.search(rb"Your code is (\d{6})", inbox.messages[0][1])
    assert sent is not None
    wrong = "000000" if sent.group(1) != b"000000" else "111111"
    code, _, err = run(["request", "verify", reference, "--code", wrong], capsys)
    assert code == 2
    assert "--code: the code is not the one sent; 4 tries left" in err
    assert "Traceback" not in err


def test_sending_a_code_without_a_mail_server_is_a_setting_to_fix(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        [
            "request",
            "new",
            "--kind",
            "access",
            "--channel",
            "email",
            "--email",
            "ada@example.org",
            "--send-code",
        ],
        capsys,
    )
    assert (code, out) == (2, "")
    assert "STEWARD_SMTP_HOST: no mail server is configured" in err
    assert "Traceback" not in err
    assert run(["request", "list"], capsys)[1].strip() == "no requests"


def test_an_unreachable_mail_server_leaves_the_request_recorded_and_says_so(
    desk: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("STEWARD_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("STEWARD_SMTP_STARTTLS", "false")
    monkeypatch.setenv("STEWARD_MAIL_FROM", "privacy@outserve.example")
    reference = new(capsys, "--email", "ada@example.org")
    code, _, err = run(["request", "verify", reference, "--send-code"], capsys)
    assert code == 2
    assert "could not send mail" in err and "Traceback" not in err


def test_staff_verification_extension_assignment_and_show(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org", "--details", "all my data")
    steps = [
        ["verify", reference, "--method", "known-contact", "--note", "from the CRM address"],
        ["extend", reference, "--reason", "nine systems"],
        ["assign", reference, "--to", "Priya Shah"],
    ]
    for step in steps:
        code, _, err = run(["request", *step], capsys)
        assert (code, err) == (0, ""), step
    code, out, _ = run(["request", "show", reference], capsys)
    assert code == 0
    assert "identity        known-contact" in out
    assert "assigned to     Priya Shah" in out
    assert "extension       told" in out and "nine systems" in out
    assert "How the due date was reached:" in out
    assert "valid: three months in all" in out
    assert "ada@example.org" not in out


def test_the_list_marks_an_overdue_request(desk: None, capsys: pytest.CaptureFixture[str]) -> None:
    late = new(capsys, "--email", "ada@example.org", "--received", "2026-01-05")
    new(capsys, "--email", "bo@example.org")
    code, out, _ = run(["request", "list", "--overdue"], capsys)
    assert code == 0
    assert late in out and "OVERDUE" in out
    assert out.count("R-2026-") == 1


def test_pause_resume_refuse_and_close(desk: None, capsys: pytest.CaptureFixture[str]) -> None:
    first = new(capsys, "--email", "ada@example.org")
    second = new(capsys, "--email", "bo@example.org")
    assert run(["request", "pause", first, "--note", "which mailbox?"], capsys)[0] == 0
    assert " paused " in run(["request", "show", first], capsys)[1].replace("status", " ")
    assert run(["request", "resume", first], capsys)[0] == 0
    code, out, _ = run(["request", "refuse", first, "--reason", "the tenth this week"], capsys)
    assert code == 0 and "refused" in out and "right to complain" in out
    code, out, _ = run(["request", "close", second, "--outcome", "withdrawn"], capsys)
    assert code == 0 and "closed" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify", "R-2026-AAAAAA", "--method", "document", "--note", "x"], "no request"),
        (["verify", "R-2026-AAAAAA"], "give exactly one of --code, --send-code or --method"),
        (["verify", "R-2026-AAAAAA", "--code", "12ab"], "--code: a code is six digits"),
        (["new", "--kind", "access", "--channel", "email"], "at least one identifier"),
        (
            [
                "new",
                "--kind",
                "access",
                "--channel",
                "email",
                "--email",
                "a@b.c",
                "--received",
                "3 March",
            ],
            "--received: '3 March' is not a date",
        ),
        (
            [
                "new",
                "--kind",
                "erasure",
                "--channel",
                "email",
                "--email",
                "a@b.c",
                "--change",
                "a=b",
            ],
            "--change: changes belong to rectification requests",
        ),
    ],
)
def test_mistakes_exit_2_with_one_message(
    desk: None, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["request", *args], capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_without_the_manifest_the_nation_is_unknown_and_nothing_is_recorded(
    desk: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("STEWARD_MANIFEST")
    code, _, err = run(
        ["request", "new", "--kind", "access", "--channel", "email", "--email", "a@b.c"], capsys
    )
    assert code == 2
    assert "STEWARD_MANIFEST" in err and "Traceback" not in err


def test_authority_and_fee_restart_the_clock(
    desk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = new(capsys, "--email", "ada@example.org", "--received", "2026-03-02")
    code, out, _ = run(
        ["request", "authority", reference, "--note", "signed authority", "--on", "2026-03-20"],
        capsys,
    )
    assert code == 0 and out.endswith("due 2026-04-20\n")
    code, _, err = run(["request", "fee", reference, "--note", " "], capsys)
    assert code == 2 and "note of why a fee was lawful is required" in err


def test_show_includes_the_plan_once_there_is_one(
    desk: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_MANIFEST", str(MANIFEST / "fixed"))
    monkeypatch.setenv("STEWARD_DATASETS", str(MANIFEST / "estate" / "maps"))
    reference = new(capsys, "--email", "ada@example.org")
    run(["request", "verify", reference, "--method", "known-contact", "--note", "known"], capsys)
    assert f"request {reference}: access" not in run(["request", "show", reference], capsys)[1]
    assert run(["request", "plan", reference], capsys)[0] == 0
    code, out, _ = run(["request", "show", reference], capsys)
    assert code == 0
    assert f"request {reference}: access, plan" in out
    assert "crm.customers" in out and "manual   cctv" in out

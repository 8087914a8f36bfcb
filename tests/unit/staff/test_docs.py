"""docs/staff.md shows the permission table the code enforces, and nothing else."""

from __future__ import annotations

from pathlib import Path

from steward.staff.roles import GRANTS, Permission, Role

DOC = Path(__file__).parents[3] / "docs" / "staff.md"
START = "<!-- permissions: the table in steward/staff/roles.py (tests/unit/staff/test_docs.py) -->"
END = "<!-- end of permissions -->"


def table_from_code() -> str:
    header = "| permission | what it allows | " + " | ".join(r.label for r in Role) + " |"
    rule = "|---|---|" + "---|" * len(Role)
    rows = [
        f"| `{p.value}` | {p.description} | "
        + " | ".join("yes" if r in GRANTS[p] else "—" for r in Role)
        + " |"
        for p in Permission
    ]
    return "\n".join([header, rule, *rows])


def test_the_documented_permission_table_is_the_one_the_code_enforces() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert documented == table_from_code(), "paste this table into docs/staff.md:\n" + (
        table_from_code()
    )


def test_every_staff_command_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for command in ("add", "list", "passwd", "reset-2fa", "disable", "enable", "unlock", "role"):
        assert f"steward staff {command}" in text, command

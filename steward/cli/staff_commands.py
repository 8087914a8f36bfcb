"""``steward staff add|list|passwd|reset-2fa|disable|enable|unlock|role``: staff console
accounts, managed at the server's terminal (docs/staff.md).

Thin commands (DESIGN.md §5 item 2): parse, call one function in ``steward.services.staff``,
render. Whoever runs them already holds the database and the key file, so they act as an
``Operator`` (audited as ``cli:<login name>``), not as a role. A password is read from a hidden
prompt, or from one line of standard input with ``--password-stdin``, never from an argument
(which the shell's history and ``ps`` would show). A new second factor is printed once.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import typer

from steward.bootstrap import load_settings, open_store
from steward.errors import InvalidInput
from steward.services import staff as service
from steward.staff.accounts import StaffAccount
from steward.staff.roles import Role
from steward.store.database import Store

_PASSWORD_STDIN = typer.Option(
    False,
    "--password-stdin",
    help="Read the password from the first line of standard input instead of a prompt.",
)


def register(app: typer.Typer) -> None:
    staff = typer.Typer(
        help="Staff console accounts: roles, passwords, two-factor sign-in.",
        no_args_is_help=True,
    )
    staff.command("add")(add_command)
    staff.command("list")(list_command)
    staff.command("passwd")(passwd_command)
    staff.command("reset-2fa")(reset_second_factor_command)
    staff.command("disable")(disable_command)
    staff.command("enable")(enable_command)
    staff.command("unlock")(unlock_command)
    staff.command("role")(role_command)
    app.add_typer(staff, name="staff")


@contextmanager
def _store() -> Iterator[Store]:
    store = open_store(load_settings())
    try:
        yield store
    finally:
        store.engine.dispose()


def _operator() -> service.Operator:
    return service.Operator(f"cli:{getpass.getuser()}")


def add_command(
    username: str = typer.Argument(..., help="A short handle such as priya or j.smith."),
    name: str = typer.Option(..., "--name", help="The name colleagues know them by."),
    role: Role = typer.Option(..., "--role", help="What they may do (docs/staff.md)."),
    password_stdin: bool = _PASSWORD_STDIN,
) -> None:
    """Add an account; prints its authenticator set-up and recovery codes, once."""
    password = _new_password(password_stdin)
    with _store() as store:
        created = service.create_account(
            store,
            username=username,
            display_name=name,
            role=role,
            password=password,
            by=_operator(),
            now=store.clock(),
        )
    account = created.account
    typer.echo(f"added staff account {account.username} ({account.display_name}, {role.label})")
    _print_enrolment(created.enrolment)


def list_command() -> None:
    """List every account: role, second factor, state, last sign-in."""
    with _store() as store:
        found = service.list_accounts(store, by=_operator())
        now = store.clock()
    if not found:
        typer.echo("no staff accounts yet: add one with 'steward staff add'")
        return
    for account in found:
        typer.echo(_line(account, now))


def passwd_command(
    username: str = typer.Argument(..., help="The account whose password to set."),
    password_stdin: bool = _PASSWORD_STDIN,
) -> None:
    """Set an account's password (a forgotten one); its sessions end."""
    password = _new_password(password_stdin)
    with _store() as store:
        account = service.set_password(store, username, password, by=_operator(), now=store.clock())
    typer.echo(f"set a new password for {account.username}; their sessions were ended")


def reset_second_factor_command(
    username: str = typer.Argument(..., help="The account whose second factor to replace."),
) -> None:
    """Replace an account's TOTP secret and recovery codes (a lost or new phone)."""
    with _store() as store:
        enrolment = service.reset_second_factor(store, username, by=_operator(), now=store.clock())
    typer.echo(f"replaced the second factor of {username.strip().lower()}; the old one and")
    typer.echo("its recovery codes no longer work, and their sessions were ended")
    _print_enrolment(enrolment)


def disable_command(
    username: str = typer.Argument(..., help="The account to disable."),
) -> None:
    """Stop an account signing in (someone leaving); its sessions end at once."""
    with _store() as store:
        account = service.disable_account(store, username, by=_operator(), now=store.clock())
    typer.echo(f"disabled {account.username}; their sessions were ended")


def enable_command(
    username: str = typer.Argument(..., help="The account to enable again."),
) -> None:
    """Let a disabled account sign in again."""
    with _store() as store:
        account = service.enable_account(store, username, by=_operator(), now=store.clock())
    typer.echo(f"enabled {account.username}")


def unlock_command(
    username: str = typer.Argument(..., help="The locked account."),
) -> None:
    """Lift a lock after repeated failed sign-ins before it passes by itself."""
    with _store() as store:
        account = service.unlock_account(store, username, by=_operator(), now=store.clock())
    typer.echo(f"unlocked {account.username}")


def role_command(
    username: str = typer.Argument(..., help="The account."),
    role: Role = typer.Argument(..., help="Its new role."),
) -> None:
    """Give an account another role; it applies from their next page."""
    with _store() as store:
        account = service.change_role(store, username, role, by=_operator(), now=store.clock())
    typer.echo(f"{account.username} now has the role {account.role.label}")


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InvalidInput(
                "standard input held no password",
                where="--password-stdin",
                hint="pipe the password in as one line",
            )
        return password
    if not sys.stdin.isatty():
        raise InvalidInput(
            "cannot ask for a password: standard input is not a terminal",
            where="password",
            hint="run the command in a terminal, or pipe the password in with --password-stdin",
        )
    return str(typer.prompt("New password", hide_input=True, confirmation_prompt=True))


def _print_enrolment(enrolment: service.Enrolment) -> None:
    typer.echo("")
    typer.echo("Second factor (shown only now): add it to an authenticator app from this link")
    typer.echo(f"  {enrolment.provisioning_uri}")
    typer.echo(f"or type the secret by hand: {enrolment.spaced_secret}")
    typer.echo("")
    typer.echo("Recovery codes (shown only now): each signs in once in place of a code;")
    typer.echo("give them to the person to keep somewhere safe, away from their phone.")
    for code in enrolment.recovery_codes:
        typer.echo(f"  {code}")


def _line(account: StaffAccount, now: datetime) -> str:
    second = (
        f"2FA since {account.totp_confirmed_at:%Y-%m-%d}"
        if account.totp_confirmed_at is not None
        else "2FA not yet used"
    )
    last = (
        f"last sign-in {account.last_login_at:%Y-%m-%d %H:%M} UTC"
        if account.last_login_at is not None
        else "never signed in"
    )
    return "\t".join(
        [
            account.username,
            account.display_name,
            account.role.label,
            account.state(now),
            second,
            f"{account.recovery_codes_left} recovery codes",
            last,
        ]
    )

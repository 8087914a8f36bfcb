"""Staff passwords: what is accepted, and how it is kept (argon2id).

The policy follows the NCSC's password guidance for system owners: length over complexity (at
least 12 characters, passphrases welcome), a deny-list of the passwords people pick most, no
composition rules and no forced expiry. The account's own name does not count towards the
length. Passwords are kept only as argon2id hashes (RFC 9106; UK GDPR Art 32(1)(a)); a login for
an account that does not exist still runs one verification (``dummy_verify``), so the time an
answer takes does not tell a guesser which accounts exist.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from steward.errors import IntegrityError, InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256
"""Longer than any passphrase a person types; bounds the work one login can ask for."""

_GUIDANCE = "NCSC, Password administration for system owners"
_HINT = (
    "choose at least 12 characters; three or four random words make a long password that is "
    "easy to remember"
)

# The base words of the passwords found most often in breach corpora, written here by hand
# (folded: lower case, look-alike digits read as letters). A password that is one of these,
# repeated or padded with digits and symbols, is refused whatever its length.
_COMMON_WORDS = frozenset(
    {
        "password", "passwort", "pass", "qwerty", "qwertz", "azerty", "asdf", "zxcvbnm",
        "letmein", "welcome", "iloveyou", "admin", "administrator", "root", "login", "changeme",
        "default", "secret", "master", "monkey", "dragon", "football", "baseball", "soccer",
        "sunshine", "princess", "shadow", "superman", "batman", "starwars", "whatever",
        "freedom", "trustno", "hello", "hellothere", "abc", "test", "guest", "user", "love",
        "summer", "winter", "spring", "autumn", "london", "england", "liverpool", "chelsea",
        "arsenal", "manchester", "steward", "privacy", "computer", "internet", "office",
        "company", "access", "security", "letmeinnow", "ninja", "mustang", "michael", "charlie",
        "jordan", "jennifer", "thomas", "hunter", "killer", "pokemon", "cheese", "chocolate",
        "butterfly", "flower", "purple", "orange", "banana", "matrix", "google", "facebook",
        "qazwsx", "zaq", "blink", "lovely", "family", "friends", "money", "cookie", "tigger",
        "soccerball", "hockey", "ranger", "buster", "harley", "ginger", "pepper", "maggie",
    }
)  # fmt: skip

# Runs on a keyboard or in an alphabet: any stretch of one of these (or of its reverse) is a
# pattern, not a password.
_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "qazwsxedcrfvtgbyhnujmikolp",
)

_LOOK_ALIKES = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s",
     "!": "i", "|": "i", "+": "t"}
)  # fmt: skip


def password_problem(password: str, *, username: str, display_name: str = "") -> str | None:
    """Why ``password`` is refused for this account, or None when it is acceptable."""
    length = len(password)
    if length < MIN_LENGTH:
        return f"the password is {length} characters; at least {MIN_LENGTH} are needed"
    if length > MAX_LENGTH:
        return f"the password is {length} characters; at most {MAX_LENGTH} are accepted"
    if not password.strip():
        return "the password is only spaces"
    plain = _plain(password)
    for name in _names(username, display_name):
        if name in plain and len(plain) - len(name) < MIN_LENGTH:
            return (
                "the password is mostly the account's own name; without it, at least "
                f"{MIN_LENGTH} characters must remain"
            )
    if _commonest(password):
        return "the password is one of the most common passwords, or a keyboard or number run"
    return None


def check_password(password: str, *, username: str, display_name: str = "") -> None:
    """Raise InvalidInput (``where="password"``) unless ``password_problem`` finds nothing."""
    problem = password_problem(password, username=username, display_name=display_name)
    if problem is not None:
        raise InvalidInput(problem, where="password", hint=f"{_HINT} ({_GUIDANCE})")


def _plain(text: str) -> str:
    """Case-folded letters and digits only (compatibility forms folded, accents kept)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _names(username: str, display_name: str) -> list[str]:
    names = [_plain(username), _plain(display_name)]
    names += [_plain(word) for word in display_name.split()]
    return [name for name in names if len(name) >= 3]


def _commonest(password: str) -> bool:
    plain = _plain(password)
    if _is_run(plain) or _repeats(plain):
        return True
    # A word padded with digits and symbols, look-alikes read as letters: "Password123!",
    # "P@ssw0rd2026", "qwerty123456".
    padded = unicodedata.normalize("NFKC", password).casefold().strip(_PADDING)
    core = _plain(padded.translate(_LOOK_ALIKES)).strip("0123456789")
    return bool(core) and (_is_common(core) or _is_run(core))


_PADDING = "0123456789 !?.,#*-_~^&%$@"


def _is_common(word: str) -> bool:
    """A common word, one repeated ("passwordpassword"), or two joined ("monkeydragon")."""
    if word in _COMMON_WORDS:
        return True
    for size in range(3, len(word) // 2 + 1):
        unit = word[:size]
        if len(word) % size == 0 and unit * (len(word) // size) == word:
            return unit in _COMMON_WORDS
    return any(
        word[:cut] in _COMMON_WORDS and word[cut:] in _COMMON_WORDS for cut in range(3, len(word))
    )


def _repeats(plain: str) -> bool:
    """One short unit over and over: "aaaaaaaaaaaa", "abababababab", "123123123123"."""
    return any(
        (plain[:size] * (len(plain) // size + 1))[: len(plain)] == plain for size in range(1, 5)
    )


def _is_run(plain: str) -> bool:
    return len(plain) >= 4 and any(plain in run or plain in run[::-1] for run in _RUNS)


@dataclass(frozen=True)
class PasswordHashing:
    """argon2id parameters: RFC 9106's second recommended option by default (64 MiB, 3 passes,
    4 lanes). A stored hash made with other parameters is re-made at the next good login."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    @property
    def hasher(self) -> PasswordHasher:
        return _hasher(self.time_cost, self.memory_kib, self.parallelism)


RFC_9106_SECOND = PasswordHashing()


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


_DEFAULT_DUMMY = (
    "$argon2id$v=19$m=65536,t=3,p=4$b5pIAO3HP00wYaYA58kJRg$"
    "fZDwdQKbKfwi1cvVMJ2lr8Gi7+1fYl7z9M7G1vykAVM"
)
"""The hash of a random secret that was thrown away once hashed: no password matches it."""


@lru_cache(maxsize=8)
def _dummy_hash(hashing: PasswordHashing) -> str:
    """A hash no password matches, with ``hashing``'s parameters (so it costs the same work)."""
    if hashing == RFC_9106_SECOND:
        return _DEFAULT_DUMMY  # no extra hashing on the first unknown name after a start
    return hash_password(secrets.token_urlsafe(32), hashing)


@dataclass(frozen=True)
class PasswordCheck:
    matches: bool
    needs_rehash: bool = False


def hash_password(password: str, hashing: PasswordHashing) -> str:
    return hashing.hasher.hash(password)


def verify_password(stored: str, password: str, hashing: PasswordHashing) -> PasswordCheck:
    """Does ``password`` match the stored argon2id hash (constant time in the library)?

    A stored value that is not an argon2id hash is tampering or damage, never a wrong password:
    IntegrityError, so it is not mistaken for a guess.
    """
    if not stored.startswith("$argon2id$"):
        raise _not_a_hash()
    try:
        hashing.hasher.verify(stored, password)
    except VerifyMismatchError:
        return PasswordCheck(False)
    except (InvalidHashError, VerificationError):  # the library could not decode the hash
        raise _not_a_hash() from None
    return PasswordCheck(True, hashing.hasher.check_needs_rehash(stored))


def dummy_verify(password: str, hashing: PasswordHashing) -> None:
    """The same work as ``verify_password`` for an account that does not exist."""
    verify_password(_dummy_hash(hashing), password, hashing)


def _not_a_hash() -> IntegrityError:
    return IntegrityError(
        "a stored password hash is not an argon2id hash",
        where="staff_accounts.password_hash",
        hint="the row was altered; set a new password with 'steward staff passwd'",
    )

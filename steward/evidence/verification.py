"""Checking a certificate offline, with nothing but its bytes (or the response package holding
it) and a public key.

A signature either matches the canonical bytes of the certificate or it does not; it cannot say
which field changed, so the verdict never guesses: it says the signature does not match the
content (changed after signing, or signed by another key), and, when the certificate names a
different key from the one given, which key it names. Input that is not a certificate at all
(not JSON, no signature, an unknown format) is an InvalidInput, told apart from a bad signature
so ``steward evidence verify`` can exit 2 for one and 1 for the other.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from steward.errors import InvalidInput
from steward.evidence.canonical import canonical_bytes
from steward.evidence.certificate import FORMAT
from steward.evidence.signing import SIGNATURE_BYTES, fingerprint, signature_matches

PACKAGE_ENTRY = "certificate.json"
_HINT = "give the certificate file as Steward wrote it (JSON with certificate and signature)"


@dataclass(frozen=True)
class SignedCertificate:
    certificate: Mapping[str, Any]
    signature: bytes

    @property
    def signing_key(self) -> str:
        return str(self.certificate.get("signing_key", ""))


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str
    checked_with: str  # fingerprint of the key used
    certificate: Mapping[str, Any]

    @property
    def status(self) -> str:
        return str(self.certificate.get("status", ""))


def certificate_in(content: bytes) -> bytes:
    """The certificate's bytes: the file itself, or ``certificate.json`` in a response package."""
    if not content.startswith(b"PK\x03\x04"):
        return content
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return package.read(PACKAGE_ENTRY)
    except KeyError:
        raise InvalidInput(
            f"the ZIP holds no {PACKAGE_ENTRY}", where="certificate", hint=_HINT
        ) from None
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InvalidInput(
            f"the ZIP cannot be read ({type(error).__name__})", where="certificate", hint=_HINT
        ) from None


def read_certificate(content: bytes) -> SignedCertificate:
    """The certificate and its signature, or InvalidInput saying why this is not one."""
    try:
        wrapper = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidInput(
            f"not a certificate: the file is not JSON ({type(error).__name__})",
            where="certificate",
            hint=_HINT,
        ) from None
    if not isinstance(wrapper, dict):
        raise InvalidInput("not a certificate: not a JSON object", where="certificate", hint=_HINT)
    certificate = wrapper.get("certificate")
    signature = wrapper.get("signature")
    if not isinstance(certificate, dict) or not isinstance(signature, str):
        raise InvalidInput(
            "not a certificate: it needs a 'certificate' object and a 'signature' text",
            where="certificate",
            hint=_HINT,
        )
    if certificate.get("format") != FORMAT:
        raise InvalidInput(
            f"unknown certificate format {str(certificate.get('format'))[:40]!r}",
            where="certificate.format",
            hint=f"this version of Steward reads {FORMAT}",
        )
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != SIGNATURE_BYTES:
        raise InvalidInput(
            f"the signature is not {SIGNATURE_BYTES} bytes of base64",
            where="signature",
            hint=_HINT,
        )
    return SignedCertificate(certificate, raw)


def verify(content: bytes, public_pem: bytes) -> Verdict:
    """Whether the certificate in ``content`` was signed, unchanged, by this public key."""
    signed = read_certificate(certificate_in(content))
    checked_with = fingerprint(public_pem)
    try:
        message = canonical_bytes(signed.certificate)
    except InvalidInput:
        message = b""  # a float cannot have been signed: the content was changed
    if message and signature_matches(public_pem, message, signed.signature):
        return Verdict(True, "the signature matches the content", checked_with, signed.certificate)
    reason = (
        "the signature does not match the content: the certificate was changed after it was "
        "signed, or it was signed by another key"
    )
    if signed.signing_key and signed.signing_key != checked_with:
        reason += f" (it names key {signed.signing_key}; you checked with {checked_with})"
    return Verdict(False, reason, checked_with, signed.certificate)

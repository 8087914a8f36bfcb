"""Ed25519 signatures over bytes, with keys given as PEM bytes (never paths).

Ed25519 (RFC 8032) because a signature is small, deterministic, and verifiable with stock
tools (``openssl pkeyutl -verify -rawin``, Python's ``cryptography``), so a person, the ICO or
a court can check a certificate without Steward (UK GDPR Art 5(2), accountability).

A key's fingerprint is ``ed25519:`` and the first 32 hex digits of the SHA-256 of its 32 raw
public-key bytes: short enough to read over the phone, and computable with ``openssl``
(docs/evidence.md).
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from steward.errors import InvalidInput

FINGERPRINT_PREFIX = "ed25519:"
SIGNATURE_BYTES = 64


def new_private_key() -> bytes:
    """A fresh private key, PEM (PKCS #8, unencrypted: the file's mode protects it)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _private(private_pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(private_pem, password=None)
    except (ValueError, TypeError) as error:
        raise InvalidInput(
            "not a private key in PEM form",
            where="signing key",
            hint="the signing key is written only by `steward keys signing init`; restore it "
            "from backup",
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(
            f"the signing key is a {type(key).__name__}, not an Ed25519 key",
            where="signing key",
            hint="create one with `steward keys signing init`",
        )
    return key


def _public(public_pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError) as error:
        raise InvalidInput(
            "not a public key in PEM form",
            where="public key",
            hint="give the file printed by `steward keys public` (it starts with "
            "-----BEGIN PUBLIC KEY-----)",
        ) from error
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(
            f"the public key is a {type(key).__name__}, not an Ed25519 key",
            where="public key",
            hint="give the key printed by `steward keys public`",
        )
    return key


def check_private_key(private_pem: bytes) -> None:
    """Raise InvalidInput unless ``private_pem`` is an Ed25519 private key."""
    _private(private_pem)


def public_key_pem(private_pem: bytes) -> bytes:
    """The public half, PEM (SubjectPublicKeyInfo): the text an organisation publishes."""
    return (
        _private(private_pem)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def fingerprint(public_pem: bytes) -> str:
    raw = _public(public_pem).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return FINGERPRINT_PREFIX + hashlib.sha256(raw).hexdigest()[:32]


def sign(private_pem: bytes, message: bytes) -> bytes:
    return _private(private_pem).sign(message)


def signature_matches(public_pem: bytes, message: bytes, signature: bytes) -> bool:
    """True only if ``signature`` is this key's signature of exactly these bytes."""
    key = _public(public_pem)
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True

"""docs/evidence.md's recipe for a third party: jq and openssl alone verify a certificate."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from steward.evidence.certificate import signed_certificate
from steward.evidence.signing import fingerprint, new_private_key, public_key_pem
from tests.unit.evidence.outcomes import erasure_outcome

TOOLS = ("openssl", "jq", "base64", "sha256sum")
pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS), reason="needs openssl, jq and coreutils"
)

RECIPE = """
jq -jcS .certificate certificate.json > signed.bin
jq -r .signature certificate.json | base64 -d > signature.bin
openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in signed.bin -sigfile signature.bin
"""

FINGERPRINT = (
    "openssl pkey -pubin -in public.pem -outform DER | tail -c 32 | sha256sum | cut -c1-32"
)


def _certificate(folder: Path) -> bytes:
    private = new_private_key()
    content = signed_certificate(
        erasure_outcome(), organisation="Outserve Café Ltd", private_pem=private
    )
    (folder / "certificate.json").write_bytes(content)
    (folder / "public.pem").write_bytes(public_key_pem(private))
    return content


def _run(script: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", "set -o pipefail; " + script],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


def test_openssl_verifies_an_unchanged_certificate(tmp_path: Path) -> None:
    _certificate(tmp_path)
    result = _run(RECIPE, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout


def test_openssl_refuses_a_changed_certificate(tmp_path: Path) -> None:
    wrapper = json.loads(_certificate(tmp_path))
    wrapper["certificate"]["status"] = "complete but changed"
    (tmp_path / "certificate.json").write_text(json.dumps(wrapper))
    assert _run(RECIPE, tmp_path).returncode != 0


def test_openssl_computes_the_fingerprint_the_certificate_names(tmp_path: Path) -> None:
    _certificate(tmp_path)
    result = _run(FINGERPRINT, tmp_path)
    public = (tmp_path / "public.pem").read_bytes()
    assert "ed25519:" + result.stdout.strip() == fingerprint(public)

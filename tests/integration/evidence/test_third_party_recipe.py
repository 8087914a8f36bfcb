"""docs/evidence.md's recipes for a third party, run as written: jq + openssl, and Python.

Each recipe is read from the document itself, so the page cannot drift from what works.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from steward.evidence.certificate import signed_certificate
from steward.evidence.signing import fingerprint, new_private_key, public_key_pem
from tests.unit.evidence.outcomes import erasure_outcome

DOC = Path(__file__).resolve().parents[3] / "docs" / "evidence.md"
TOOLS = ("openssl", "jq", "base64", "sha256sum")
needs_tools = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS), reason="needs openssl, jq and coreutils"
)


def _blocks(heading: str, language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = re.split(r"\n##+ ", text.split(f"### {heading}", 1)[1], maxsplit=1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


def _certificate(folder: Path) -> bytes:
    private = new_private_key()
    content = signed_certificate(
        erasure_outcome(), organisation="Outserve Café Ltd", private_pem=private
    )
    (folder / "certificate.json").write_bytes(content)
    (folder / "outserve-signing-key.pem").write_bytes(public_key_pem(private))
    return content


def _shell(script: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", "set -o pipefail; " + script],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


@needs_tools
def test_the_openssl_recipe_verifies_an_unchanged_certificate(tmp_path: Path) -> None:
    _certificate(tmp_path)
    result = _shell(_blocks("Without Steward: OpenSSL and jq", "sh")[0], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout


@needs_tools
def test_the_openssl_recipe_refuses_a_changed_certificate(tmp_path: Path) -> None:
    wrapper = json.loads(_certificate(tmp_path))
    wrapper["certificate"]["status"] = "complete"
    wrapper["certificate"]["unreachable"] = ["a system that was not searched"]
    (tmp_path / "certificate.json").write_text(json.dumps(wrapper))
    assert _shell(_blocks("Without Steward: OpenSSL and jq", "sh")[0], tmp_path).returncode != 0


@needs_tools
def test_the_openssl_fingerprint_is_the_one_the_certificate_names(tmp_path: Path) -> None:
    _certificate(tmp_path)
    result = _shell(_blocks("Without Steward: OpenSSL and jq", "sh")[1], tmp_path)
    public = (tmp_path / "outserve-signing-key.pem").read_bytes()
    assert "ed25519:" + result.stdout.strip() == fingerprint(public)


def _python(script: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, check=False
    )


def test_the_python_recipe_verifies_an_unchanged_certificate(tmp_path: Path) -> None:
    _certificate(tmp_path)
    result = _python(_blocks("Without Steward: Python", "python")[0], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "valid"


def test_the_python_recipe_refuses_a_changed_certificate(tmp_path: Path) -> None:
    wrapper = json.loads(_certificate(tmp_path))
    wrapper["certificate"]["request"]["due"] = "2027-03-01"
    (tmp_path / "certificate.json").write_text(json.dumps(wrapper))
    result = _python(_blocks("Without Steward: Python", "python")[0], tmp_path)
    assert result.returncode != 0
    assert "InvalidSignature" in result.stderr

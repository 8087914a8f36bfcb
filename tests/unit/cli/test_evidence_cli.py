"""``steward evidence verify``, ``steward keys signing init`` and ``keys public``: exit codes."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from steward.cli.evidence_commands import save_response_package
from steward.cli.main import build_app, execute
from steward.evidence.certificate import signed_certificate
from steward.evidence.signing import fingerprint, new_private_key, public_key_pem
from tests.unit.evidence.outcomes import erasure_outcome


def steward(*args: str) -> int:
    return execute(build_app(list(args)), list(args))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("STEWARD_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate and the public key that checks it, as a third party receives them."""
    private = new_private_key()
    certificate = tmp_path / "certificate.json"
    certificate.write_bytes(
        signed_certificate(erasure_outcome(), organisation="Outserve Ltd", private_pem=private)
    )
    key = tmp_path / "public.pem"
    key.write_bytes(public_key_pem(private))
    return certificate, key


def test_a_valid_certificate_exits_0_with_a_summary(
    published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    certificate, key = published
    assert steward("evidence", "verify", str(certificate), "--public-key", str(key)) == 0
    out = capsys.readouterr().out
    assert "VALID" in out
    assert "REQ-2026-0042" in out
    assert "billing/invoices" in out


def test_a_tampered_certificate_exits_1_saying_the_signature_does_not_match(
    published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    certificate, key = published
    wrapper = json.loads(certificate.read_bytes())
    wrapper["certificate"]["request"]["due"] = "2027-01-31"
    certificate.write_text(json.dumps(wrapper))
    assert steward("evidence", "verify", str(certificate), "--public-key", str(key)) == 1
    captured = capsys.readouterr()
    assert "signature does not match the content" in captured.out
    assert "Traceback" not in captured.out + captured.err


def test_an_unreadable_certificate_exits_2_naming_the_file(
    tmp_path: Path, published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, key = published
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe not json")
    assert steward("evidence", "verify", str(garbage), "--public-key", str(key)) == 2
    err = capsys.readouterr().err
    assert str(garbage) in err
    assert "Traceback" not in err


def test_a_missing_certificate_exits_2(
    tmp_path: Path, published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, key = published
    assert steward("evidence", "verify", str(tmp_path / "none.json"), "--public-key", str(key)) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_public_key_that_is_not_pem_exits_2_naming_it(
    tmp_path: Path, published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    certificate, _ = published
    key = tmp_path / "key.pem"
    key.write_text("hello")
    assert steward("evidence", "verify", str(certificate), "--public-key", str(key)) == 2
    err = capsys.readouterr().err
    assert str(key) in err
    assert "not a public key" in err


def test_without_a_public_key_or_a_signing_key_it_exits_2_asking_for_one(
    data_dir: Path, published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    certificate, _ = published
    assert steward("evidence", "verify", str(certificate)) == 2
    assert "--public-key" in capsys.readouterr().err


def test_signing_init_creates_a_private_key_file_readable_only_by_its_owner(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert steward("keys", "signing", "init") == 0
    path = data_dir / "signing-key.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "fingerprint: ed25519:" in capsys.readouterr().out


def test_signing_init_refuses_to_overwrite_the_key(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert steward("keys", "signing", "init") == 0
    before = (data_dir / "signing-key.pem").read_bytes()
    assert steward("keys", "signing", "init") == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert (data_dir / "signing-key.pem").read_bytes() == before


def test_keys_public_prints_the_pem_and_the_fingerprint(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steward("keys", "signing", "init")
    capsys.readouterr()
    assert steward("keys", "public") == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("-----BEGIN PUBLIC KEY-----")
    assert captured.err.strip() == f"fingerprint: {fingerprint(captured.out.encode())}"


def test_the_deployments_own_key_is_the_default_for_verify(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steward("keys", "signing", "init")
    private = (data_dir / "signing-key.pem").read_bytes()
    certificate = tmp_path / "c.json"
    certificate.write_bytes(
        signed_certificate(erasure_outcome(), organisation="Outserve Ltd", private_pem=private)
    )
    assert steward("evidence", "verify", str(certificate)) == 0


def test_a_corrupt_signing_key_is_a_config_error_naming_the_file(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir()
    path = data_dir / "signing-key.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n")
    path.chmod(0o600)
    assert steward("keys", "public") == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "cannot be used" in err


def test_a_signing_key_others_can_read_is_refused(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steward("keys", "signing", "init")
    path = data_dir / "signing-key.pem"
    path.chmod(0o644)
    assert steward("keys", "public") == 2
    assert "chmod 600" in capsys.readouterr().err


def test_a_missing_signing_key_names_the_command_that_creates_it(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert steward("keys", "public") == 2
    assert "steward keys signing init" in capsys.readouterr().err


def _package(tmp_path: Path, certificate: bytes) -> Path:
    from steward.connectors.protocol import Record, RecordKey
    from steward.manifest.load import load_manifest

    manifest = load_manifest(Path(__file__).resolve().parents[3] / "examples/outserve/fixed")
    out = tmp_path / "out" / "response.zip"
    save_response_package(
        out,
        records={("crm", "customers"): [Record(RecordKey("customers", ("1",)), {"a": "b"})]},
        manifest=manifest,
        outcome=erasure_outcome(),
        certificate=certificate,
    )
    return out


def test_a_response_package_is_written_whole_and_private(
    tmp_path: Path, published: tuple[Path, Path]
) -> None:
    certificate, _ = published
    out = _package(tmp_path, certificate.read_bytes())
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with zipfile.ZipFile(out) as package:
        assert package.read("certificate.json") == certificate.read_bytes()
    assert [p.name for p in out.parent.iterdir()] == ["response.zip"]


def test_verify_reads_the_certificate_inside_a_response_package(
    tmp_path: Path, published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    certificate, key = published
    out = _package(tmp_path, certificate.read_bytes())
    assert steward("evidence", "verify", str(out), "--public-key", str(key)) == 0
    assert "VALID" in capsys.readouterr().out


def test_a_zip_without_a_certificate_exits_2(
    tmp_path: Path, published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, key = published
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert steward("evidence", "verify", str(other), "--public-key", str(key)) == 2
    assert "no certificate.json" in capsys.readouterr().err

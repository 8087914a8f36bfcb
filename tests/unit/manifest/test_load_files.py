"""What the loader reads: every manifest file of a folder or none, within size and value limits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from steward.errors import ManifestError
from steward.manifest.load import MAX_FILE_BYTES, load
from steward.manifest.source import MAX_NODES

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
ROOT = Path(__file__).resolve().parents[3]


def outserve_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "manifest"
    shutil.copytree(OUTSERVE, folder)
    return folder


def problems(folder: Path) -> str:
    with pytest.raises(ManifestError) as raised:
        load(folder)
    return str(raised.value)


def test_a_dangling_link_in_the_folder_is_an_error_not_a_skipped_file(tmp_path: Path) -> None:
    folder = outserve_copy(tmp_path)
    (folder / "cookies.yaml").unlink()
    (folder / "cookies.yaml").symlink_to(tmp_path / "moved" / "cookies.yaml")
    assert "cookies.yaml: the file is a link to something that does not exist" in problems(folder)


def test_a_link_to_a_manifest_file_is_read(tmp_path: Path) -> None:
    folder = outserve_copy(tmp_path)
    (folder / "cookies.yaml").rename(tmp_path / "cookies.yaml")
    (folder / "cookies.yaml").symlink_to(tmp_path / "cookies.yaml")
    assert load(folder).manifest.cookies


def test_a_folder_named_like_a_manifest_file_is_an_error(tmp_path: Path) -> None:
    folder = outserve_copy(tmp_path)
    (folder / "extra.yaml").mkdir()
    assert "extra.yaml: this is a folder, not a manifest file" in problems(folder)


def test_a_fifo_in_the_folder_is_an_error_and_never_waited_on(tmp_path: Path) -> None:
    folder = outserve_copy(tmp_path)
    os.mkfifo(folder / "cookies.yml")
    assert "cookies.yml: this is a FIFO (named pipe), not a manifest file" in problems(folder)


def test_a_device_given_as_the_manifest_is_an_error() -> None:
    assert "this is a device, not a manifest file" in problems(Path("/dev/null"))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "manifest.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: reading it would take no disk, only time
    assert "larger than 5 MB" in problems(big)


MILLION_VALUES = f"""
import resource, sys
from steward.errors import ManifestError
from steward.manifest.source import parse_yaml
text = "[" + "1," * {MAX_NODES} + "1]"
assert len(text) < 2_100_000
try:
    parse_yaml(text, "big.yaml")
except ManifestError as error:
    print(str(error).splitlines()[0])
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(int(line.split()[1]) // 1024)
"""


def test_a_2_mb_file_of_a_million_values_fails_fast_in_little_memory() -> None:
    done = subprocess.run(
        [sys.executable, "-c", MILLION_VALUES],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    message, peak_mb = done.stdout.splitlines()
    assert message == "big.yaml:1:2000000: the file has more than 1,000,000 values"
    assert int(peak_mb) < 150  # composing the nodes first took ~300 MB, building them ~700 MB

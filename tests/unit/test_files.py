"""Inputs are regular files and outputs appear whole, never through a link, never over the input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from steward.errors import InvalidInput
from steward.files import atomic_outputs, open_regular_file

NAMES = ("allowed.csv", "excluded.csv")


def write_both(out: Path, *, inputs: tuple[Path, ...] = ()) -> None:
    with atomic_outputs(out, NAMES, inputs=inputs) as (allowed, excluded):
        allowed.write("new allowed\r\n")
        excluded.write("new excluded\r\n")


def test_a_regular_file_is_opened_as_bytes(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_bytes(b"email\r\n")
    with open_regular_file(tmp_path / "list.csv", what="the list") as handle:
        assert handle.read() == b"email\r\n"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "list.csv")
    with pytest.raises(InvalidInput, match="FIFO"):
        open_regular_file(tmp_path / "list.csv", what="the list")


@pytest.mark.parametrize("path", ["/dev/null", "/dev/zero"])
def test_a_device_is_refused(path: str) -> None:
    with pytest.raises(InvalidInput, match="a device, not a file"):
        open_regular_file(Path(path), what="the list")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="a folder, not a file"):
        open_regular_file(tmp_path, what="the list")


def test_a_missing_input_says_so(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        open_regular_file(tmp_path / "nothing.csv", what="the list")


def test_outputs_appear_whole_and_private(tmp_path: Path) -> None:
    write_both(tmp_path / "out")
    assert (tmp_path / "out" / "allowed.csv").read_bytes() == b"new allowed\r\n"
    assert stat.S_IMODE((tmp_path / "out" / "allowed.csv").stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == list(NAMES)


def test_a_failure_keeps_the_old_outputs_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "allowed.csv").write_text("old")
    with pytest.raises(InvalidInput), atomic_outputs(out, NAMES) as (allowed, _):
        allowed.write("half")
        raise InvalidInput("a bad line", where="list.csv:7")
    assert (out / "allowed.csv").read_text() == "old"
    assert sorted(p.name for p in out.iterdir()) == ["allowed.csv"]


def test_an_output_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(InvalidInput, match="is a file, not a folder"):
        write_both(tmp_path / "out")


def test_an_output_link_is_replaced_never_followed(tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "elsewhere.txt"
    out.mkdir()
    victim.write_text("keep me")
    (out / "allowed.csv").symlink_to(victim)
    write_both(out)
    assert victim.read_text() == "keep me"
    assert not (out / "allowed.csv").is_symlink()
    assert (out / "allowed.csv").read_bytes() == b"new allowed\r\n"


def test_a_dangling_output_link_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "excluded.csv").symlink_to(tmp_path / "missing" / "file")
    write_both(out)
    assert not (tmp_path / "missing").exists()
    assert (out / "excluded.csv").read_bytes() == b"new excluded\r\n"


@pytest.mark.parametrize("how", ["same path", "other spelling", "link", "hard link"])
def test_an_output_that_is_the_input_is_refused_before_anything_is_written(
    tmp_path: Path, how: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    source = out / "allowed.csv"
    if how in ("link", "hard link"):
        source = tmp_path / "list.csv"
        source.write_text("the list")
        if how == "link":
            (out / "allowed.csv").symlink_to(source)
        else:
            os.link(source, out / "allowed.csv")
    else:
        source.write_text("the list")
    given = out / ".." / "out" / "allowed.csv" if how == "other spelling" else source
    with pytest.raises(InvalidInput, match="would overwrite the input"):
        write_both(out, inputs=(given,))
    assert source.read_text() == "the list"


def test_an_output_that_is_a_folder_or_fifo_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "allowed.csv").mkdir()
    os.mkfifo(out / "excluded.csv")
    with pytest.raises(InvalidInput, match="already there as a folder"):
        write_both(out)
    (out / "allowed.csv").rmdir()
    with pytest.raises(InvalidInput, match="already there as a FIFO"):
        write_both(out)

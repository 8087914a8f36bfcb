"""Files a command reads and writes for a person, handled so a mistake in a path loses nothing.

Services take streams (DESIGN.md, rules of the house); the commands that give them files use this
module, which owns every decision about paths:

- an input is a regular file (a link to one is fine): a FIFO would block the command forever and
  a device or folder is never a list, so both are refused before anything is read;
- outputs go into a folder, each written to a private temporary file beside its target, flushed
  to disk (``fsync``) and moved over the target with ``os.replace``, so a reader of the folder
  sees the old file or the whole new one, never half of one, and a failed run leaves the old
  files as they were;
- an output that is a symbolic link is replaced by the new file, never written through, so a
  link planted in the folder cannot send the output anywhere else; an output that is a folder,
  FIFO or device is refused;
- an output that is the input, or names the same file by any path or link, is refused before
  anything is written, so a command never overwrites what it is reading.

Outputs are created readable by their owner only (0600): they hold personal data.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from steward.errors import InvalidInput


def file_kind(mode: int) -> str:
    """What a path that is not a regular file is, in words (for an error a person reads)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular_file(path: Path, *, what: str) -> BinaryIO:
    """``path`` opened for reading as bytes, if it is a regular file (after following links).

    Opened without blocking, then checked on the open descriptor, so a FIFO swapped in after a
    check cannot hang the command.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InvalidInput(
            f"{what} does not exist", where=str(path), hint=f"give the path of {what}"
        ) from None
    except OSError as error:
        raise InvalidInput(
            f"cannot read {what}: {error.strerror}",
            where=str(path),
            hint=f"give the path of {what}, readable by you",
        ) from error
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise InvalidInput(
            f"{what} is {file_kind(mode)}, not a file",
            where=str(path),
            hint=f"give the path of {what} saved as a file",
        )
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def _same_file(one: Path, other: Path) -> bool:
    if os.path.abspath(one) == os.path.abspath(other):
        return True
    if os.path.realpath(one) == os.path.realpath(other):
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _output_folder(folder: Path) -> None:
    if folder.is_dir():
        return
    if os.path.lexists(folder):
        raise InvalidInput(
            "the output folder is a file, not a folder",
            where=str(folder),
            hint="name a folder (it is created if missing) for the output files",
        )
    try:
        folder.mkdir(parents=True)
    except OSError as error:
        raise InvalidInput(
            f"cannot create the output folder: {error.strerror}",
            where=str(folder),
            hint="name a folder you may write in",
        ) from error


def _check_target(target: Path, inputs: Sequence[Path]) -> None:
    for source in inputs:
        if _same_file(source, target):
            raise InvalidInput(
                f"the output {target.name} would overwrite the input",
                where=str(target),
                hint="write the outputs to another folder than the one holding the input, or "
                "rename the input",
            )
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise InvalidInput(
            f"the output {target.name} is already there as {file_kind(mode)}",
            where=str(target),
            hint="move it out of the way or choose another output folder",
        )


@contextmanager
def atomic_outputs(
    folder: Path, names: Sequence[str], *, inputs: Sequence[Path] = ()
) -> Iterator[list[TextIO]]:
    """Text streams (UTF-8, ``newline=""`` for ``csv``) for ``folder/name`` each; the files
    appear only when the block ends without an error, each in one atomic step."""
    _output_folder(folder)
    targets = [folder / name for name in names]
    for target in targets:
        _check_target(target, inputs)
    temporaries: list[Path] = []
    with ExitStack() as stack:
        try:
            handles: list[TextIO] = []
            for target in targets:
                descriptor, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
                temporaries.append(Path(name))
                handles.append(
                    stack.enter_context(open(descriptor, "w", encoding="utf-8", newline=""))
                )
            yield handles
            for handle in handles:
                handle.flush()
                os.fsync(handle.fileno())
            stack.close()
            for temporary, target in zip(temporaries, targets, strict=True):
                os.replace(temporary, target)
            _sync_folder(folder)
        except OSError as error:
            raise InvalidInput(
                f"cannot write the output files: {error.strerror}",
                where=str(folder),
                hint="check the folder is writable and the disk has room",
            ) from error
        finally:
            stack.close()
            for temporary in temporaries:
                temporary.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make the renames durable: a crash after this keeps the new files."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

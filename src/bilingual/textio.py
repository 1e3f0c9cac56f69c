"""Text at the edges: newlines, spreadsheet-safe cells, CSV decoding and atomic file writes.

Each rule here is decided once; every reader, writer and command calls it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO, cast

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = re.compile(r"'*[=+\-@\t\r]")
# The longest CSV cell any reader here accepts (review import, glossary import), in characters. The csv
# module's own default (131,072) is shorter than a long unbroken paragraph an export may write as one
# sentence; a file is read whole before it is parsed, so a larger limit costs no memory, and 16 Mi is
# still far beyond any sentence. Set once for the process, so every reader shares it.
CSV_CELL_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), CSV_CELL_LIMIT))


def normalise_newlines(text: str) -> str:
    """Windows (CRLF) and old Mac (CR) line ends as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_lines(text: str) -> list[str]:
    """The lines of a text, whatever its line ends."""
    return normalise_newlines(text).splitlines()


def neutralise(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula.

    Cells that already start with apostrophes before a trigger get one more, so that
    ``unneutralise`` (drop one apostrophe where one or more precede a trigger) is its exact inverse.
    """
    return "'" + cell if _NEUTRALISED.match(cell) else cell


def unneutralise(cell: str) -> str:
    """Undo ``neutralise``: drop the one apostrophe it added, leave every other cell alone."""
    return cell[1:] if cell.startswith("'") and _NEUTRALISED.match(cell) else cell


def decode_csv(data: bytes, name: str = "<csv>") -> str:
    """CSV bytes as text: UTF-8 (a byte-order mark is kept, it marks ``--excel``), else Windows-1252.

    Spreadsheets on Western-European Windows save plain "CSV" in Windows-1252.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError(f"{name} is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8") from None


def csv_error_text(exc: csv.Error) -> str:
    """A csv module error as a user reads it: the cell limit in words, other errors as they are."""
    if "field larger than field limit" in str(exc):
        return (f"a cell is longer than {CSV_CELL_LIMIT:,} characters, the most a CSV cell may hold here; "
                "check that every quote in the file is closed, or split the text")
    return str(exc)


def file_target_problem(target: str | Path) -> str | None:
    """Why ``target`` cannot become a written file (it is a folder, a device or a pipe), or None."""
    target = Path(target)
    if target.is_dir():
        return f"{target} is a folder; give a file name"
    if target.exists() and not target.is_file():
        return f"{target} is not a regular file; give a file name"
    return None


@contextmanager
def atomic_text_file(target: str | Path, *, force: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text stream that becomes ``target`` only when the block ends without error.

    The text is written beside the target, flushed to disk and renamed over it, so a failed write
    never leaves half a file. An existing target is a FileExistsError unless ``force``; a folder is an
    IsADirectoryError and a device or pipe a FileExistsError even then. Newlines are written as given.
    The file is private (0600) whatever the umask, also when it replaces a file others could read:
    an export holds whole documents and reviewers' names, and a mode inherited from an older file at
    the same name would pass them on without anyone deciding so.
    """
    target = Path(target)
    problem = file_target_problem(target)
    if problem:
        raise (IsADirectoryError if target.is_dir() else FileExistsError)(problem)
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists; pass --force to overwrite it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
        if blocking is None:
            raise
        raise NotADirectoryError(f"{blocking} is a file, not a folder") from exc
    tmp = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=target.parent,
                                      prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with tmp:
            # mkstemp's 0600 loses the owner bits a umask such as 0277 takes away; set it outright
            os.chmod(tmp.name, 0o600)
            yield cast(TextIO, tmp)
            tmp.flush()
            os.fsync(tmp.fileno())  # on disk before the name points at it, so a power cut cannot leave it empty
        Path(tmp.name).replace(target)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise


def write_text_stream(binary: BinaryIO, write: Callable[[TextIO], int]) -> int:
    """Run ``write`` on a UTF-8 text view of a binary stream (stdout), leaving the stream open."""
    stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    try:
        return write(stream)
    finally:
        stream.flush()
        stream.detach()

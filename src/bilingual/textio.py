"""Text at the edges: newlines, spreadsheet-safe cells, CSV decoding and atomic file writes.

Each rule here is decided once; every reader, writer and command calls it.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO, cast

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = re.compile(r"'*[=+\-@\t\r]")


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


@contextmanager
def atomic_text_file(target: str | Path, *, force: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text stream that becomes ``target`` only when the block ends without error.

    The text is written beside the target and renamed over it, so a failed write never leaves half
    a file. An existing target is a FileExistsError unless ``force``. Newlines are written as given.
    """
    target = Path(target)
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists; pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=target.parent,
                                      prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with tmp:
            yield cast(TextIO, tmp)
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

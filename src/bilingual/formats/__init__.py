"""The export formats: one table of what each is called, its file suffixes, MIME type, writer and reader.

Every format carries the same ``ExportRecord`` rows (``bilingual.records``); the command line and
the review app both take names, suffixes, labels and MIME types from ``FORMATS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bilingual.formats.csv import read_csv, write_csv
from bilingual.formats.jsonl import read_jsonl, write_jsonl
from bilingual.formats.tmx import read_tmx, write_tmx
from bilingual.formats.xliff import XLIFF_SUFFIXES, read_xliff, write_xliff
from bilingual.records import ExportRecord

Writer = Callable[[Iterable[ExportRecord], TextIO], int]
Reader = Callable[[str], list[ExportRecord]]


@dataclass(frozen=True)
class Format:
    """One export format: its name, file suffixes (the first is the one written), MIME type, label and functions."""

    name: str
    suffixes: tuple[str, ...]
    mime: str
    label: str
    write: Writer
    read: Reader | None = None

    @property
    def suffix(self) -> str:
        """The suffix an exported file of this format gets (``.xlf`` for XLIFF)."""
        return self.suffixes[0]


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("csv", (".csv",), "text/csv", "CSV", write_csv, read_csv),
    Format("tmx", (".tmx",), "application/x-tmx+xml", "TMX 1.4b", write_tmx, read_tmx),
    Format("jsonl", (".jsonl",), "application/jsonl", "JSONL", write_jsonl, read_jsonl),
    Format("xliff", XLIFF_SUFFIXES, "application/xliff+xml", "XLIFF 1.2 (for CAT tools)", write_xliff, read_xliff),
)}
# The label of the CSV written for spreadsheets (``excel``: byte-order mark, formula-like cells neutralised).
EXCEL_LABEL = "CSV for spreadsheets"


def write_records(records: Sequence[ExportRecord], fmt: str, out: TextIO, excel: bool = False) -> int:
    """Write records in one of ``FORMATS``; return how many rows or translation units were written."""
    if fmt == "csv":
        return write_csv(records, out, excel=excel)
    if excel:
        raise ValueError("--excel only applies to CSV")
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return FORMATS[fmt].write(records, out)


def format_for_path(path: str | Path) -> str:
    """The name of the format a file name's suffix stands for (``.xlf`` and ``.xliff`` are XLIFF).

    A name with no known suffix (``-`` for stdout among them) is a ValueError.
    """
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.suffixes:
            return fmt.name
    raise ValueError(f"the export format cannot be told from the name {str(path)!r}; expected a suffix of "
                     + ", ".join(s for fmt in FORMATS.values() for s in fmt.suffixes))
